"""Respondent forms, built from the round's frozen questionnaire (WTForms subclassing).
The question pages' radio groups are survey/respond/answer_page.py."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import HiddenField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Optional

from ..store.questionnaire import Questionnaire, fill
from ..store.slots import COMMENT_BYTES, characters_over
from ..store.text_rules import unsafe_characters
from .answer_page import DONT_KNOW_CHOICE


class CodeForm(FlaskForm):
    code = StringField(
        _l("Your code"),
        validators=[DataRequired(_l("Type the code from your slip."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class TokenForm(FlaskForm):
    """Only the CSRF token: the answers of a question page are read by its AnswerPage,
    and those of the review travel in the browser's encrypted cookies."""


def token_is_valid() -> bool:
    """The posted CSRF token, checked by Flask-WTF's own validate_csrf without building a
    TokenForm (a third of a millisecond on every Send and page post)."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
    except ValidationError:
        return False
    return True


class RestartForm(FlaskForm):
    """Confirm starting again with another code (the code sealed, never shown)."""

    code = HiddenField()


def _fits_a_slot(_form, field) -> None:
    """A comment is stored in a slot of a fixed number of bytes, and must be plain text.
    The message counts characters, the unit people see (and the page's counter shows)."""
    text = field.data or ""
    over = characters_over(text)
    if over:
        raise ValidationError(
            ngettext(
                "Please shorten this answer by %(num)s character: Polish letters take the room of two plain letters, emoji of four.",
                "Please shorten this answer by %(num)s characters: Polish letters take the room of two plain letters, emoji of four.",
                over,
            )
        )
    if unsafe_characters(text.strip()):
        raise ValidationError(
            _l("This answer holds invisible control characters; please type it again plainly.")
        )


def comments_form(
    questionnaire: Questionnaire, lang: str, own: str, other: str, data: dict | None = None
) -> FlaskForm:
    """One text area per open question. Its maxlength is the most characters that could
    ever fit (all plain letters), where respond.js's counter starts; the counter then
    counts the room in bytes, as _fits_a_slot checks it."""

    class CommentsForm(FlaskForm):
        pass

    for question in questionnaire.open_questions:
        field = TextAreaField(
            fill(question.text[lang], own, other),
            validators=[Optional(), _fits_a_slot],
            render_kw={"maxlength": COMMENT_BYTES, "rows": 4, "data-room": COMMENT_BYTES},
        )
        setattr(CommentsForm, question.id, field)
    return CommentsForm(data=data)


def answer_value(raw: str | None) -> tuple[bool, int | None]:
    """(answered?, value): "dk" is answered with None; nothing chosen is not answered."""
    if not raw:
        return False, None
    return True, None if raw == DONT_KNOW_CHOICE else int(raw)


def form_value(value: int | None) -> str:
    return DONT_KNOW_CHOICE if value is None else str(value)


def only_csrf_failed(form: FlaskForm) -> bool:
    return set(form.errors) == {"csrf_token"}
