"""Every domain error a web page can show has a Polish translation with the same
placeholders, so no Polish page says "Odmowa: Round 3 is closed"."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from survey.i18n import translated
from survey.store.errors import WrongState
from survey.workshop import store

SURVEY = Path(__file__).parents[1] / "survey"
# Modules whose errors reach console or workshop pages. Left English on purpose: file and
# CSV checks (questionnaire validation, transfer.py), backups (db.py), and answer checks
# behind the respondent pages, which show their own translated pages (responses.py, slots.py).
WEB_MODULES = [
    "store/rounds.py",
    "store/invites.py",
    "store/padding.py",
    "store/moderation.py",
    "store/carried.py",
    "store/accounts.py",
    "workshop/store.py",
    "workshop/documents.py",
    "store/mailing.py",
    "store/mail_invites.py",
]
# Web-visible literals next to English-only f-strings (questionnaire file checks).
MIXED_MODULES = ["store/questionnaire.py"]
ERRORS = {"SurveyError", "NotFound", "InvalidInput", "WrongState"}


def _messages() -> list[tuple[str, str]]:
    found = []
    for name in WEB_MODULES + MIXED_MODULES:
        for node in ast.walk(ast.parse((SURVEY / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS:
                first = node.args[0] if node.args else None
                assert name in MIXED_MODULES or isinstance(first, (ast.Constant, ast.Name)), (
                    f"{name}:{node.lineno}: give a msgid and %(name)s values, not an f-string"
                )
                if isinstance(first, ast.Constant):
                    found.append((name, first.value))
    for messages in store._FIELD_MESSAGES.values():
        found += [("workshop/store.py", message) for message in messages]
    return sorted(set(found))


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


@pytest.mark.parametrize("module,message", _messages(), ids=lambda value: value[:50])
def test_a_web_visible_error_message_has_a_polish_translation(app, module, message):
    with app.test_request_context(), force_locale("pl"):
        polish = gettext(message)
    assert polish != message, f"{module}: no Polish for {message!r}"
    assert _placeholders(polish) == _placeholders(message)


def test_an_error_reads_in_english_as_text_and_in_polish_on_a_polish_page(app):
    error = WrongState("Round %(id)s is closed; closing is final.", id=7)
    assert str(error) == "Round 7 is closed; closing is final."
    with app.test_request_context(headers={"Accept-Language": "pl"}):
        assert translated(error) == "Badanie 7 jest zamknięte; zamknięcie jest ostateczne."
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert translated(error) == str(error)
