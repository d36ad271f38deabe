"""Respondent pages: enter a code, welcome, questions, open questions, review, submit.

Views are thin over survey.respond.answering. Nothing here logs a request and nothing is written
before Send: the code and the answers so far live in the person's browser, in encrypted
cookies (survey/respond/state.py). Every page is sent with Cache-Control: no-store.
"""

from __future__ import annotations

import logging
from typing import NoReturn, cast

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..db import get_db
from ..extensions import csrf, limiter
from ..form_values import required
from ..i18n import current_language
from ..store import carried
from ..store.errors import InvalidInput, SurveyError
from ..store.languages import LANGUAGES
from ..store.questionnaire import fill
from ..store.responses import AnswerKey, Submission
from ..store.sides import other
from . import answering
from . import state as browser
from .answer_page import AnswerPage, answer_page, review_list
from .answering import (
    AlreadyReceived,
    SessionEnded,
    SpentCode,
    UnknownCode,
)
from .forms import (
    CodeForm,
    RestartForm,
    TokenForm,
    answer_value,
    comments_form,
    form_value,
    only_csrf_failed,
    token_is_valid,
)
from .kiosk_mark import kiosk_round
from .refusals import problem

bp = Blueprint("respond", __name__)
# Our forms check their own CSRF token, so a stale token re-shows the page with the
# answers kept instead of a bare 400.
csrf.exempt(bp)
# Flask-Limiter would log the address of every throttled request.
logging.getLogger("flask-limiter").setLevel(logging.WARNING)  # breaches log at INFO

# Two dimensions a page (the first one's name is the page's heading, the second's a
# subheading): each page costs a GET and a POST with its redirect, and with five
# dimensions two pages fewer cut the server's CPU per survey by about a fifth (issue 14).
DIMENSIONS_PER_PAGE = 2
CODE_LIMIT = "10/minute"  # typed and scanned codes together, per address, in memory only


CODE_ENTRY = ("respond.enter", "respond.from_link")  # the only respondent pages throttled


@limiter.request_filter
def _not_code_entry() -> bool:
    """Every other respondent request skips the limiter's lookup of its limits (it has
    none): a tenth of a millisecond on each page and on Send."""
    return request.blueprint == "respond" and request.endpoint not in CODE_ENTRY


def _failed(response) -> bool:
    """Only failed tries count toward the limit: a whole team behind one shared Wi-Fi
    address, each with a good code, must never be throttled; a guesser is."""
    return response.status_code >= 400


# --- Where the person is ---------------------------------------------------------


def _key() -> str:
    return current_app.config["INVITE_KEY"]


@bp.after_request
def private_pages(response):
    """Respondent pages show a person's answers: never kept in any cache. The browser's
    state is written here, whatever page or refusal the view returned."""
    response.headers["Cache-Control"] = "no-store"
    if g.get("clear_state"):
        browser.clear(response, request)
    elif g.get("state") is not None:
        browser.save(response, g.state, request)
    if g.get("sent_code") and kiosk_round() is None:  # a kiosk remembers nobody
        browser.remember_sent(response, request, g.sent_code)
    return response


def _begin(entered: str, confirmed: bool = False, lang: str | None = None):
    """Check the code and start answering (the code is spent only at submit), in `lang`
    when the link names one (a mailed invitation in the person's language), else in the
    round's. Used and unused codes get the same answer: only this browser's own memory
    differs."""
    entry = answering.check_code(get_db(), entered, _key())
    if kiosk_round() not in (None, entry.round.id):
        raise UnknownCode("A kiosk takes codes of its own round only.")
    if entry.code in browser.sent_codes(request):
        raise AlreadyReceived("This browser sent answers with this code.")
    current = browser.load(request)
    if current and current.code == entry.code:
        return redirect(url_for("respond.welcome"))  # the same slip again: keep the answers
    kiosk = kiosk_round() is not None  # a new code on a kiosk is a new person
    if current and (current.answers or current.comments) and not confirmed and not kiosk:
        # A link from anywhere (another site too) must not silently replace a survey
        # started in this browser: the person confirms with a form only we can post.
        return render_template(
            "respond/restart.html",
            form=RestartForm(code=browser.seal_code(entry.code)),
            back=_where_they_were(),
        )
    g.state = browser.State(entry.code, entry.round.id)
    chosen = lang if lang in LANGUAGES else entry.round.lang
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(url_for("respond.welcome"))


def _refuse_without_survey() -> NoReturn:
    """The refusal for a browser that holds no started survey: already received, or none."""
    if browser.sent_codes(request):
        raise AlreadyReceived("Already received.")
    raise SessionEnded("No survey started.")


