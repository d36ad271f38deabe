"""Send: everything is checked before a code is spent (issue 20, O1), and Sends at scale
share their commit and never wait into the lock timeout (issue 23)."""

from __future__ import annotations

import re
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import respondent_helpers
from respondent_helpers import answer_everything, csrf_token, new_code, post_page, thanked

import survey.db
from survey.respond import state as respondent_state
from survey.respond.state import NOTE_PREFIX
from survey.store import committer, connection, invites
from survey.store.connection import open_db

TOKENS = re.compile(r'value="[^"]{40,}"')  # CSRF tokens differ from page to page


def _started(client, code: str) -> None:
    """Open the code's link and answer the open questions (the question pages may stay
    empty: every item may be skipped)."""
    assert client.get(f"/r/{code}").status_code == 302


def _send(client):
    token = csrf_token(client.get("/review").get_data(as_text=True))
    return client.post("/submit", data={"csrf_token": token})


def _spent(app, code: str) -> bool:
    db = open_db(app.config["DATABASE"])
    try:
        return invites.find(db, code, app.config["INVITE_KEY"]).spent
    finally:
        db.conn.close()


def _responses(app) -> int:
    db = open_db(app.config["DATABASE"])
    try:
        return db.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        db.conn.close()


def _forge_state(app, client, code: str, round_id: int, answers: dict) -> None:
    """Put a started survey into the browser that the pages never write (as broken or
    forged browser state would be): sealed with the server's own key."""
    from flask import Response, request

    with app.test_request_context():
        response = Response()
        respondent_state.save(response, respondent_state.State(code, round_id, answers), request)
    for header in response.headers.getlist("Set-Cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        client.set_cookie(name, value)


def test_o1_a_bad_submission_answers_the_same_for_a_used_and_an_unused_code(app, open_round_id):
    """A colleague's slip cannot be tested by sending something invalid with it: the
    page and status are the same whether the slip was used, and nothing is spent."""
    used, unused = new_code(app, open_round_id), new_code(app, open_round_id)
    assert thanked(answer_everything(app.test_client(), app, open_round_id, used))
    answers = []
    for code in (used, unused):
        client = app.test_client()
        _started(client, code)
        _forge_state(app, client, code, open_round_id, {"information.timely.self": 9})
        response = _send(client)
        answers.append((response.status_code, TOKENS.sub("", response.get_data(as_text=True))))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
    assert "Niektóre odpowiedzi były nieprawidłowe" in answers[0][1]  # a Polish round
    assert not _spent(app, unused)
    assert _responses(app) == 1
    assert thanked(answer_everything(app.test_client(), app, open_round_id, unused))


def test_o1_a_note_cookie_renamed_to_an_unknown_question_is_dropped(app, open_round_id):
    """The renamed cookie is dropped from the browser at the next page, and Send stores
    the rest (an unused code is thanked, as it would be without the cookie)."""
    code = new_code(app, open_round_id)
    client = app.test_client()
    _started(client, code)
    assert post_page(client, "/comments", {"need": "more time"}).status_code == 302
    note = client.get_cookie(NOTE_PREFIX + "need")
    client.set_cookie(NOTE_PREFIX + "no-such-question", note.value)
    client.delete_cookie(NOTE_PREFIX + "need")
    page = client.get("/review")
    assert any(
        header.startswith(NOTE_PREFIX + "no-such-question=;")
        for header in page.headers.getlist("Set-Cookie")
    )
    client.set_cookie(NOTE_PREFIX + "no-such-question", note.value)  # sent again anyway
    response = _send(client)
    assert thanked(response)
    assert _spent(app, code)
    assert _responses(app) == 1


# --- Issue 23: group commit, a bound on waiting ------------------------------------------


def _at_review(app, round_id: int, count: int) -> list:
    """`count` people with a code each, every one at the review page of a started survey."""
    clients = []
    for _ in range(count):
        client = app.test_client()
        _started(client, new_code(app, round_id))
        clients.append(client)
    return clients


def _hold_write_lock(app):
    """Another process's writer, as it were: a connection holding SQLite's write lock."""
    other = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_sends_waiting_together_are_stored_in_one_commit(app, open_round_id):
    """Twelve Sends arrive while another writer holds the lock: when it lets go, one
    transaction stores them all, and each is thanked only after it."""
    clients = _at_review(app, open_round_id, 12)
    tokens = [csrf_token(client.get("/review").get_data(as_text=True)) for client in clients]
    other = _hold_write_lock(app)
    answers: list = [None] * len(clients)

    def send(number: int) -> None:
        answers[number] = clients[number].post("/submit", data={"csrf_token": tokens[number]})

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    assert _responses(app) == 0  # nobody thanked yet: nothing is committed
    assert not any(answers)
    other.rollback()
    other.close()
    for thread in threads:
        thread.join(timeout=30)
    assert all(thanked(answer) for answer in answers)
    assert _responses(app) == 12
    stats = committer.for_database(app.config["DATABASE"]).stats
    assert stats.commits < 12 and stats.largest_group >= 6, stats


def test_a_send_that_cannot_be_stored_in_time_is_asked_to_try_again(
    app, open_round_id, monkeypatch
):
    """The lock stays taken past the bound: a 503 page in the person's language with
    Retry-After, instead of waiting into SQLite's busy timeout; nothing is spent, the
    answers stay in the browser, and Send works once the lock is free."""
    monkeypatch.setattr(committer, "BOUND_SECONDS", 0.5)
    (client,) = _at_review(app, open_round_id, 1)
    code = respondent_helpers.browser_state(client, app).code
    other = _hold_write_lock(app)
    try:
        started = time.monotonic()
        response = _send(client)
        waited = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = response.get_data(as_text=True)
    assert "Spróbuj ponownie za minutę" in page and "kod jest nadal ważny" in page
    assert waited < 3
    assert not _spent(app, code)
    assert thanked(_send(client))
    assert _spent(app, code)


def test_a_locked_database_is_a_503_page_never_database_is_locked(app, open_round_id, monkeypatch):
    """A page that only reads, while another writer holds the file locked longer than the
    busy timeout: the page asks to try again (503) instead of a bare 500."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)
    (client,) = _at_review(app, open_round_id, 1)
    monkeypatch.setattr(survey.db, "_thread", threading.local())  # a fresh connection
    other = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # readers are locked out too
    try:
        response = client.get("/review")
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "Spróbuj ponownie za minutę" in response.get_data(as_text=True)


def test_writers_of_every_process_take_turns_on_one_private_empty_file(db, db_path):
    """Another process holding the writers' turn makes a write here wait for it (the
    kernel hands the turn on the moment it is let go); the file stays empty and private."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"handle = os.open({str(db_path) + connection.WRITERS_SUFFIX!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
            "fcntl.flock(handle, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(0.6)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    with connection.write_transaction(db):
        db.execute("CREATE TABLE turn_test (x)")
    waited = time.monotonic() - started
    holder.communicate(timeout=10)  # waits, and closes its pipe
    assert 0.3 < waited < 5
    writers = Path(str(db_path) + connection.WRITERS_SUFFIX)
    assert writers.stat().st_size == 0
    assert stat.S_IMODE(writers.stat().st_mode) == 0o600
