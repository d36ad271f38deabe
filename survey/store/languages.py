"""The languages Lustro speaks, and which parts of it speak each.

Respondents (every respondent page, the kiosk, the workshop's phone pages, the slips) get
every language that has a respondent catalogue (survey/translations/LANG/LC_MESSAGES/
respondent.po), plus English, the language the code is written in. So adding a language is
a new catalogue and new texts in the questionnaire files, nothing here. The console, the
reports and the workshop's printed documents speak STAFF_LANGUAGES only: they are read by
HR and facilitators, whose catalogues are not translated into every respondent language.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from .resources import data_dir

SOURCE_LANGUAGE = "en"  # the msgids' language: it needs no catalogue
DEFAULT_LANGUAGE = "pl"  # the language of a round or page nobody chose one for
STAFF_LANGUAGES = ("pl", "en")  # the console, the reports, the workshop's printed documents


def respondent_languages(translations: Path) -> tuple[str, ...]:
    """The default language, English, then every other language with a respondent
    catalogue in `translations`, in alphabetical order."""
    found = sorted(po.parent.parent.name for po in translations.glob("*/LC_MESSAGES/respondent.po"))
    first = (DEFAULT_LANGUAGE, SOURCE_LANGUAGE)
    return first + tuple(lang for lang in found if lang not in first)


def _own_name(lang: str) -> str:
    """What the language calls itself, capitalised as a menu item (CLDR's name via Babel)."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


# Every language a respondent can read Lustro in.
LANGUAGES = respondent_languages(data_dir("translations"))
LANGUAGE_NAMES = {lang: _own_name(lang) for lang in LANGUAGES}  # code -> its name in itself


@functools.cache
def catalogue(lang: str, domain: str) -> NullTranslations:
    """A catalogue read without Flask (the report, the agreements page): the compiled .mo
    when current, else the .po compiled in memory (a fresh checkout before `make
    translations`); none for English or a language without this catalogue."""
    folder = data_dir("translations") / lang / "LC_MESSAGES"
    mo, po = folder / f"{domain}.mo", folder / f"{domain}.po"
    if lang == SOURCE_LANGUAGE or not po.is_file():
        return NullTranslations()
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return Translations(fh, domain=domain)
    with po.open("rb") as fh:
        compiled = read_po(fh, locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, compiled)
    buffer.seek(0)
    return Translations(buffer, domain=domain)


def long_date(day: str | dt.date | None, lang: str) -> str:
    """A day as people read it in `lang` ("15 stycznia 2027", "January 15, 2027"): the one
    date format of every page, document and survey text, so that an agreement's date reads
    the same on the projector, in the follow-up survey and in the report. "–" for none."""
    if not day:
        return "–"
    value = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return format_date(value, "long", locale=lang)
