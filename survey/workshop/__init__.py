"""The workshop in the room after a closed round: a presenter view for the projector
(under /console/workshops/, staff only) and a join page for participants' phones (/w/).

Views stay thin: storage in store.py, the agenda and what each slide shows in agenda.py,
the PDFs and downloads in documents.py.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from ..errors import NotFound, SurveyError

bp = Blueprint("workshop", __name__)


@bp.errorhandler(SurveyError)
def refused(error: SurveyError):
    """A rule broken by a request: a page in the person's language, never a 500."""
    if isinstance(error, NotFound):
        status, message = 404, error.translated()
    else:
        status, message = 400, _("That was refused: %(reason)s", reason=error.translated())
    return render_template("error.html", status=status, message=message), status


@bp.after_request
def no_store(response):
    """Live counts and the phones' pages must never come from a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


from . import phone, presenter  # noqa: E402,F401  (registers the routes)
