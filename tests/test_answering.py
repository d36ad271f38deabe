"""Submitting as plain functions: one code, one response, even under a race."""

from __future__ import annotations

import threading

import pytest

from survey import answering, drafts, invites
from survey.db import open_db
from survey.errors import InvalidInput
from survey.rounds import get_round

KEY = "race-key"


def race(db_path, code: str, draft_id: str) -> list[str]:
    """Two threads, each with its own connection like two server workers, send at once."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send():
        own = open_db(db_path)
        try:
            barrier.wait()
            answering.submit(own, code, draft_id, KEY)
            outcomes.append("stored")
        except answering.AlreadyReceived:
            outcomes.append("already received")
        finally:
            own.conn.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_threads_submitting_the_same_code_store_exactly_one_response(
    db_path, db, open_round_id
):
    for attempt in range(5):
        code = invites.generate(db, open_round_id, "a", 1, KEY)[0]
        draft_id = drafts.start(db, get_round(db, open_round_id))
        assert sorted(race(db_path, code, draft_id)) == ["already received", "stored"]
        assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == attempt + 1


def test_a_code_of_one_round_cannot_answer_another(db, open_round_id):
    from survey.rounds import create_round, open_round

    other = create_round(db, "Other", "pulse", "S", "P")
    open_round(db, other)
    code = invites.generate(db, other, "a", 1, KEY)[0]
    draft_id = drafts.start(db, get_round(db, open_round_id))  # a draft of the first round
    with pytest.raises(answering.SessionEnded):
        answering.submit(db, code, draft_id, KEY)
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert not invites.find(db, code, KEY).spent


def test_invalid_draft_values_store_nothing_and_keep_the_code(db, open_round_id):
    code = invites.generate(db, open_round_id, "a", 1, KEY)[0]
    draft_id = drafts.start(db, get_round(db, open_round_id))
    draft = drafts.load(db, draft_id)
    draft.answers["information.timely.self"] = 9
    drafts.save(db, draft)
    with pytest.raises(InvalidInput):
        answering.submit(db, code, draft_id, KEY)
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert not invites.find(db, code, KEY).spent
