"""The languages Lustro speaks: every page, questionnaire, report and slip exists in each.

The one place that lists them with the name each goes by in its own language (what the
language links and pickers show), so that adding a language starts here.
"""

from __future__ import annotations

LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}  # code -> its name in that language
LANGUAGES = tuple(LANGUAGE_NAMES)
DEFAULT_LANGUAGE = "pl"  # the language of a round or page nobody chose one for
