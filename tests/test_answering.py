"""Submitting as plain functions: one code, one response, even under a race."""

from __future__ import annotations

import threading

import pytest

from survey.respond import answering
from survey.store import invites
from survey.store.connection import open_db
from survey.store.errors import InvalidInput
from survey.store.responses import Submission

KEY = "race-key"


def send(db, code: str, value: int = 4) -> None:
    """Submit the code with one answer, as the submit view does."""
    entry = answering.check_code(db, code, KEY)
    submission = Submission(entry.invite.side, {("information", "timely", "self"): value})
    answering.submit(db, entry, submission, KEY)


def race(db_path, code: str) -> list[str]:
    """Two threads, each with its own connection like two server workers, send at once."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def one():
        own = open_db(db_path)
        try:
            barrier.wait()
            send(own, code)
            outcomes.append("stored")
        except answering.SpentCode:
            outcomes.append("already used")
        finally:
            own.conn.close()

    threads = [threading.Thread(target=one) for _ in range(2)]
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
        assert sorted(race(db_path, code)) == ["already used", "stored"]
        assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == attempt + 1


def test_invalid_values_from_the_browser_store_nothing_and_keep_the_code(db, open_round_id):
    code = invites.generate(db, open_round_id, "a", 1, KEY)[0]
    with pytest.raises(InvalidInput):
        send(db, code, 9)
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert not invites.find(db, code, KEY).spent
