"""Forms of the workshop: the facilitator's (new workshop, agreements) and the phones'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from ..console.forms import RANGE, WholeNumberField
from .store import DOTS_PER_PARTICIPANT, JOIN_LENGTH, MAX_IN_ROOM, MAX_TEXT


def _at_least_one(_form, field) -> None:
    """Like DataRequired, but without the `required` flag: on checkboxes the browser
    would demand that every one of them is ticked."""
    if not field.data:
        raise StopValidation(_l("Choose at least one dimension."))


class NewWorkshopForm(FlaskForm):
    variant = RadioField(
        _l("Agenda"),
        choices=[
            SelectChoice("2h", _l("2 hours (up to 3 dimensions)")),
            SelectChoice("half-day", _l("Half a day (up to 6 dimensions)")),
        ],
        default="2h",
    )
    dimensions = SelectMultipleField(
        _l("Dimensions to show, in this order"),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[_at_least_one],
    )


class AgreementForm(FlaskForm):
    what = TextAreaField(_l("What will change"), validators=[InputRequired(), Length(max=MAX_TEXT)])
    responsible = SelectField(_l("Who does it"))
    role = StringField(_l("Role (optional)"), validators=[Optional(), Length(max=MAX_TEXT)])
    due_on = DateField(_l("By when"), validators=[InputRequired(_l("Give a date."))])
    evidence = TextAreaField(
        _l("How both sides will know it happened"),
        validators=[InputRequired(), Length(max=MAX_TEXT)],
    )


class JoinForm(FlaskForm):
    code = StringField(
        _l("Code from the screen"),
        validators=[InputRequired(), Length(min=JOIN_LENGTH, max=JOIN_LENGTH + 4)],
    )


class SideForm(FlaskForm):
    side = RadioField(_l("Your side"), validators=[InputRequired(_l("Choose your side."))])


class GuessForm(FlaskForm):
    dimension = HiddenField()
    value = RadioField(
        coerce=int,
        choices=[SelectChoice(v, str(v)) for v in range(1, 6)],
        validators=[InputRequired(_l("Choose a number from 1 to 5."))],
    )


def dots_form(agreement_ids: list[str]) -> type[FlaskForm]:
    """A form with one 0–3 choice per agreement (several dots on one are allowed)."""

    class DotsForm(FlaskForm):
        pass

    choices = [SelectChoice(n, str(n)) for n in range(DOTS_PER_PARTICIPANT + 1)]
    for agreement_id in agreement_ids:
        setattr(
            DotsForm,
            f"dots-{agreement_id}",
            SelectField(_l("Dots"), coerce=int, choices=choices, default=0),
        )
    return DotsForm


def room_form(labels: dict[str, str]) -> type[FlaskForm]:
    """How many people of each side are in the room (`in_room-<side>`), as the
    facilitator counts them: a side with more guesses than people is held back."""

    class RoomForm(FlaskForm):
        pass

    for side, label in labels.items():
        setattr(
            RoomForm,
            f"in_room-{side}",
            WholeNumberField(
                label,
                validators=[
                    InputRequired(RANGE),
                    NumberRange(min=0, max=MAX_IN_ROOM, message=RANGE),
                ],
            ),
        )
    return RoomForm
