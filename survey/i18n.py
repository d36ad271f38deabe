"""The page's language, and the catalogues the pages are translated from."""

from __future__ import annotations

from flask import g, request, session
from flask_babel import get_locale, gettext

from .store.errors import SurveyError
from .store.languages import DEFAULT_LANGUAGE, LANGUAGES

# One catalogue per area, so each area's strings live in its own .po file.
TRANSLATION_DOMAINS = ("messages", "respondent", "console", "report", "workshop")


def select_language() -> str:
    """The page's language: an explicit choice, else the browser's preference."""
    if getattr(g, "language", None) in LANGUAGES:
        return g.language
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def translated(error: SurveyError) -> str:
    """A domain error's message in the current page's language (the English text when it
    is not in a catalogue: messages only the CLI or file checks print)."""
    return gettext(error.message, **error.params) if error.message else str(error)