class Context:
    """The started survey this request belongs to."""

    def __init__(self) -> None:
        state = browser.load(request)
        if state is None:
            _refuse_without_survey()
        entry = answering.check_code(get_db(), state.code, _key())
        self.entry, self.state = entry, state
        self.round = entry.round
        self.side = entry.invite.side
        self.questionnaire = self.round.questionnaire
        if browser.drop_unknown_notes(state, {q.id for q in self.questionnaire.open_questions}):
            g.state = state  # written again: the browser drops the unknown note's cookie
        lang = current_language()
        self.lang = lang if lang in self.questionnaire.languages else self.round.lang
        self.own = self.round.label(self.side)
        self.other = self.round.label(other(self.side))
        dims = self.questionnaire.dimensions
        self.pages = [
            dims[i : i + DIMENSIONS_PER_PAGE] for i in range(0, len(dims), DIMENSIONS_PER_PAGE)
        ]
        agreements = carried.page(self.questionnaire)  # workshop agreements: one more page
        if agreements is not None:
            self.pages.append([agreements])
        self.total_steps = len(self.pages) + 2  # question pages, open questions, review

    def render(self, template: str, step: int, status: int = 200, **values):
        if self.state.step != step:  # remembered in the browser's own cookie, like the answers
            self.state.step = step
            g.state = self.state
        values.update(ctx=self, step=step, total=self.total_steps, fill=fill)
        return render_template(f"respond/{template}", **values), status

    def url_of(self, step: int) -> str:
        """The address of a step: 0 the welcome, then the question pages, the open
        questions and the review."""
        if 1 <= step <= len(self.pages):
            return url_for("respond.questions", page=step)
        if step == len(self.pages) + 1:
            return url_for("respond.comments")
        return url_for("respond.review") if step > 0 else url_for("respond.welcome")


def _where_they_were() -> str:
    """The page the person last saw of the survey started in this browser (the welcome
    when that survey can no longer be answered: the page would say why)."""
    try:
        ctx = Context()
    except SurveyError:
        return url_for("respond.welcome")
    return ctx.url_of(ctx.state.step)


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
    return _begin(required(form.code.data))


@bp.get("/r/<code>")
@limiter.shared_limit(CODE_LIMIT, scope="invite-codes", deduct_when=_failed)
def from_link(code: str):
    return _begin(code, lang=request.args.get("lang"))


@bp.post("/restart")
def restart():
    """The person confirmed: start again with the code from the link."""
    form = RestartForm()
    code = browser.open_code(form.code.data) if form.validate() else None
    if code is None:
        raise SessionEnded("The confirmation had expired.")
    return _begin(code, confirmed=True)


@bp.get("/welcome")
def welcome():
    ctx = Context()
    return ctx.render("welcome.html", step=0)


# --- Questions -----------------------------------------------------------------------


def _answer_page(ctx: Context, page: int) -> AnswerPage:
    return answer_page(
        ctx.questionnaire,
        ctx.round.questionnaire_json,
        page,
        ctx.pages[page - 1],
        ctx.lang,
        ctx.own,
        ctx.other,
    )


def _show_page(ctx: Context, page: int, data: dict[str, str], status: int = 200, message=None):
    return ctx.render(
        "questions.html",
        step=page,
        status=status,
        form=TokenForm(),
        groups=_answer_page(ctx, page).html(data),
        page=page,
        message=message,
    )


@bp.route("/page/<int:page>", methods=["GET", "POST"])
def questions(page: int):
    ctx = Context()
    if not 1 <= page <= len(ctx.pages):
        abort(404)
    answers_page = _answer_page(ctx, page)
    if request.method == "GET":
        data = {
            name: form_value(ctx.state.answers[name])
            for name in answers_page.names
            if name in ctx.state.answers
        }
        return _show_page(ctx, page, data)
    sent = answers_page.read(request.form)
    if not token_is_valid():
        if sent is not None:
            message = _(
                "This page had been open too long. Your answers are still here: please press Next again."
            )
            return _show_page(ctx, page, answers_page.sent(request.form), 400, message)
        return rejected(url_for("respond.questions", page=page))
    if sent is None:
        return rejected(url_for("respond.questions", page=page))
    for name in answers_page.names:
        if name in sent:
            ctx.state.answers[name] = answer_value(sent[name])[1]
        else:
            ctx.state.answers.pop(name, None)
    g.state = ctx.state
    if _switch_language():
        target = url_for("respond.questions", page=page)
    elif "back" in request.form:
        target = (
            url_for("respond.questions", page=page - 1) if page > 1 else url_for("respond.welcome")
        )
    elif page < len(ctx.pages):
        target = url_for("respond.questions", page=page + 1)
    else:
        target = url_for("respond.comments")
    return redirect(target)


