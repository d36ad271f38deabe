"""Crash test: kill -9 the production server while submissions are in flight.

Every submission that got its success page must be in the database after a restart;
a code whose submission was not acknowledged either works again or (when its answers
were committed just before the kill) says they were already received; the database
passes SQLite's integrity check and holds exactly one response per spent code.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from respondent_helpers import csrf_token, thanked

from survey.app import create_app
from survey.cli import initialise
from survey.db import get_db
from survey.serving import production_command
from survey.store.invites import find, generate
from survey.store.rounds import create_round, open_round

ROOT = Path(__file__).resolve().parent.parent
RADIO = re.compile(r'name="([a-z0-9_-]+\.[a-z0-9_-]+\.(?:self|other|meta))" type="radio"')
RESPONDENTS = 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn as `survey serve --prod` runs it, in its own process group."""

    def __init__(self, database: Path, env: dict[str, str], stderr=subprocess.DEVNULL):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = production_command(str(database), "127.0.0.1", self.port, workers=2)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: no graceful anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def _walk_to_review(client: httpx.Client, code: str) -> str:
    entered = client.post(
        "/code", data={"code": code, "csrf_token": csrf_token(client.get("/").text)}
    )
    assert entered.status_code == 302, entered.status_code
    page = 1
    while True:
        form = client.get(f"/page/{page}")
        data = {name: "4" for name in RADIO.findall(form.text)}
        sent = client.post(f"/page/{page}", data={**data, "csrf_token": csrf_token(form.text)})
        assert sent.status_code == 302
        if "/page/" not in sent.headers["location"]:
            break
        page += 1
    comments = client.get("/comments")
    client.post("/comments", data={"csrf_token": csrf_token(comments.text)})
    return csrf_token(client.get("/review").text)


def open_round_with_codes(folder: Path, monkeypatch, questionnaire: str, count: int):
    """A database as `survey init` makes it, with one open round and `count` codes of side a,
    set up for a server started with the same environment."""
    monkeypatch.setenv("SURVEY_INSTANCE", str(folder / "instance"))
    database = folder / "survey.db"
    monkeypatch.setenv("SURVEY_DB", str(database))
    app = create_app()
    with app.app_context():
        initialise()
        db = get_db()
        round_id = create_round(db, "Served", questionnaire, "Sprzedaż", "Produkcja")
        open_round(db, round_id)
        codes = generate(db, round_id, "a", count, app.config["INVITE_KEY"])
    return database, codes


@pytest.fixture
def prepared(tmp_path, monkeypatch):
    database, codes = open_round_with_codes(tmp_path, monkeypatch, "sales-production", RESPONDENTS)
    return database, codes, os.environ.copy()


def test_kill_9_during_submissions_loses_nothing_acknowledged(prepared):
    database, codes, env = prepared
    server = Server(database, env)
    clients = {code: httpx.Client(base_url=server.url, timeout=10) for code in codes}
    try:
        _crash_during_submits(server, clients, database, env, codes)
    finally:
        for client in clients.values():
            client.close()


