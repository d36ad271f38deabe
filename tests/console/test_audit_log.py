"""The audit log reads in the console's language: every action HR can find in it has a
label, and the Polish page never shows a raw action id such as `kiosk.start`."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale, gettext

from survey.store.audit import ACTIONS, record

from .conftest import generate_codes


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


def _details_column(page: str) -> list[str]:
    """The texts of the log's "Details" column (the last cell of each row)."""
    rows = re.findall(r'<td data-label="[^"]*">([^<]*)</td></tr>', page)
    return [html.unescape(cell) for cell in rows]


def test_the_polish_audit_log_words_what_the_console_did_in_polish(hr, db, open_round_id):
    """Issue 21, item 4: details the console records (codes made, settings changed) read in
    Polish on the Polish page, each count in its Polish form, never "4 × b"."""
    generate_codes(hr, open_round_id, "b", 4)
    hr.post(
        f"/console/rounds/{open_round_id}/edit",
        data={"threshold": "6", "comment_threshold": "10", "closes_on": ""},
    )
    shown = _details_column(hr.get("/console/audit?lang=pl").get_data(as_text=True))
    assert "próg wyników: 5 → 6" in shown
    assert "4 kody dla działu „Produkcja”" in shown
    assert not any("×" in text or "threshold" in text for text in shown)
    english = _details_column(hr.get("/console/audit?lang=en").get_data(as_text=True))
    assert "4 codes for Produkcja" in english and "score threshold: 5 → 6" in english


@pytest.mark.parametrize(
    ("action", "figures", "polish", "english"),
    [
        (
            "responses.import",
            {"num": 1, "file": "x.csv"},
            "1 odpowiedź z pliku x.csv",
            "1 response from x.csv",
        ),
        (
            "responses.import",
            {"num": 12, "file": "x.csv"},
            "12 odpowiedzi z pliku x.csv",
            "12 responses from x.csv",
        ),
        (
            "invites.generate",
            {"num": 22, "side": "a", "label": "Sala", "via": "cli"},
            "22 kody dla działu „Sala”, z wiersza poleceń",
            "22 codes for Sala, on the command line",
        ),
        (
            "invites.download",
            {"num": 5, "side": "b", "label": "Kuchnia", "format": "PDF"},
            "5 kodów dla działu „Kuchnia”, jako PDF",
            "5 codes for Kuchnia, as PDF",
        ),
        (
            "report.download",
            {"report": "pdf-pl", "compare": 3},
            "raport różnic po polsku (PDF), w porównaniu z badaniem 3",
            "gap report in Polish (PDF), compared with round 3",
        ),
    ],
)
def test_recorded_figures_read_in_the_page_language(hr, db, action, figures, polish, english):
    record(db, "hr@example.com", action, None, **figures)
    assert _details_column(hr.get("/console/audit?lang=pl").get_data(as_text=True))[0] == polish
    assert _details_column(hr.get("/console/audit?lang=en").get_data(as_text=True))[0] == english


def test_a_persons_own_words_and_older_entries_are_shown_as_written(hr, db):
    record(db, "hr@example.com", "comment.hide", None, '{"names": "Anna"}')
    record(db, "hr@example.com", "invites.generate", None, "4 × b (Produkcja)")
    shown = _details_column(hr.get("/console/audit?lang=pl").get_data(as_text=True))
    assert shown[:2] == ["4 × b (Produkcja)", '{"names": "Anna"}']
