"""Each server thread keeps one database connection between requests, and a request never
hands an open transaction (a lock, uncommitted changes) to the next one."""

from __future__ import annotations

import sqlite3
import threading

from survey.db import get_db


def test_requests_in_one_thread_share_a_connection_and_threads_do_not(app):
    seen = []

    @app.get("/_connection")
    def connection():
        seen.append(get_db())
        return "ok"

    client = app.test_client()
    client.get("/_connection")
    client.get("/_connection")
    other = threading.Thread(target=lambda: app.test_client().get("/_connection"))
    other.start()
    other.join()
    assert seen[0] is seen[1]
    assert seen[2] is not seen[0]


def test_a_request_that_leaves_a_write_unfinished_leaves_no_lock_and_no_change(app, db_path):
    with sqlite3.connect(db_path) as setup:
        setup.execute("CREATE TABLE scratch (x)")
    setup.close()

    @app.post("/_half_write")
    def half_write():
        # The sqlite3 module opens a transaction before an INSERT and waits for a commit.
        get_db().conn.execute("INSERT INTO scratch VALUES (1)")
        assert get_db().conn.in_transaction
        return "ok"

    app.config["WTF_CSRF_ENABLED"] = False
    assert app.test_client().post("/_half_write").status_code == 200
    other = sqlite3.connect(db_path, timeout=0.5)
    try:
        other.execute("BEGIN IMMEDIATE")  # would fail with "database is locked"
        other.execute("ROLLBACK")
        assert other.execute("SELECT count(*) FROM scratch").fetchone()[0] == 0
    finally:
        other.close()
