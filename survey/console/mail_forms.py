"""The console's mail forms (apart from forms.py: issue 22's own)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..store.languages import LANGUAGES


class MailListForm(FlaskForm):
    """The addresses of one side, pasted or uploaded: first shown as a preview."""

    side = RadioField(_l("For which side"), validators=[InputRequired()])
    addresses = TextAreaField(
        _l("E-mail addresses"),
        validators=[Optional()],
        description=_l(
            "One address a line, optionally followed by the person's language after a space "
            "or a comma (%(languages)s), for example “anna@firma.pl uk”; a line without one "
            "gets the round's language. Or upload a text file (or a spreadsheet saved as CSV, "
            "address,language, no header line) below.",
            languages=", ".join(LANGUAGES),
        ),
        render_kw={"rows": 8, "spellcheck": "false", "autocomplete": "off"},
    )
    upload = FileField(_l("Or a text file of addresses (one a line)"))
    submit = SubmitField(_l("Preview the message"))


class MailSendForm(FlaskForm):
    """The confirmed list, carried back from the preview page."""

    side = HiddenField(validators=[InputRequired()])
    addresses = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Send the invitations"))
