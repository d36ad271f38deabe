"""The workshop in the room after a closed round: a presenter view for the projector
(under /console/workshops/, staff only) and a join page for participants' phones (/w/).

Views stay thin: storage in store.py, the agenda and what each slide shows in agenda.py,
the PDFs and downloads in documents.py.
"""

from __future__ import annotations

from flask import Blueprint

from .. import refused
from ..errors import SurveyError

bp = Blueprint("workshop", __name__)
bp.register_error_handler(SurveyError, refused)  # a page in the person's language, never a 500


@bp.after_request
def no_store(response):
    """Live counts and the phones' pages must never come from a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


from . import phone, presenter  # noqa: E402,F401  (registers the routes)
