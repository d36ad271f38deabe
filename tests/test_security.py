"""Attacks on the app itself: markup smuggled through every field people can type,
missing security headers, secrets in the repository, paths through questionnaire ids.
(Permissions per console route, CSRF and throttling: tests/console/test_access.py,
tests/test_respond.py.)"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from respondent_helpers import csrf_token, new_code

from reports.pdf import render_pdf
from survey.app import create_app
from survey.documents.slips import render_slips_pdf
from survey.store.accounts import add_user
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, open_round

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
NAME = '<script>alert("name")</script>Q4'
SIDE_A = "<img src=x onerror=alert(1)>Sales"
SIDE_B = '"><svg onload=alert(2)>Ops'
COMMENT = "<script>alert('comment')</script><b>bold</b>"
PAYLOADS = [NAME, SIDE_A, SIDE_B, COMMENT]
RAW_MARKUP = re.compile(r"<script>alert|<img src=x|<svg onload|<b>bold")


@pytest.fixture
def app(make_app):
    return make_app(RATELIMIT_ENABLED=False)


@pytest.fixture
def hostile_rounds(db):
    """An open round and a closed one whose every typed field carries markup."""
    open_id = create_round(db, NAME, "pulse", SIDE_A, SIDE_B, threshold=3, comment_threshold=3)
    open_round(db, open_id)
    closed_id = create_round(db, NAME, "pulse", SIDE_A, SIDE_B, threshold=3, comment_threshold=3)
    open_round(db, closed_id)
    add_responses(
        db,
        closed_id,
        [
            Submission(
                side=side,
                answers={("information", "timely", "self"): 4},
                comments={"change": COMMENT},
            )
            for side in "abab" * 2
        ],
    )
    close_round(db, closed_id)
    add_user(db, "hr@example.com", "hr", PASSWORD)
    return open_id, closed_id


def _login(app):
    client = app.test_client()
    token = csrf_token(client.get("/console/login").get_data(as_text=True))
    answer = client.post(
        "/console/login",
        data={"email": "hr@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302
    return client


def _respondent_pages(app, open_id):
    client = app.test_client()
    assert client.get(f"/r/{new_code(app, open_id)}").status_code == 302
    for path in ("/welcome", "/page/1", "/comments", "/review"):
        yield path, client.get(path)


def _console_pages(client, open_id, closed_id):
    for path in (
        "/console/",
        f"/console/rounds/{open_id}",
        f"/console/rounds/{open_id}/invites",
        f"/console/rounds/{open_id}/close",
        f"/console/rounds/{closed_id}",
        f"/console/rounds/{closed_id}/comments",
        f"/console/rounds/{closed_id}/report",
        "/console/audit",
    ):
        yield path, client.get(path)


def test_markup_in_names_labels_and_comments_is_never_interpreted_on_any_page(app, hostile_rounds):
    open_id, closed_id = hostile_rounds
    pages = list(_respondent_pages(app, open_id)) + list(
        _console_pages(_login(app), open_id, closed_id)
    )
    shown = 0
    for path, page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert not RAW_MARKUP.search(html), f"unescaped markup on {path}"
        shown += html.count("&lt;script&gt;alert") + html.count("&lt;img src=x")
    assert shown >= len(pages)  # the payloads are there, as text


def test_markup_is_literal_text_in_the_report_and_the_slips(app, db, hostile_rounds):
    open_id, closed_id = hostile_rounds
    from survey.store.rounds import get_round

    with app.test_request_context():
        slips = render_slips_pdf(
            get_round(db, open_id), ["ABCD-EFGH-JKMN"], "http://127.0.0.1:5000", side="a"
        )
    for data in (
        slips,
        render_pdf(db, closed_id, lang="en"),
    ):
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        text = re.sub(r"\s+", " ", text)
        assert "alert(" in text  # shown as the characters people typed
        assert b"/JavaScript" not in data and b"/JS " not in data


def test_every_page_forbids_inline_script_framing_and_referrers(app, hostile_rounds):
    open_id, closed_id = hostile_rounds
    pages = [("/", app.test_client().get("/"))]
    pages += list(_respondent_pages(app, open_id))
    pages += list(_console_pages(_login(app), open_id, closed_id))
    pages += [("/r/unknown", app.test_client().get("/r/AAAA-BBBB-CCCC"))]
    for path, page in pages:
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert page.headers["X-Frame-Options"] == "DENY", path
        assert page.headers["Referrer-Policy"] == "no-referrer", path
        assert page.headers["X-Content-Type-Options"] == "nosniff", path
        html = page.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {path}"
        assert " style=" not in html, f"inline style on {path}"


def test_session_cookie_can_be_marked_secure_behind_a_tls_proxy(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("SURVEY_SESSION_COOKIE_SECURE", "true")
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "s"})
    page = app.test_client().get("/console/login")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_secret_is_in_the_repository_and_init_makes_new_ones(run_cli, tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [
        name for name in tracked if name.startswith("instance/") or name.endswith("config.toml")
    ]
    assert run_cli("init").exit_code == 0
    config = (tmp_path / "instance" / "config.toml").read_text()
    keys = re.findall(r'= "([0-9a-f]{64})"', config)
    assert len(keys) == 2 and keys[0] != keys[1]
    assert (tmp_path / "instance" / "config.toml").stat().st_mode & 0o077 == 0
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".toml", ".html", ".cfg", ".md", ".po"} and path.is_file():
            assert keys[0] not in path.read_text(encoding="utf-8", errors="ignore")


@pytest.mark.parametrize(
    "questionnaire", ["../pulse", "/etc/passwd", "..%2Fpulse", "pulse/../pulse"]
)
def test_a_questionnaire_id_cannot_name_a_path(app, db, questionnaire):
    add_user(db, "hr@example.com", "hr", PASSWORD)
    client = _login(app)
    token = csrf_token(client.get("/console/rounds/new").get_data(as_text=True))
    answer = client.post(
        "/console/rounds/new",
        data={
            "csrf_token": token, "questionnaire": questionnaire, "name": "R", "side_a": "A",
            "side_b": "B", "lang": "pl", "threshold": "5", "comment_threshold": "10",
        },
    )  # fmt: skip
    assert answer.status_code in (200, 400)
    assert db["rounds"].count == 0


def test_behind_a_trusted_proxy_the_clients_address_is_what_throttling_counts(
    db_path, tmp_path, monkeypatch
):
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {"DATABASE": str(db_path), "SECRET_KEY": "s", "INVITE_KEY": "k", "PROXY_FIX": 1}
    )
    client = app.test_client()
    wrong = "/r/AAAA-BBBB-CCCC"
    for _ in range(10):
        assert client.get(wrong, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404
    assert client.get(wrong, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    # Another phone behind the same proxy is not punished for the first one's guesses.
    assert client.get(wrong, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 404
