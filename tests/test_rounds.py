import pytest

from survey.store.errors import InvalidInput, NotFound, WrongState
from survey.store.responses import Submission, add_responses, count_by_side
from survey.store.rounds import close_round, create_round, get_round, list_rounds, open_round


def test_a_new_round_is_a_draft_with_default_thresholds(db):
    round_id = create_round(db, "Jesień", "sales-production", "Sprzedaż", "Produkcja")
    round_ = get_round(db, round_id)
    assert (round_.status, round_.threshold, round_.comment_threshold) == ("draft", 5, 10)
    assert round_.questionnaire_json is None


def test_opening_freezes_a_copy_of_the_questionnaire(db):
    round_id = create_round(db, "Jesień", "pulse", "Sala", "Kuchnia")
    round_ = open_round(db, round_id)
    assert round_.status == "open"
    assert round_.questionnaire.id == "pulse"
    assert '"id": "pulse"' in round_.questionnaire_json


def test_closing_is_final(db, open_round_id):
    close_round(db, open_round_id)
    with pytest.raises(WrongState, match="closing is final"):
        open_round(db, open_round_id)
    with pytest.raises(WrongState):
        close_round(db, open_round_id)


def test_a_draft_cannot_be_closed(db):
    round_id = create_round(db, "Draft", "pulse", "A", "B")
    with pytest.raises(WrongState, match="draft"):
        close_round(db, round_id)


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_responses_go_only_into_open_rounds(db, status):
    round_id = create_round(db, "R", "pulse", "A", "B")
    if status == "closed":
        open_round(db, round_id)
        close_round(db, round_id)
    with pytest.raises(WrongState):
        add_responses(db, round_id, [Submission(side="a")])
    assert count_by_side(db, round_id) == {"a": 0, "b": 0}


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"threshold": 2}, "at least 3"),
        ({"threshold": 6, "comment_threshold": 5}, "comment threshold"),
        ({"headcount_a": 0}, "headcount"),
        ({"lang": "de"}, "Language"),
        ({"closes_on": "next friday"}, "not a date"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
    ],
)
def test_bad_round_settings_are_refused(db, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        create_round(db, "R", "pulse", "A", "B", **kwargs)
    assert list_rounds(db) == []


@pytest.mark.parametrize(
    "name,side_a,side_b", [("", "A", "B"), ("R", " ", "B"), ("R", "Sala", "sala")]
)
def test_names_and_labels_are_required_and_distinct(db, name, side_a, side_b):
    with pytest.raises(InvalidInput):
        create_round(db, name, "pulse", side_a, side_b)


def test_unknown_round_is_not_found(db):
    with pytest.raises(NotFound):
        get_round(db, 99)
    with pytest.raises(NotFound):
        get_round(db, "abc")
