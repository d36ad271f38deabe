"""Domain errors: each carries a message meant for a person, not a traceback.

A message is an English msgid plus its %(name)s values, e.g.
`WrongState("Round %(id)s is closed; closing is final.", id=3)`. `str(error)` is always the
English text (what the CLI prints and tests match); a page shows `survey.i18n.translated(error)`,
the same msgid looked up in the person's language. Why not `lazy_gettext` in the domain
modules: in Flask-Babel 4.0 a lazy string turned into text inside an app context but
outside a request (every CLI command, the slip-drawing thread) asks this app's locale
selector, which reads the request and raises; and the app's default locale is Polish.
A msgid kept on the error needs no context until a page shows it.

Messages that only the CLI or file checks can print (questionnaire files, CSV import and
export, backups, raw answer validation behind the respondent pages) stay plain English:
they are given already formatted, and `translated` finds no catalogue entry for them.
"""

from __future__ import annotations


class SurveyError(Exception):
    """A mistake a user can fix (bad file, wrong round state, unknown id)."""

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class NotFound(SurveyError):
    """The thing asked for does not exist."""


class InvalidInput(SurveyError):
    """Input was rejected as a whole; nothing was stored."""


class WrongState(SurveyError):
    """The round's status does not allow this action."""
