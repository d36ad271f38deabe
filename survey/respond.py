"""Respondent pages: enter a code, welcome, questions, open questions, review, submit.

Views are thin over survey.answering and survey.drafts. Nothing here logs a request, and
the session cookie holds only the code and a random draft id until the answers are sent.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from . import answering, current_language, drafts
from .answering import (
    AlreadyReceived,
    RoundClosed,
    RoundNotStarted,
    SessionEnded,
    SpentCode,
    UnknownCode,
)
from .db import get_db
from .errors import InvalidInput
from .extensions import csrf, limiter
from .questionnaire import PERSPECTIVES, fill
from .respond_forms import (
    CodeForm,
    SubmitForm,
    answer_value,
    answers_form,
    comments_form,
    field_name,
    form_value,
    only_csrf_failed,
)

bp = Blueprint("respond", __name__)
# Our forms check their own CSRF token, so a stale token re-shows the page with the
# answers kept instead of a bare 400.
csrf.exempt(bp)
# Flask-Limiter would log the address of every throttled request.
logging.getLogger("flask-limiter").setLevel(logging.WARNING)  # breaches log at INFO

SESSION_KEY = "respond"
DIMENSIONS_PER_PAGE = 1  # short pages on a phone; the dimension name is the heading
CODE_LIMIT = "10/minute"  # typed and scanned codes together, per address, in memory only


def _failed(response) -> bool:
    """Only failed tries count toward the limit: a whole team behind one shared Wi-Fi
    address, each with a good code, must never be throttled; a guesser is."""
    return response.status_code >= 400


# --- Where the person is ---------------------------------------------------------


def _key() -> str:
    return current_app.config["INVITE_KEY"]


def _begin(entered: str):
    """Check the code and start a fresh draft (the code is spent only at submit)."""
    db = get_db()
    entry = answering.check_code(db, entered, _key())
    state = session.get(SESSION_KEY)
    if state and state["code"] == entry.code and drafts.load(db, state["draft"]):
        return redirect(url_for("respond.welcome"))  # the same slip again: keep the answers
    draft_id = drafts.start(db, entry.round)
    session[SESSION_KEY] = {"code": entry.code, "draft": draft_id}
    session.pop("submitted", None)
    if entry.round.lang in ("pl", "en"):
        session["lang"] = entry.round.lang
    return redirect(url_for("respond.welcome"))


class Context:
    """The started survey this request belongs to."""

    def __init__(self) -> None:
        state = session.get(SESSION_KEY)
        if not state:
            if session.get("submitted"):
                raise AlreadyReceived("Already received.")
            raise SessionEnded("No survey started.")
        db = get_db()
        try:
            entry = answering.check_code(db, state["code"], _key())
        except SpentCode as exc:
            raise AlreadyReceived(str(exc)) from exc
        draft = drafts.load(db, state["draft"])
        if draft is None:
            raise SessionEnded("The draft is gone.")
        self.db, self.entry, self.draft = db, entry, draft
        self.round = entry.round
        self.side = entry.invite.side
        self.questionnaire = self.round.questionnaire
        lang = current_language()
        self.lang = lang if lang in self.questionnaire.languages else self.round.lang
        self.own = self.round.label(self.side)
        self.other = self.round.label(self.round.other_side(self.side))
        dims = self.questionnaire.dimensions
        self.pages = [
            dims[i : i + DIMENSIONS_PER_PAGE] for i in range(0, len(dims), DIMENSIONS_PER_PAGE)
        ]
        self.total_steps = len(self.pages) + 2  # question pages, open questions, review

    def render(self, template: str, step: int, status: int = 200, **values):
        values.update(
            ctx=self, step=step, total=self.total_steps, fill=fill, perspectives=PERSPECTIVES
        )
        return render_template(f"respond/{template}", **values), status


# --- Entry -------------------------------------------------------------------------


@bp.post("/code")
@limiter.shared_limit(CODE_LIMIT, scope="invite-codes", deduct_when=_failed)
def enter():
    form = CodeForm()
    if not form.validate():
        message = (
            _("The page had expired. Please press Start again.") if only_csrf_failed(form) else None
        )
        return render_template("index.html", form=form, code_message=message), 400
    return _begin(form.code.data)


@bp.get("/r/<code>")
@limiter.shared_limit(CODE_LIMIT, scope="invite-codes", deduct_when=_failed)
def from_link(code: str):
    return _begin(code)


@bp.get("/welcome")
def welcome():
    ctx = Context()
    return ctx.render("welcome.html", step=0)


# --- Questions -----------------------------------------------------------------------


def _page_data(ctx: Context, page: int) -> dict[str, str]:
    data = {}
    for dimension in ctx.pages[page - 1]:
        for item in dimension.items:
            for perspective in PERSPECTIVES:
                name = field_name((dimension.id, item.id, perspective))
                if name in ctx.draft.answers:
                    data[name] = form_value(ctx.draft.answers[name])
    return data


@bp.route("/page/<int:page>", methods=["GET", "POST"])
def questions(page: int):
    ctx = Context()
    if not 1 <= page <= len(ctx.pages):
        abort(404)
    dims = ctx.pages[page - 1]
    if request.method == "GET":
        form = answers_form(
            ctx.questionnaire, dims, ctx.lang, ctx.own, ctx.other, _page_data(ctx, page)
        )
        return ctx.render("questions.html", step=page, form=form, page=page, dimensions=dims)
    form = answers_form(ctx.questionnaire, dims, ctx.lang, ctx.own, ctx.other)
    if not form.validate():
        if only_csrf_failed(form):
            message = _(
                "This page had been open too long. Your answers are still here: please press Next again."
            )
            return ctx.render(
                "questions.html",
                step=page,
                status=400,
                form=form,
                page=page,
                dimensions=dims,
                message=message,
            )
        return rejected(ctx, url_for("respond.questions", page=page))
    for name, field in form._fields.items():
        if name == "csrf_token":
            continue
        answered, value = answer_value(field.data)
        if answered:
            ctx.draft.answers[name] = value
        else:
            ctx.draft.answers.pop(name, None)
    drafts.save(ctx.db, ctx.draft)
    if "back" in request.form:
        target = (
            url_for("respond.questions", page=page - 1) if page > 1 else url_for("respond.welcome")
        )
    elif page < len(ctx.pages):
        target = url_for("respond.questions", page=page + 1)
    else:
        target = url_for("respond.comments")
    return redirect(target)


@bp.route("/comments", methods=["GET", "POST"])
def comments():
    ctx = Context()
    step = len(ctx.pages) + 1
    q, lang = ctx.questionnaire, ctx.lang
    if request.method == "GET":
        form = comments_form(q, lang, ctx.own, ctx.other, dict(ctx.draft.comments))
        return ctx.render("comments.html", step=step, form=form)
    form = comments_form(q, lang, ctx.own, ctx.other)
    if not form.validate():
        message = (
            _(
                "This page had been open too long. Your answers are still here: please press Next again."
            )
            if only_csrf_failed(form)
            else _("One answer is too long. Nothing was saved from this page; please shorten it.")
        )
        return ctx.render("comments.html", step=step, status=400, form=form, message=message)
    for question in q.open_questions:
        text = (form[question.id].data or "").strip()
        if text:
            ctx.draft.comments[question.id] = text
        else:
            ctx.draft.comments.pop(question.id, None)
    drafts.save(ctx.db, ctx.draft)
    if "back" in request.form:
        return redirect(url_for("respond.questions", page=len(ctx.pages)))
    return redirect(url_for("respond.review"))


# --- Review, submit, thanks ---------------------------------------------------------


def _review(ctx: Context, status: int = 200, message: str | None = None):
    return ctx.render(
        "review.html", step=ctx.total_steps, status=status, form=SubmitForm(), message=message
    )


@bp.get("/review")
def review():
    return _review(Context())


@bp.post("/submit")
def submit():
    state = session.get(SESSION_KEY)
    if not state:
        Context()  # raises the right refusal: already received, or no survey started
    form = SubmitForm()
    if not form.validate():
        return _review(
            Context(),
            400,
            _("The page had been open too long. Your answers are kept: please press Send again."),
        )
    # answering.submit checks the code, the round and the draft again inside its own
    # transaction, so the page's context is loaded only when something must be shown.
    try:
        answering.submit(get_db(), state["code"], state["draft"], _key())
    except InvalidInput:
        return rejected(Context(), url_for("respond.review"))
    session.pop(SESSION_KEY, None)
    session["submitted"] = True
    return redirect(url_for("respond.thanks"))


@bp.get("/thanks")
def thanks():
    return render_template("respond/thanks.html")


# --- Problems, in the person's language ------------------------------------------------


def rejected(ctx: Context, back: str):
    """Values that are not on the form (tampering or a broken page): nothing is stored."""
    return problem(
        400,
        _("Some answers were not valid"),
        _(
            "The page sent answers that are not among the choices. Nothing from it was saved. Please go back and choose again."
        ),
        back=back,
    )


def problem(
    status: int, title: str, message: str, *, back: str | None = None, code_form: bool = False
):
    return (
        render_template(
            "respond/problem.html",
            title=title,
            message=message,
            back=back,
            form=CodeForm() if code_form else None,
        ),
        status,
    )


@bp.app_errorhandler(429)
def too_many(_error):
    return problem(
        429,
        _("Too many tries"),
        _(
            "Too many codes were tried from here in a short time. Please wait a minute and try again."
        ),
    )


@bp.errorhandler(UnknownCode)
def unknown_code(_exc):
    return problem(
        404,
        _("We don't know this code"),
        _(
            "Check the code on your slip and type it again. Capital or small letters and dashes don't matter."
        ),
        code_form=True,
    )


@bp.errorhandler(SpentCode)
def spent_code(_exc):
    return problem(
        410,
        _("This code has already been used"),
        _("Each code works only once. If you have not answered yet, ask HR for a new slip."),
    )


@bp.errorhandler(RoundNotStarted)
def round_not_started(_exc):
    return problem(
        403,
        _("The survey has not started yet"),
        _(
            "This code belongs to a survey that is not open yet. Please try again when HR announces the start."
        ),
    )


@bp.errorhandler(RoundClosed)
def round_closed(_exc):
    return problem(
        410,
        _("The survey is closed"),
        _("This survey no longer takes answers. Thank you for your interest."),
    )


@bp.errorhandler(AlreadyReceived)
def already_received(_exc):
    return problem(
        200,
        _("Your answers were already received"),
        _("Thank you: your answers were stored once. There is nothing more to do."),
    )


@bp.errorhandler(SessionEnded)
def session_ended(_exc):
    return problem(
        400,
        _("Your survey session has ended"),
        _("Nothing was sent. Please enter your code again to start."),
        code_form=True,
    )
