"""Sending through the mail server: one connection for a whole sending, a new one after a
failure, and each message tried up to ATTEMPTS times; an address the server refuses for
good (a 5xx answer) fails at once. What comes back is only which ids went and which not:
nothing here logs an address or a code."""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from email.message import Message

from .settings import MailSettings

ATTEMPTS = 3
RETRY_PAUSE = 1.0  # seconds before the second attempt, doubled before the third
CONNECTIONS = 4  # at once to the mail server: few enough for any server's per-client limit


class Connection:
    """An SMTP session opened on first use and again after any failure."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: Message) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
            raise
        except Exception:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.use_ssl:
            smtp = smtplib.SMTP_SSL(s.server, s.port, timeout=s.timeout)
        else:
            smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
            if s.use_tls:
                smtp.starttls(context=ssl.create_default_context())
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except Exception:  # a broken session: nothing left to end politely
                pass
            self._smtp = None


def permanent(error: Exception) -> bool:
    """A refusal that another attempt will not change (a 5xx answer for the address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_each(
    settings: MailSettings,
    messages: Iterable[tuple[int, Message]],
    done: Callable[[int, bool], None],
    pause: float = RETRY_PAUSE,
    connections: int = CONNECTIONS,
) -> None:
    """Send each (id, message) over a few connections at once (the mail server's answers
    take longer than making a message); call done(id, sent) after each one, one call at
    a time. The messages are taken in the order given."""
    lock = threading.Lock()
    source = iter(messages)
    errors: list[BaseException] = []

    def next_message() -> tuple[int, Message] | None:
        with lock:
            return next(source, None)

    def work() -> None:
        connection = Connection(settings)
        try:
            while not errors and (item := next_message()) is not None:
                sent = _send_one(connection, item[1], pause)
                with lock:
                    done(item[0], sent)
        except BaseException as error:  # raised again below, in the caller's thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, name="mail-send") for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]


def _send_one(connection: Connection, message: Message, pause: float) -> bool:
    for attempt in range(ATTEMPTS):
        try:
            connection.send(message)
            return True
        except (smtplib.SMTPException, OSError) as error:
            if permanent(error) or attempt == ATTEMPTS - 1:
                return False
            time.sleep(pause * 2**attempt)
    return False
