"""The languages Lustro speaks, and which parts of it speak each.

Respondents (every respondent page, the kiosk, the workshop's phone pages, the slips) get
every language that has a respondent catalogue (survey/translations/LANG/LC_MESSAGES/
respondent.po), plus English, the language the code is written in. So adding a language is
a new catalogue and new texts in the questionnaire files, nothing here. The console, the
reports and the workshop's printed documents speak STAFF_LANGUAGES only: they are read by
HR and facilitators, whose catalogues are not translated into every respondent language.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale

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
