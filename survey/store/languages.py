"""The languages Lustro speaks: every page, questionnaire, report and slip exists in each.

The one place that lists them with the name each goes by in its own language (what the
language links and pickers show), so that adding a language starts here.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}  # code -> its name in that language
LANGUAGES = tuple(LANGUAGE_NAMES)
DEFAULT_LANGUAGE = "pl"  # the language of a round or page nobody chose one for


def long_date(day: str | dt.date | None, lang: str) -> str:
    """A day as people read it in `lang` ("15 stycznia 2027", "January 15, 2027"): the one
    date format of every page, document and survey text, so that an agreement's date reads
    the same on the projector, in the follow-up survey and in the report. "–" for none."""
    if not day:
        return "–"
    value = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return format_date(value, "long", locale=lang)
