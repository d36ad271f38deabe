"""Moderating comments: closed rounds only, random order, hidden but kept and counted."""

from __future__ import annotations

import random

import pytest

from survey.store.audit import entries
from survey.store.errors import InvalidInput, NotFound, WrongState
from survey.store.moderation import comments_for_moderation, hide_comment, unhide_comment
from survey.store.rounds import create_round, get_round, open_round
from survey.store.transfer import export_text

from .conftest import respond


def _comment_ids(db, round_id, side):
    return [r["id"] for r in db.query("SELECT id FROM comments WHERE side = ?", [side])]


def test_comments_are_listed_per_question_and_side(db, closed_round_id):
    (change,) = comments_for_moderation(db, get_round(db, closed_round_id), "en")
    assert change.question == "change"
    assert [c.text for c in change.by_side["a"]] == ["Sala comment"] * 3
    assert [c.text for c in change.by_side["b"]] == ["Kuchnia comment"] * 3


def test_order_is_random_not_the_stored_order(db):
    round_id = create_round(db, "R", "pulse", "Sala", "Kuchnia", threshold=3, comment_threshold=3)
    open_round(db, round_id)
    for text in "abcdefgh":
        respond(db, round_id, "a", 1, f"comment {text}")
    from survey.store.rounds import close_round

    close_round(db, round_id)
    round_ = get_round(db, round_id)
    orders = {
        tuple(
            c.text
            for c in comments_for_moderation(db, round_, "en", random.Random(seed))[0].by_side["a"]
        )
        for seed in range(5)
    }
    assert len(orders) > 1


def test_only_closed_rounds_are_moderated(db, open_round_id):
    with pytest.raises(WrongState):
        comments_for_moderation(db, get_round(db, open_round_id), "en")


def test_a_side_below_the_comment_threshold_is_never_shown(db, facilitator):
    round_id = create_round(db, "R", "pulse", "Sala", "Kuchnia", threshold=3, comment_threshold=4)
    open_round(db, round_id)
    respond(db, round_id, "a", 4, "enough people")
    respond(db, round_id, "b", 3, "only three of us")
    from survey.store.rounds import close_round

    close_round(db, round_id)
    (change,) = comments_for_moderation(db, get_round(db, round_id), "en")
    assert set(change.by_side) == {"a"}
    page = facilitator.get(
        f"/console/rounds/{round_id}/comments", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "enough people" in page and "only three of us" not in page
    assert "fewer than 4 respondents" in page
    hidden_side = _comment_ids(db, round_id, "b")[0]
    with pytest.raises(NotFound):
        hide_comment(db, hidden_side, "names a person")


def test_hiding_needs_a_reason_and_keeps_the_comment(db, closed_round_id):
    comment_id = _comment_ids(db, closed_round_id, "a")[0]
    with pytest.raises(InvalidInput):
        hide_comment(db, comment_id, "  ")
    hide_comment(db, comment_id, "names a person")
    row = db["comment_slots"].get(comment_id)
    assert (row["hidden"], row["hidden_reason"], row["text"].rstrip()) == (
        1,
        "names a person",
        "Sala comment",
    )
    (change,) = comments_for_moderation(db, get_round(db, closed_round_id), "en")
    assert change.hidden_count == 1 and len(change.by_side["a"]) == 3
    unhide_comment(db, comment_id)
    assert db["comment_slots"].get(comment_id)["hidden"] == 0


def test_a_hidden_comment_leaves_what_is_exported(db, closed_round_id):
    comment_id = _comment_ids(db, closed_round_id, "a")[0]
    before = export_text(db, closed_round_id, "csv").count("Sala comment")
    hide_comment(db, comment_id, "names a person")
    assert export_text(db, closed_round_id, "csv").count("Sala comment") == before - 1


def test_facilitator_hides_and_unhides_from_the_page_and_it_is_audited(
    db, facilitator, closed_round_id
):
    comment_id = _comment_ids(db, closed_round_id, "b")[0]
    hidden = facilitator.post(
        f"/console/comments/{comment_id}/hide",
        data={"reason": "names Jan"},
        follow_redirects=True,
        headers={"Accept-Language": "pl"},
    )
    html = hidden.get_data(as_text=True)
    assert "Komentarz jest ukryty w raporcie" in html and "1 komentarz ukryty" in html
    assert db["comment_slots"].get(comment_id)["hidden_reason"] == "names Jan"
    facilitator.post(f"/console/comments/{comment_id}/unhide")
    assert db["comment_slots"].get(comment_id)["hidden"] == 0
    assert [(e.user_email, e.action) for e in entries(db)[:2]] == [
        ("fac@example.com", "comment.unhide"),
        ("fac@example.com", "comment.hide"),
    ]


def test_hiding_without_a_reason_changes_nothing(db, facilitator, closed_round_id):
    comment_id = _comment_ids(db, closed_round_id, "a")[0]
    facilitator.post(f"/console/comments/{comment_id}/hide", data={"reason": ""})
    assert db["comment_slots"].get(comment_id)["hidden"] == 0


def test_comments_page_of_an_open_round_sends_back(facilitator, open_round_id):
    response = facilitator.get(f"/console/rounds/{open_round_id}/comments")
    assert response.headers["Location"] == f"/console/rounds/{open_round_id}"
