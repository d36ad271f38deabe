"""Workshop storage: counts never people, guesses closed at the reveal, agreements and dots."""

from __future__ import annotations

import re

import pytest

from survey.store.errors import InvalidInput, WrongState
from survey.workshop import store
from survey.workshop.agenda import build_agenda, side_view
from survey.workshop.documents import agreements_csv, agreements_records


@pytest.fixture
def workshop(db, closed_round_id):
    return store.create_workshop(db, closed_round_id, "2h", ["information", "respect"])


def test_a_workshop_needs_a_closed_round(db, open_round_id):
    with pytest.raises(WrongState):
        store.create_workshop(db, open_round_id, "2h", ["information"])
    assert db["workshops"].count == 0


@pytest.mark.parametrize(
    "variant,dimensions",
    [
        ("3h", ["information"]),
        ("2h", []),
        ("2h", ["information", "information"]),
        ("2h", ["nonsense"]),
        ("2h", ["information", "respect", "customer", "shared_goals"]),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(db, closed_round_id, variant, dimensions):
    with pytest.raises(InvalidInput):
        store.create_workshop(db, closed_round_id, variant, dimensions)
    assert db["workshops"].count == 0


def test_the_join_code_is_short_without_look_alikes_and_forgiving_to_type(db, workshop):
    assert len(workshop.join_code) == 6
    assert set(workshop.join_code) <= set(store.JOIN_ALPHABET)
    assert not set("0O1IL2Z5S8B6G") & set(store.JOIN_ALPHABET)
    typed = workshop.join_code[:3].lower() + "-" + workshop.join_code[3:]
    assert store.find_by_code(db, typed).id == workshop.id


def _guess(db, workshop, side, dimension, value):
    """One more phone of `side` joins and guesses."""
    store.add_guess(db, workshop, store.join(db, workshop, side), dimension, value)


def test_guesses_are_kept_as_counts_per_value_never_per_person(db, workshop):
    for value in (2, 2, 3, 2):
        _guess(db, workshop, "a", "information", value)
    rows = list(
        db.query(
            "SELECT side, value, CAST(count AS INTEGER) AS n FROM workshop_guesses "
            "WHERE dimension = 'information' AND n > 0 ORDER BY value"
        )
    )
    assert [(r["side"], r["value"], r["n"]) for r in rows] == [("a", 2, 3), ("a", 3, 1)]
    assert set(db["workshop_guesses"].columns_dict) == {
        "workshop_id",
        "dimension",
        "side",
        "value",
        "count",
    }
    assert set(db["workshop_phones"].columns_dict) == {
        "id",
        "workshop_id",
        "side",
        "joined",
        "guessed",
        "voted",
    }
    assert store.guess_counts(db, workshop.id)["information"]["a"] == [0, 3, 1, 0, 0]


def test_no_workshop_table_holds_a_time_or_an_address(db, workshop):
    for table in (
        "workshops",
        "workshop_guesses",
        "workshop_agreements",
        "workshop_dots",
        "workshop_phones",
    ):
        columns = set(db[table].columns_dict)
        assert not {c for c in columns if c.endswith("_at") or c in {"ip", "time", "address"}}
    (created,) = db.execute("SELECT created_on FROM workshops").fetchone()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", created)  # a date, never a time


@pytest.mark.parametrize(
    "dimension,side,value", [("information", "c", 3), ("customer", "a", 3), ("information", "a", 6)]
)
def test_a_bad_guess_changes_nothing(db, workshop, dimension, side, value):
    token = store.join(db, workshop, "a")
    with pytest.raises(InvalidInput):
        if side not in ("a", "b"):
            store.join(db, workshop, side)
        store.add_guess(db, workshop, token, dimension, value)
    assert store.guess_counts(db, workshop.id) == {}


def test_guessing_closes_when_the_dimension_is_revealed(db, workshop):
    token = store.join(db, workshop, "a")
    store.add_guess(db, workshop, token, "information", 4)
    revealed = store.reveal(db, workshop, "information")
    with pytest.raises(WrongState):
        store.add_guess(db, revealed, store.join(db, workshop, "a"), "information", 1)
    assert store.guess_counts(db, workshop.id)["information"]["a"] == [0, 0, 0, 1, 0]


def test_a_sides_guess_is_shown_only_from_the_rounds_threshold(db, workshop):
    assert workshop.threshold == 5
    workshop = store.set_in_room(db, workshop, {"a": 8, "b": 8})
    for value in (1, 2, 3, 4):
        _guess(db, workshop, "b", "information", value)
    below = side_view(workshop, store.guess_counts(db, workshop.id), "information", "b")
    assert below["guess"] is None and below["guessed"] == 4
    _guess(db, workshop, "b", "information", 5)
    above = side_view(workshop, store.guess_counts(db, workshop.id), "information", "b")
    assert above["guess"] == pytest.approx(3.0) and above["guessed"] == 5


def test_the_reveal_puts_our_meta_beside_the_other_sides_actual_view(db, workshop):
    means = workshop.figures["dimensions"]["information"]["means"]
    row = side_view(workshop, {}, "information", "a")
    assert (row["meta"], row["other"], row["self"]) == (
        means["a.meta"],
        means["b.other"],
        means["a.self"],
    )


def test_clear_findings_decide_the_suggested_dimensions_most_certain_first():
    figures = {
        "dimensions": {"respect": {}, "information": {}, "customer": {}},
        "findings": [
            {"dimension": "respect", "gap": "a.meta_error"},
            {"dimension": "information", "gap": "b.blind_spot"},
            {"dimension": "respect", "gap": "b.meta_error"},
        ],
    }
    assert store.suggested_dimensions(figures, 3) == ["respect", "information"]
    assert store.suggested_dimensions(figures | {"findings": []}, 3) == []


@pytest.mark.parametrize("variant,minutes", [("2h", 120), ("half-day", 240)])
def test_the_agenda_fills_its_time_and_gives_each_dimension_a_block(variant, minutes):
    blocks = build_agenda(variant, ["information", "respect", "customer"])
    assert sum(b.minutes for b in blocks) == minutes
    assert [b.dimension for b in blocks if b.kind == "dimension"] == [
        "information",
        "respect",
        "customer",
    ]
    assert all(b.start == a.start + a.minutes for a, b in zip(blocks, blocks[1:], strict=False))


def test_an_agreement_has_a_stable_id_and_everything_a_later_round_needs(db, workshop):
    first = store.add_agreement(db, workshop, "Weekly  plan", "both", "2026-12-31", "Minutes sent")
    second = store.add_agreement(db, workshop, "Forecast", "a", "2027-01-15", "Shared file", "KAM")
    saved = store.agreements(db, workshop.id)
    assert [a.id for a in saved] == [first, second]
    assert saved[0].what == "Weekly plan" and saved[0].lang == "pl"
    assert (saved[1].responsible, saved[1].role, saved[1].due_on) == ("a", "KAM", "2027-01-15")


@pytest.mark.parametrize(
    "what,responsible,due_on,evidence",
    [
        ("", "a", "2026-12-31", "x"),
        ("x", "c", "2026-12-31", "x"),
        ("x", "a", "31.12.2026", "x"),
        ("x", "a", "2026-12-31", "  "),
        ("x" * 501, "a", "2026-12-31", "x"),
    ],
)
def test_a_bad_agreement_is_refused(db, workshop, what, responsible, due_on, evidence):
    with pytest.raises(InvalidInput):
        store.add_agreement(db, workshop, what, responsible, due_on, evidence)
    assert db["workshop_agreements"].count == 0


def test_dots_are_counts_three_per_participant_at_most(db, workshop):
    one = store.add_agreement(db, workshop, "One", "a", "2026-12-31", "x")
    two = store.add_agreement(db, workshop, "Two", "b", "2026-12-31", "x")
    assert store.cast_dots(db, workshop, store.join(db, workshop, "a"), {one: 2, two: 1}) == 3
    for bad in ({one: 4}, {one: 2, two: 2}, {one: 0}, {one: -1, two: 3}, {"other": 1}):
        with pytest.raises(InvalidInput):
            store.cast_dots(db, workshop, store.join(db, workshop, "b"), bad)
    assert [a.dots for a in store.agreements(db, workshop.id)] == [2, 1]


def test_the_csv_cannot_smuggle_a_formula_into_a_spreadsheet(db, workshop):
    store.add_agreement(db, workshop, '=HYPERLINK("x")', "a", "2026-12-31", "@SUM(A1)")
    store.add_agreement(db, workshop, "-1 delay", "b", "2026-12-31", "+ plan")
    text = agreements_csv(agreements_records(db, workshop))
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert "'-1 delay" in text and "'+ plan" in text
