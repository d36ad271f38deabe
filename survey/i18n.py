"""The page's language, and the catalogues the pages are translated from."""

from __future__ import annotations

from flask import g, request, session
from flask_babel import get_locale, gettext

from .areas import area
from .store.errors import SurveyError
from .store.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, STAFF_LANGUAGES

# One catalogue per area, so each area's strings live in its own .po file.
TRANSLATION_DOMAINS = ("messages", "respondent", "console", "report", "workshop")


def offered_languages() -> tuple[str, ...]:
    """The languages this request's page can be read in: every respondent language, but
    the console (the workshop's presenter pages too) speaks only the staff languages."""
    return STAFF_LANGUAGES if area(request.path) == "console" else LANGUAGES


def language_links() -> dict[str, str]:
    """Code -> own name of each language the page's language switch offers."""
    return {lang: LANGUAGE_NAMES[lang] for lang in offered_languages()}


def select_language() -> str:
    """The page's language: an explicit choice, else the browser's preference, among the
    languages the page is offered in (a respondent who chose Ukrainian and then opens
    the console reads it in Polish or English)."""
    if getattr(g, "language", None) in LANGUAGES:
        return g.language
    offered = offered_languages()
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered) or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def translated(error: SurveyError) -> str:
    """A domain error's message in the current page's language (the English text when it
    is not in a catalogue: messages only the CLI or file checks print)."""
    return gettext(error.message, **error.params) if error.message else str(error)
