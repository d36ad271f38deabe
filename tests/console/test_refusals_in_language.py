"""A rule the console could not check beforehand (a second tab, a stale link, a limit) is
refused in the person's language and changes nothing; the CLI keeps the English text."""

from __future__ import annotations

import pytest

from survey.store.audit import entries
from survey.store.rounds import get_round

from .conftest import generate_codes


@pytest.mark.parametrize(
    "lang,shown,not_shown",
    [
        ("pl", "Odmowa: Badanie {id} jest zamknięte; zamknięcie jest ostateczne.", "closing"),
        ("en", "That was refused: Round {id} is closed; closing is final.", "Odmowa"),
    ],
)
def test_closing_a_round_closed_in_another_tab_is_refused_in_the_persons_language(
    hr, db, open_round_id, lang, shown, not_shown
):
    headers = {"Accept-Language": lang}
    first_tab = hr.get(f"/console/rounds/{open_round_id}/close", headers=headers)
    assert first_tab.status_code == 200
    assert hr.post(f"/console/rounds/{open_round_id}/close").status_code == 302  # second tab
    late = hr.post(f"/console/rounds/{open_round_id}/close", headers=headers, follow_redirects=True)
    page = late.get_data(as_text=True)
    assert shown.format(id=open_round_id) in page
    assert not_shown not in page
    assert get_round(db, open_round_id).status == "closed"
    assert [e.action for e in entries(db)].count("round.close") == 1


def test_opening_a_round_opened_in_another_tab_is_refused_in_polish(hr, db, draft_round_id):
    assert hr.post(f"/console/rounds/{draft_round_id}/open").status_code == 302
    again = hr.post(
        f"/console/rounds/{draft_round_id}/open",
        headers={"Accept-Language": "pl"},
        follow_redirects=True,
    )
    page = again.get_data(as_text=True)
    assert f"Odmowa: Badanie {draft_round_id} jest już otwarte." in page
    assert "already open" not in page
    assert [e.action for e in entries(db)].count("round.open") == 1


def test_an_unknown_round_is_a_polish_404_page(hr):
    response = hr.get("/console/rounds/999", headers={"Accept-Language": "pl"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Nie znaleziono" in page and "Badanie 999 nie istnieje." in page
    assert "does not exist" not in page


def test_codes_beyond_the_headcount_are_refused_in_polish_and_none_is_made(hr, db, draft_round_id):
    # Side A (Sala) has 10 people: 10 codes plus 2 spare at most.
    assert generate_codes(hr, draft_round_id, "a", 12).status_code == 302
    refused = generate_codes(hr, draft_round_id, "a", 1, headers={"Accept-Language": "pl"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert (
        "Odmowa: Sala: limit kodów zaproszeń to 12 (liczba osób: 10 + zapasowe: 2); "
        "już wygenerowane: 12."
    ) in page
    assert "at most" not in page
    assert db["invites"].count == 12


def test_the_cli_still_prints_the_english_refusal(run_cli, open_round_id):
    assert run_cli("round", "close", str(open_round_id)).exit_code == 0
    again = run_cli("round", "close", str(open_round_id))
    assert again.exit_code == 1
    assert f"Error: Round {open_round_id} is closed; closing is final." in again.output
    assert "Badanie" not in again.output
