"""Agreements carried from a workshop into a later round (issue 12, item 5): choosing,
freezing at open, and storing the "was kept" answers in the fixed-size slots."""

from __future__ import annotations

import pytest
from workshop_helpers import closed_round

from survey.store import carried
from survey.store.errors import InvalidInput, WrongState
from survey.store.responses import Submission, add_responses
from survey.store.rounds import choose_agreements, create_round, get_round, open_round, update_round
from survey.workshop import store

SIDES = ("Sprzedaż", "Produkcja")


@pytest.fixture
def agreement_id(db):
    workshop = store.create_workshop(db, closed_round(db, sides=SIDES), "2h", ["information"])
    return store.add_agreement(
        db, workshop, "Plan tygodniowy co poniedziałek", "both", "2026-12-31", "Notatka"
    )


def test_only_agreements_of_rounds_with_the_same_sides_are_offered(db, agreement_id):
    same = create_round(db, "Wiosna", "sales-production", *SIDES)
    swapped = create_round(db, "Inne", "sales-production", SIDES[1], SIDES[0])
    assert [offer.id for offer in carried.offered(db, get_round(db, same))] == [agreement_id]
    assert carried.offered(db, get_round(db, swapped)) == []
    with pytest.raises(InvalidInput):
        choose_agreements(db, swapped, [agreement_id])
    assert carried.chosen(db, swapped) == []


def test_chosen_agreements_are_frozen_at_open_as_one_more_answer(db, agreement_id):
    round_id = create_round(db, "Wiosna", "sales-production", *SIDES)
    choose_agreements(db, round_id, [agreement_id])
    open_round(db, round_id)
    questionnaire = get_round(db, round_id).questionnaire
    assert [a.id for a in questionnaire.agreements] == [agreement_id]
    assert questionnaire.agreements[0].responsible == "Sprzedaż + Produkcja"
    width = len(questionnaire.item_keys()) + 1
    key = ("agreement", agreement_id, "kept")
    add_responses(db, round_id, [Submission("a", {key: 5}), Submission("b", {key: None})])
    stored = [
        row["answers"]
        for row in db.query("SELECT answers FROM response_slots WHERE round_id = ?", [round_id])
    ]
    assert {len(text) for text in stored} == {width}
    assert sorted(text[-1] for text in stored) == ["0", "5"]
    with pytest.raises(WrongState):
        choose_agreements(db, round_id, [])


def test_a_side_change_that_no_longer_matches_drops_the_agreement_at_open(db, agreement_id):
    round_id = create_round(db, "Wiosna", "sales-production", *SIDES)
    choose_agreements(db, round_id, [agreement_id])
    update_round(db, round_id, side_b="Serwis")
    open_round(db, round_id)
    assert get_round(db, round_id).questionnaire.agreements == []


def test_an_answer_to_an_agreement_the_round_does_not_carry_is_refused(db, open_round_id):
    with pytest.raises(InvalidInput):
        add_responses(db, open_round_id, [Submission("a", {("agreement", "x", "kept"): 4})])