def _crash_during_submits(server, clients, database, env, codes) -> None:
    tokens = {code: _walk_to_review(client, code) for code, client in clients.items()}

    acknowledged: set[str] = set()
    first_ack = threading.Event()

    def send(code: str) -> None:
        try:
            answer = clients[code].post("/submit", data={"csrf_token": tokens[code]})
        except httpx.HTTPError:
            return  # the server died under this request: not acknowledged
        if thanked(answer):
            acknowledged.add(code)
            first_ack.set()

    threads = [threading.Thread(target=send, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    assert first_ack.wait(timeout=30), "no submission was acknowledged"
    server.kill()
    for thread in threads:
        thread.join(timeout=15)
    unacknowledged = [code for code in codes if code not in acknowledged]
    assert acknowledged and unacknowledged, "the kill must land while submissions are in flight"

    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = connection.execute("SELECT count(*) FROM responses").fetchone()[0]
    spent = connection.execute("SELECT count(*) FROM invites WHERE spent = 1").fetchone()[0]
    connection.close()
    assert stored == spent  # a response exactly where a code was spent: never half a submit
    assert stored >= len(acknowledged)

    server = Server(database, env)
    try:
        already_received = 0
        for code in unacknowledged:
            with httpx.Client(base_url=server.url, timeout=10) as client:
                client.get("/")
                # Whether a code was used shows only at Send, by spending it.
                token = _walk_to_review(client, code)
                sent = client.post("/submit", data={"csrf_token": token})
                if sent.status_code == 200:  # the code works again: sent now
                    assert thanked(sent)
                else:  # committed just before the kill, reply lost with the server
                    assert sent.status_code == 410
                    already_received += 1
        for code in sorted(acknowledged)[:5]:
            with httpx.Client(base_url=server.url, timeout=10) as client:
                client.get("/")
                token = _walk_to_review(client, code)
                assert client.post("/submit", data={"csrf_token": token}).status_code == 410
    finally:
        server.kill()
    connection = sqlite3.connect(database)
    assert connection.execute("SELECT count(*) FROM responses").fetchone()[0] == len(codes)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Committed-but-unacknowledged submissions can only be the few in flight at the kill.
    assert already_received == stored - len(acknowledged)
    print(
        f"acknowledged {len(acknowledged)}, committed unacknowledged {already_received}, retried {len(unacknowledged) - already_received}"
    )


BURST = 60  # people at the review page who press Send at the same moment


@pytest.fixture
def burst_prepared(tmp_path, monkeypatch):
    database, codes = open_round_with_codes(tmp_path, monkeypatch, "sales-production", BURST)
    return database, codes, os.environ.copy()


def _walk_all(url: str, codes: list[str]) -> dict[str, tuple[httpx.Client, str]]:
    """Everyone at the review page (eight walking at a time): their client and token."""
    ready: dict[str, tuple[httpx.Client, str]] = {}

    def walk(code: str) -> None:
        client = httpx.Client(base_url=url, timeout=30)
        ready[code] = (client, _walk_to_review(client, code))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(walk, codes))
    return ready


def test_kill_9_during_a_burst_of_sends_loses_nothing_acknowledged(burst_prepared):
    """Issue 23: sixty Sends at once, shared commits, the server killed once a third of
    them were thanked: every thanked code is spent, every spent code has exactly one whole
    response (every answer the walker gave, no slot half-written), the slot maps agree
    with the slots, and every code not thanked either works again or was stored."""
    database, codes, env = burst_prepared
    server = Server(database, env)
    ready = _walk_all(server.url, codes)
    acknowledged: set[str] = set()
    enough = threading.Event()
    go = threading.Barrier(len(codes))

    def send(code: str) -> None:
        client, token = ready[code]
        go.wait()
        try:
            answer = client.post("/submit", data={"csrf_token": token})
        except httpx.HTTPError:
            return  # the server died under this request: not acknowledged
        if thanked(answer):
            acknowledged.add(code)
            if len(acknowledged) >= len(codes) // 3:
                enough.set()

    threads = [threading.Thread(target=send, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=60), f"only {len(acknowledged)} Sends were acknowledged"
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    for client, _ in ready.values():
        client.close()
    unacknowledged = [code for code in codes if code not in acknowledged]
    assert unacknowledged, "the kill must land while Sends are in flight"

    app = create_app()
    with app.app_context():
        db = get_db()
        key = app.config["INVITE_KEY"]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert all(find(db, code, key).spent for code in acknowledged)
        spent = db.execute("SELECT count(*) FROM invites WHERE spent = 1").fetchone()[0]
        width = db.execute("SELECT count(*) FROM answer_positions").fetchone()[0]
        answers = [row[0] for row in db.execute("SELECT answers FROM response_slots WHERE filled")]
        assert len(answers) == spent >= len(acknowledged)
        assert all(text == "4" * width for text in answers)  # whole responses only
        for question, taken in db.execute(
            "SELECT question, sum(length(free) - length(replace(free, '0', ''))) "
            "FROM slot_maps GROUP BY question"
        ):
            table = "comment_slots WHERE question = ? AND" if question else "response_slots WHERE"
            params = [question] if question else []
            filled = db.execute(f"SELECT count(*) FROM {table} filled", params).fetchone()[0]
            assert taken == filled, question

    server = Server(database, env)
    try:
        again = _walk_all(server.url, unacknowledged)
        stored_before = 0
        for client, token in again.values():
            sent = client.post("/submit", data={"csrf_token": token})
            if sent.status_code == 410:  # committed just before the kill, reply lost
                stored_before += 1
            else:
                assert thanked(sent), sent.status_code
            client.close()
    finally:
        server.kill()
    connection = sqlite3.connect(database)
    assert connection.execute("SELECT count(*) FROM responses").fetchone()[0] == len(codes)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    assert stored_before == spent - len(acknowledged)
    print(f"acknowledged {len(acknowledged)}, committed unacknowledged {stored_before}")
