"""The sides of a round: which there are, the one facing each, and counts per side."""

from __future__ import annotations

import pytest

from survey.store import invites
from survey.store.connection import write_transaction
from survey.store.errors import InvalidInput
from survey.store.rounds import create_round, get_round
from survey.store.sides import SIDES, count_per_side, other

KEY = "k" * 32


def test_each_side_faces_the_other_and_back():
    assert (other("a"), other("b")) == ("b", "a")
    assert all(other(other(side)) == side and other(side) != side for side in SIDES)


@pytest.mark.parametrize("unknown", ["c", "A", "", "both"])
def test_an_unknown_side_has_no_other_side(unknown):
    with pytest.raises(InvalidInput, match=f"Unknown side '{unknown}'"):
        other(unknown)


def test_a_round_names_the_side_facing_each_side(db, open_round_id):
    round_ = get_round(db, open_round_id)
    assert round_.label(other("a")) == "Produkcja"
    assert round_.label(other("b")) == "Sprzedaż"
    with pytest.raises(InvalidInput):
        round_.label("c")


def test_counts_per_side_include_a_side_with_none(db, open_round_id):
    codes = invites.generate(db, open_round_id, "a", 3, KEY)
    with write_transaction(db):
        invites.spend_code(db, codes[0], KEY)
    assert count_per_side(db, "invites", open_round_id) == {"a": 3, "b": 0}
    assert count_per_side(db, "invites", open_round_id, where="spent = 1") == {"a": 1, "b": 0}
    assert count_per_side(db, "responses", open_round_id) == {"a": 0, "b": 0}


def test_counts_per_side_are_of_one_round(db, open_round_id):
    invites.generate(db, open_round_id, "b", 2, KEY)
    other_round = create_round(db, "Other", "sales-production", "Sklep", "Magazyn")
    invites.generate(db, other_round, "b", 5, KEY)
    assert count_per_side(db, "invites", open_round_id) == {"a": 0, "b": 2}


def test_only_tables_with_sides_are_counted(db, open_round_id):
    with pytest.raises(ValueError, match="not counted per side"):
        count_per_side(db, "users", open_round_id)
