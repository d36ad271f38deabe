"""Console forms. Labels are translated lazily; every form carries a CSRF token."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..store.invites import MAX_CODES_PER_CALL
from ..store.languages import LANGUAGE_NAMES
from ..store.moderation import MAX_REASON_LENGTH
from ..store.rounds import (
    DEFAULT_TEAM_SIZE,
    MAX_LABEL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TEAM_SIZE,
    MIN_THRESHOLD,
)

RANGE = _l("Enter a whole number from %(min)s to %(max)s.")


class WholeNumberField(IntegerField):
    """An integer field that answers "1.5" or "abc" with its one range message, instead
    of "not a valid integer" followed by the range message."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            limits = next(v for v in self.validators if isinstance(v, NumberRange))
            raise ValueError(str(RANGE) % {"min": limits.min, "max": limits.max}) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # the one message is already there


class LimitedLength(Length):
    """Length checked by the server with a clear message, without a maxlength attribute:
    the browser would silently cut a long name mid-word."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.field_flags = {}


def label_length() -> LimitedLength:
    return LimitedLength(
        max=MAX_LABEL_LENGTH,
        message=_l("Keep it to %(max)d characters or fewer: the name appears in every question."),
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in"))


class ActionForm(FlaskForm):
    """A button that changes something: nothing but the CSRF token."""


class SettingsForm(FlaskForm):
    """What may still change once a round is open: thresholds (raise only) and the date."""

    threshold = WholeNumberField(
        _l("Smallest group shown (score threshold)"),
        default=5,
        validators=[InputRequired(), NumberRange(min=MIN_THRESHOLD, max=1000, message=RANGE)],
        description=_l("Figures of a group smaller than this are never shown. At least 3."),
    )
    comment_threshold = WholeNumberField(
        _l("Smallest side whose comments are shown (comment threshold)"),
        default=10,
        validators=[InputRequired(), NumberRange(min=MIN_THRESHOLD, max=1000, message=RANGE)],
        description=_l("Wording can identify a person, so this is at least the score threshold."),
    )
    closes_on = DateField(_l("Planned closing date"), validators=[Optional()])
    team_size = WholeNumberField(
        _l("People here work in teams of about"),
        default=DEFAULT_TEAM_SIZE,
        validators=[Optional(), NumberRange(min=1, max=MAX_TEAM_SIZE, message=RANGE)],
        description=_l(
            "People of one team tend to answer alike; the report allows for it so that a "
            "team's mood is not taken for a gap between the sides. Enter 1 where people work "
            "alone (more power). Nobody's team is ever recorded."
        ),
    )
    submit = SubmitField(_l("Save"))

    # Set by the view for an open round: thresholds may only go up.
    minimum_threshold: int | None = None
    minimum_comment_threshold: int | None = None
    # Set by the view: the round's sides and headcounts (a draft's come from its own fields),
    # and the closing date already saved (kept even once it has passed).
    sides: dict[str, tuple[str, int | None]] = {}
    saved_closes_on: dt.date | None = None

    def headcounts(self) -> dict[str, tuple[str, int | None]]:
        return self.sides

    def validate_closes_on(self, field) -> None:
        if field.data and field.data < dt.date.today() and field.data != self.saved_closes_on:
            raise ValidationError(_l("The closing date is in the past: choose today or later."))

    def validate_threshold(self, field) -> None:
        if field.errors:
            return
        if self.minimum_threshold is not None and field.data < self.minimum_threshold:
            raise ValidationError(
                _l("The round is open: the threshold can be raised but not lowered.")
            )

    def validate_comment_threshold(self, field) -> None:
        if field.errors:
            return
        threshold = self.threshold.data
        if threshold is not None and field.data is not None and field.data < threshold:
            raise ValidationError(_l("The comment threshold must not be below the threshold."))
        if (
            self.minimum_comment_threshold is not None
            and field.data is not None
            and field.data < self.minimum_comment_threshold
        ):
            raise ValidationError(
                _l("The round is open: the threshold can be raised but not lowered.")
            )
        for label, headcount in self.headcounts().values():
            if headcount is not None and field.data is not None and field.data > headcount:
                raise ValidationError(
                    lazy_ngettext(
                        "No comment of %(side)s could ever be shown: %(side)s has %(num)s "
                        "person. Enter at most %(num)s, or correct the headcount.",
                        "No comment of %(side)s could ever be shown: %(side)s has %(num)s "
                        "people. Enter at most %(num)s, or correct the headcount.",
                        headcount,
                        side=label,
                    )
                )


class RoundForm(SettingsForm):
    """A draft round's full settings (the questionnaire only when creating)."""

    questionnaire = SelectField(
        _l("Questionnaire"), default="sales-production", validators=[DataRequired()]
    )
    name = StringField(
        _l("Name of the round"),
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
        description=_l("For example: Autumn 2026."),
    )
    side_a = StringField(
        _l("Side A"),
        validators=[DataRequired(), label_length()],
        description=_l("The department that sells, e.g. Sales."),
    )
    side_b = StringField(
        _l("Side B"),
        validators=[DataRequired(), label_length()],
        description=_l("The department that delivers, e.g. Production."),
    )
    lang = SelectField(
        _l("Language of the round"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        description=_l("Respondents can switch to any of these languages on every page."),
    )
    headcount_a = WholeNumberField(
        _l("People on side A"),
        validators=[Optional(), NumberRange(min=1, max=100000, message=RANGE)],
    )
    headcount_b = WholeNumberField(
        _l("People on side B"),
        validators=[Optional(), NumberRange(min=1, max=100000, message=RANGE)],
    )

    agreements = SelectMultipleField(
        _l("Workshop agreements to ask about again"),
        description=_l(
            "Agreements from a workshop of an earlier round with the same two sides. Each "
            "becomes one more question (was it kept?), answered by both sides."
        ),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )

    def headcounts(self) -> dict[str, tuple[str, int | None]]:
        """A draft's sides as typed in this form (a headcount in error counts as unknown)."""
        return {
            side: (
                (label.data or "").strip() or side.upper(),
                None if count.errors else count.data,
            )
            for side, label, count in (
                ("a", self.side_a, self.headcount_a),
                ("b", self.side_b, self.headcount_b),
            )
        }

    def validate_side_b(self, field) -> None:
        if (self.side_a.data or "").strip().casefold() == (field.data or "").strip().casefold():
            raise ValidationError(_l("The two sides need different labels."))


class InvitesForm(FlaskForm):
    side = RadioField(_l("For which side"), validators=[InputRequired()])
    count = WholeNumberField(
        _l("How many codes"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_CODES_PER_CALL, message=RANGE)],
        description=_l("One per person, plus a few spare."),
    )
    once = HiddenField()  # a one-time token: a second sending finds the first batch
    submit = SubmitField(_l("Generate codes"))


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason for hiding"),
        validators=[DataRequired(), Length(max=MAX_REASON_LENGTH)],
        description=_l("For example: names a person."),
    )
    submit = SubmitField(_l("Hide from the report"))


class CompareForm(FlaskForm):
    """Choose an earlier round to compare with, on the report download (a GET form: a
    download changes nothing but the audit log)."""

    class Meta:
        csrf = False

    compare = SelectField(_l("Compare with"), validators=[Optional()])
