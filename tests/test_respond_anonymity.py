"""After 20 responses through the app, nothing stored or logged ties a response to its
code, its order of arrival or its time of day."""

from __future__ import annotations

import logging
import re

from respondent_helpers import csrf_token, new_code, post_page, thanked

from survey.store.connection import open_db
from survey.store.invites import code_hash
from survey.store.rounds import create_round, open_round

RESPONDENTS = 20
TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}\b")


def respond(app, round_id: int, number: int) -> str:
    """One person answers in a fresh browser; `number` is written into the answers so
    the test (and only the test) can tell the responses apart."""
    code = new_code(app, round_id, side="a" if number % 2 else "b")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"  # twenty people, twenty phones
    assert client.get(f"/r/{code}").status_code == 302
    post_page(
        client,
        "/page/1",
        {
            "information.timely.self": str(number % 5 + 1),
            "information.timely.other": str(number // 5 + 1),
        },
    )
    post_page(client, "/comments", {"harder": f"uwaga numer {number}"})
    token = csrf_token(client.get("/review").get_data(as_text=True))
    assert thanked(client.post("/submit", data={"csrf_token": token}))
    return code


def test_database_dump_and_log_hold_no_code_order_or_time(app, db_path, caplog):
    caplog.set_level(logging.DEBUG)
    db = open_db(db_path)
    round_id = create_round(db, "Runda", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    codes = [respond(app, round_id, n) for n in range(RESPONDENTS)]
    key = app.config["INVITE_KEY"]
    hashes = [code_hash(code, key) for code in codes]

    dump = "\n".join(db.conn.iterdump())
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = {t: db.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}

    # No code anywhere, in any spelling, in the database or the log.
    for code in codes:
        for spelling in (code, code.replace("-", ""), code.lower()):
            assert spelling not in dump and spelling not in caplog.text
    # Code hashes only in invites.code_hash, which has no column that could point elsewhere.
    assert [c[1] for c in db.execute("PRAGMA table_info(invites)")] == [
        "code_hash",
        "round_id",
        "side",
        "spent",
    ]
    for table, table_rows in rows.items():
        if table == "invites":
            continue
        flat = " ".join(str(value) for row in table_rows for value in row)
        assert not any(h in flat for h in hashes), table
    assert all(h not in caplog.text for h in hashes)
    assert "10.0.0." not in caplog.text and "10.0.0." not in dump
    # No started survey is kept on the server at all.
    assert "drafts" not in rows

    # No time of day: dates only (migration bookkeeping aside, written before any response).
    for table, table_rows in rows.items():
        if table == "_sqlite_migrations":
            continue
        for row in table_rows:
            for value in row:
                assert not TIME_OF_DAY.search(str(value)), (table, value)
    assert not TIME_OF_DAY.search(caplog.text)
    assert "submitted_on" not in dump  # not even a day on a response

    # Stored order is not the order of arrival, for responses, comments and invites.
    number_of = {}
    for response_id, value_self, value_other in db.execute(
        """SELECT s.response_id, s.value, o.value FROM answers s JOIN answers o
           ON o.response_id = s.response_id AND o.item = 'timely' AND o.perspective = 'other'
           WHERE s.item = 'timely' AND s.perspective = 'self'"""
    ):
        number_of[response_id] = (value_other - 1) * 5 + (value_self - 1)
    assert sorted(number_of.values()) == list(range(RESPONDENTS))
    stored_responses = [number_of[row[0]] for row in rows["response_slots"] if row[3]]
    dumped_responses = [
        number_of[int(m)]
        for m in re.findall(r'INSERT INTO "response_slots" VALUES\((\d+),', dump)
        if int(m) in number_of
    ]
    stored_comments = [int(row[7].split()[-1]) for row in rows["comment_slots"] if row[4]]
    stored_invites = [hashes.index(row[0]) for row in rows["invites"]]
    for order in (stored_responses, dumped_responses, stored_comments, stored_invites):
        assert sorted(order) == list(range(RESPONDENTS))
        assert order != list(range(RESPONDENTS)) and order != list(reversed(range(RESPONDENTS)))
    # Response ids are random, not counters or times.
    ids = sorted(row[0] for row in rows["response_slots"])
    assert len(set(ids)) == len(ids) and min(b - a for a, b in zip(ids, ids[1:], strict=False)) > 1
    assert max(ids) > 2**40
    db.conn.close()


def test_the_served_app_logs_nothing_of_respondent_requests(app, caplog):
    """Through `survey serve`'s request handler: the log shows it works (a static file is
    logged) yet holds no respondent path, code or address."""
    import threading

    import httpx
    from werkzeug.serving import make_server

    from survey.serving import AnonymousRequestHandler

    caplog.set_level(logging.DEBUG)
    db = open_db(app.config["DATABASE"])
    round_id = create_round(db, "Runda", "pulse", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    db.conn.close()
    code = new_code(app, round_id)
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=AnonymousRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.server_port}") as browser:
            assert browser.get(f"/r/{code}").status_code == 302
            assert browser.get("/welcome").status_code == 200
            assert browser.get("/r/WRONG-CODE-0000").status_code == 404
            assert browser.get("/static/lustro.css").status_code == 200
    finally:
        server.shutdown()
        thread.join(timeout=5)
    # The server's side only: httpx, playing the phone, logs its own requests.
    server_log = "\n".join(
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))
    )
    assert "GET /static/lustro.css 200" in server_log
    for secret in (code, code.replace("-", ""), "WRONG", "/r/", "/welcome", "127.0.0.1"):
        assert secret not in server_log
    assert not TIME_OF_DAY.search(server_log)
