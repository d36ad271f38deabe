"""Mailed invitations and reminders (issue 22): the mail server's settings, the messages
in the round's language, and the sending with retries. The sealed addresses are the core's
(survey/store/mailing.py); nothing here prints, lists or logs a code."""
