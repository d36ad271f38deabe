"""Domain errors: each carries a message meant for a person, not a traceback."""


class SurveyError(Exception):
    """A mistake a user can fix (bad file, wrong round state, unknown id)."""


class NotFound(SurveyError):
    """The thing asked for does not exist."""


class InvalidInput(SurveyError):
    """Input was rejected as a whole; nothing was stored."""


class WrongState(SurveyError):
    """The round's status does not allow this action."""