def _switch_language() -> bool:
    """The page's language buttons send its form: the answers are kept, then the
    language changes (a link would drop what was not yet sent)."""
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        return True
    return False


@bp.route("/comments", methods=["GET", "POST"])
def comments():
    ctx = Context()
    step = len(ctx.pages) + 1
    q, lang = ctx.questionnaire, ctx.lang
    if request.method == "GET":
        form = comments_form(q, lang, ctx.own, ctx.other, dict(ctx.state.comments))
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
            ctx.state.comments[question.id] = text
        else:
            ctx.state.comments.pop(question.id, None)
    g.state = ctx.state
    if _switch_language():
        return redirect(url_for("respond.comments"))
    if "back" in request.form:
        return redirect(url_for("respond.questions", page=len(ctx.pages)))
    return redirect(url_for("respond.review"))


# --- Review, submit, thanks ---------------------------------------------------------


def _review(ctx: Context, status: int = 200, message: str | None = None):
    """The review: per dimension its page, and its answers (lists kept ready-made)."""
    key, none = ctx.round.questionnaire_json, _("not answered")
    reviewed = [
        (page, dim, review_list(ctx.questionnaire, key, dim, ctx.lang, ctx.own, ctx.other, none))
        for page, dims in enumerate(ctx.pages, start=1)
        for dim in dims
    ]
    return ctx.render(
        "review.html",
        step=ctx.total_steps,
        status=status,
        form=TokenForm(),
        message=message,
        reviewed=reviewed,
    )


@bp.get("/review")
def review():
    return _review(Context())


def _submission(state: browser.State, side: str) -> Submission:
    """The answers the browser holds, as the core's submission (not yet validated)."""
    # Not unpacked into three: validate() refuses a key of another shape as unknown.
    answers = {
        cast(AnswerKey, tuple(key.split("."))): value for key, value in state.answers.items()
    }
    return Submission(side=side, answers=answers, comments=dict(state.comments))


@bp.post("/submit")
def submit():
    state = browser.load(request)
    if state is None:
        _refuse_without_survey()
    if not token_is_valid():
        return _review(
            Context(),
            400,
            _("The page had been open too long. Your answers are kept: please press Send again."),
        )

    # Checked again and validated before anything is spent: a bad submission gets the
    # same page whether its code was used or not (issue 20, O1).
    entry = answering.check_code(get_db(), state.code, _key())
    browser.drop_unknown_notes(state, {q.id for q in entry.round.questionnaire.open_questions})
    try:
        answering.submit(get_db(), entry, _submission(state, entry.invite.side), _key())
    except InvalidInput:
        return rejected(url_for("respond.review"))
    except SpentCode:
        if state.code in browser.sent_codes(request):
            raise AlreadyReceived("Sent before from this browser.") from None
        raise
    g.clear_state, g.sent_code = True, state.code
    if kiosk_round() is not None:
        # The next person may press Back: history must hold no sent form to post again.
        return redirect(url_for("respond.thanks"))
    # Elsewhere the thank-you page is the answer to Send itself (a redirect would cost a
    # second request); sending again, by a reload, finds the code spent and thanks again.
    return _thank_you()


_thank_you_pages: dict[tuple[str, str], str] = {}


def _thank_you() -> str:
    """The thank-you page, the same for everyone in a language: written once per language
    (its language links lead back to /thanks, not to the form that was sent)."""
    if "_flashes" in session:  # a message for this browser only (HR trying the survey)
        return render_template("respond/thanks.html", here=url_for("respond.thanks"))
    key = (request.script_root, current_language())
    if key not in _thank_you_pages:
        here = url_for("respond.thanks")
        _thank_you_pages[key] = render_template("respond/thanks.html", here=here)
    return _thank_you_pages[key]


@bp.get("/thanks")
def thanks():
    return render_template("respond/thanks.html")


# --- Problems, in the person's language ------------------------------------------------


def rejected(back: str):
    """Values that are not on the form (tampering or a broken page): nothing is stored."""
    return problem(
        400,
        _("Some answers were not valid"),
        _(
            "The page sent answers that are not among the choices. Nothing from it was saved. Please go back and choose again."
        ),
        back=back,
    )
