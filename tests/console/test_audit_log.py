"""The audit log reads in the console's language: every action HR can find in it has a
label, and the Polish page never shows a raw action id such as `kiosk.start`."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale, gettext

from survey.store.audit import ACTIONS, record


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_audit_action_has_a_polish_label(console_app, action):
    label = ACTIONS[action]
    with console_app.test_request_context(), force_locale("pl"):
        assert gettext(label) != label, f"no Polish for {action}: {label!r}"


def _what_column(page: str) -> list[str]:
    """The texts of the log's "What" column (its third cell in each row)."""
    rows = re.findall(r"<tr><td[^>]*>.*?</td><td[^>]*>.*?</td><td[^>]*>(.*?)</td>", page)
    return [html.unescape(cell) for cell in rows]


def test_the_polish_audit_log_names_every_action_in_polish(hr, db):
    for action in ACTIONS:
        record(db, "hr@example.com", action)
    page = hr.get("/console/audit?lang=pl").get_data(as_text=True)
    shown = _what_column(page)
    assert len(shown) == len(ACTIONS) + 1  # each action, and the login of the `hr` fixture
    assert not set(shown) & set(ACTIONS), "a raw action id on the Polish page"
    assert "włączenie trybu kiosku na urządzeniu" in shown
    assert "zakończenie trybu kiosku na urządzeniu" in shown
    assert not set(shown) & set(ACTIONS.values()), "an English label on the Polish page"
