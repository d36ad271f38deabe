"""Who may open which console page: anonymous → login, facilitator → 403 on HR pages."""

from __future__ import annotations

import pytest

from survey.app import create_app
from survey.store.accounts import add_user, remove_user
from survey.store.audit import entries
from survey.store.connection import write_transaction
from survey.store.mailing import start_run
from survey.store.slots import insert_comment
from survey.workshop.store import add_agreement, create_workshop

from .conftest import PASSWORD
from .test_rounds_console import NEW_ROUND

# (method, path template, HR only). {draft}, {open}, {closed} and {comment} are filled in.
ROUTES = [
    ("GET", "/console/", False),
    ("GET", "/console/rounds/new", True),
    ("POST", "/console/rounds/new", True),
    ("GET", "/console/rounds/{draft}", False),
    ("GET", "/console/rounds/{draft}/edit", True),
    ("POST", "/console/rounds/{draft}/edit", True),
    ("POST", "/console/rounds/{draft}/open", True),
    ("GET", "/console/rounds/{open}/close", True),
    ("POST", "/console/rounds/{open}/close", True),
    ("GET", "/console/rounds/{draft}/invites", True),
    ("POST", "/console/rounds/{draft}/invites", True),
    ("GET", "/console/rounds/{draft}/invites/{token}", True),
    ("POST", "/console/rounds/{draft}/invites/{token}/csv", True),
    ("POST", "/console/rounds/{draft}/invites/{token}/slips", True),
    ("GET", "/console/rounds/{draft}/invites/{token}/slips", True),
    ("GET", "/console/rounds/{draft}/invites/{token}/slips.json", True),
    ("POST", "/console/rounds/{draft}/invites/{token}/slips.pdf", True),
    ("POST", "/console/rounds/{draft}/invites/{token}/forget", True),
    ("GET", "/console/rounds/{closed}/comments", False),
    ("POST", "/console/comments/{comment}/hide", False),
    ("POST", "/console/comments/{comment}/unhide", False),
    ("GET", "/console/rounds/{closed}/report", False),
    ("GET", "/console/rounds/{closed}/report/download?file=json", False),
    ("GET", "/console/audit", True),
    ("GET", "/console/rounds/{closed}/workshops", False),
    ("POST", "/console/rounds/{closed}/workshops", False),
    ("GET", "/console/workshops/{workshop}", False),
    ("POST", "/console/workshops/{workshop}/step", False),
    ("POST", "/console/workshops/{workshop}/reveal", False),
    ("POST", "/console/workshops/{workshop}/room", False),
    ("POST", "/console/workshops/{workshop}/agreements", False),
    ("POST", "/console/workshops/{workshop}/agreements/{agreement}/delete", False),
    ("GET", "/console/workshops/{workshop}/download/agreements.json", False),
    ("POST", "/console/rounds/{open}/kiosk", True),
    ("GET", "/console/kiosk/end", True),
    ("POST", "/console/kiosk/end", True),
    ("GET", "/console/rounds/{open}/mail", True),
    ("POST", "/console/rounds/{open}/mail", True),
    ("POST", "/console/rounds/{open}/mail/send", True),
    ("POST", "/console/rounds/{open}/mail/remind", True),
    ("POST", "/console/rounds/{open}/mail/retry", True),
    ("GET", "/console/rounds/{open}/mail/runs/{run}", True),
]
PULSE_DIMENSION = "information"
ROUTE_IDS = [f"{method} {path}" for method, path, _ in ROUTES]


@pytest.fixture
def urls(db, draft_round_id, open_round_id, closed_round_id):
    with write_transaction(db):  # insert_comment writes in the caller's transaction
        comment = insert_comment(db, closed_round_id, "a", "change", "x")
    workshop = create_workshop(db, closed_round_id, "2h", [PULSE_DIMENSION])
    return {
        "draft": draft_round_id,
        "open": open_round_id,
        "closed": closed_round_id,
        "comment": comment,
        "workshop": workshop.id,
        "agreement": add_agreement(db, workshop, "Plan", "both", "2026-12-31", "Minutes"),
        "token": "A" * 24,
        "run": start_run(db, open_round_id, "invite", "2026-01-01", 0).id,
    }


def test_every_console_route_is_listed_here(console_app):
    """A new route must be added to ROUTES, so its permission is tested."""
    rules = {
        (method, rule.rule)
        for rule in console_app.url_map.iter_rules()
        if rule.rule.startswith("/console")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {
        (
            method,
            path.split("?")[0]
            .replace("{draft}", "<int:round_id>")
            .replace("{open}", "<int:round_id>")
            .replace("{closed}", "<int:round_id>")
            .replace("{comment}", "<comment_id>")
            .replace("{workshop}", "<int:workshop_id>")
            .replace("{agreement}", "<agreement_id>")
            .replace("download/agreements.json", "download/<name>")
            .replace("{token}", "<token>")
            .replace("{run}", "<int:run_id>"),
        )
        for method, path, _ in ROUTES
    }
    public = {("GET", "/console/login"), ("POST", "/console/login"), ("POST", "/console/logout")}
    assert rules - public == listed


@pytest.mark.parametrize("method,path,hr_only", ROUTES, ids=ROUTE_IDS)
def test_anonymous_is_sent_to_the_login_page(anonymous, urls, method, path, hr_only):
    response = anonymous.open(path.format(**urls), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


@pytest.mark.parametrize("method,path,hr_only", ROUTES, ids=ROUTE_IDS)
def test_facilitator_is_refused_hr_pages_and_reaches_the_rest(
    facilitator, urls, method, path, hr_only
):
    response = facilitator.open(path.format(**urls), method=method, data={"reason": "names"})
    if hr_only:
        assert response.status_code == 403
        page = response.get_data(as_text=True)
        assert "To może zrobić tylko dział kadr" in page and "fac@example.com" in page
        assert 'href="/console/"' in page  # a way back into the console
    else:
        assert response.status_code in (200, 302)


@pytest.mark.parametrize("method,path,hr_only", ROUTES, ids=ROUTE_IDS)
def test_hr_reaches_every_page(hr, urls, method, path, hr_only):
    response = hr.open(path.format(**urls), method=method, data={"reason": "names"})
    assert response.status_code in (200, 302, 400, 410)  # 410: no such batch of codes
    assert response.status_code != 403


def test_login_page_and_wrong_password_in_polish(anonymous, accounts):
    page = anonymous.get("/console/login", headers={"Accept-Language": "pl"})
    assert "Logowanie do konsoli" in page.get_data(as_text=True)
    wrong = anonymous.post(
        "/console/login",
        data={"email": "hr@example.com", "password": "wrong password"},
        headers={"Accept-Language": "pl"},
    )
    assert wrong.status_code == 400
    assert "Adres e-mail lub hasło są nieprawidłowe." in wrong.get_data(as_text=True)


def test_login_goes_back_to_the_asked_page_only_within_the_console(console_app, accounts):
    client = console_app.test_client()
    credentials = {"email": "HR@Example.com ", "password": PASSWORD}
    to_audit = client.post("/console/login?next=/console/audit", data=credentials)
    assert to_audit.headers["Location"] == "/console/audit"
    client.post("/console/logout")
    away = client.post("/console/login?next=https://evil.example/", data=credentials)
    assert away.headers["Location"] == "/console/"


def test_logout_ends_the_session(hr):
    assert hr.get("/console/").status_code == 200
    assert hr.post("/console/logout").headers["Location"] == "/console/login"
    assert hr.get("/console/").status_code == 302


def test_a_removed_account_is_logged_out(hr, db):
    remove_user(db, "hr@example.com")
    assert hr.get("/console/").status_code == 302


def test_login_is_recorded_in_the_audit_log(hr, db):
    assert [(e.user_email, e.action) for e in entries(db)] == [("hr@example.com", "login")]


def test_console_pages_are_not_cached(hr):
    assert hr.get("/console/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(console_app, accounts):
    client = console_app.test_client()
    response = client.post("/console/login", data={"email": "hr@example.com", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app(db_path, tmp_path, monkeypatch, accounts):
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    return create_app(
        {
            "DATABASE": str(db_path),
            "SECRET_KEY": "test-secret",
            "INVITE_KEY": "k",
            "WTF_CSRF_ENABLED": True,
        }
    )


def _csrf_token(client, path):
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_forms_without_a_csrf_token_are_refused(csrf_app, db, draft_round_id):
    client = csrf_app.test_client()
    credentials = {"email": "hr@example.com", "password": PASSWORD}
    refused = client.post("/console/login", data=credentials)
    assert refused.status_code == 400
    token = _csrf_token(client, "/console/login")
    assert (
        client.post("/console/login", data={**credentials, "csrf_token": token}).status_code == 302
    )
    # Logged in, a state change without the token still changes nothing.
    assert client.post(f"/console/rounds/{draft_round_id}/open").status_code == 400
    from survey.store.rounds import get_round

    assert get_round(db, draft_round_id).status == "draft"
    form_token = _csrf_token(client, f"/console/rounds/{draft_round_id}/edit")
    opened = client.post(f"/console/rounds/{draft_round_id}/open", data={"csrf_token": form_token})
    assert opened.status_code == 302
    assert get_round(db, draft_round_id).status == "open"


def test_login_is_throttled_per_address_with_a_friendly_page(anonymous, accounts):
    for attempt in range(5):
        response = anonymous.post(
            "/console/login", data={"email": f"nobody{attempt}@example.com", "password": "x" * 12}
        )
        assert response.status_code == 400
    blocked = anonymous.post(
        "/console/login",
        data={"email": "hr@example.com", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert blocked.status_code == 429
    assert "Wait a minute, then try again." in blocked.get_data(as_text=True)


def test_a_stranger_cannot_lock_hr_out_but_a_spread_out_brute_force_is_capped(anonymous, accounts):
    """Attack S3: five wrong passwords for hr@ from another address locked the real HR out."""
    from survey.console.auth import ACCOUNT_LIMIT

    stranger = {"REMOTE_ADDR": "10.0.0.66"}
    for _ in range(6):
        anonymous.post(
            "/console/login",
            data={"email": "hr@example.com", "password": "wrong" * 3},
            environ_base=stranger,
        )
    real_hr = anonymous.post(
        "/console/login",
        data={"email": "hr@example.com", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert real_hr.status_code == 302
    # Guessing from many addresses still meets the per-account limit.
    cap = int(ACCOUNT_LIMIT.split("/")[0])
    guesser = anonymous.application.test_client()
    statuses = [
        guesser.post(
            "/console/login",
            data={"email": "fac@example.com", "password": "wrong" * 3},
            environ_base={"REMOTE_ADDR": f"10.1.{attempt // 4}.{attempt % 4}"},
        ).status_code
        for attempt in range(cap + 1)
    ]
    assert statuses[:cap] == [400] * cap and statuses[cap] == 429


def test_successful_logins_do_not_count_towards_the_limit(console_app, accounts):
    client = console_app.test_client()
    for _ in range(7):
        response = client.post(
            "/console/login", data={"email": "hr@example.com", "password": PASSWORD}
        )
        assert response.status_code == 302
        client.post("/console/logout")


POSTS = [(path, hr_only) for method, path, hr_only in ROUTES if method == "POST"]


@pytest.mark.parametrize("path,hr_only", POSTS, ids=[path for path, _ in POSTS])
def test_every_console_form_refuses_a_post_without_its_csrf_token(
    csrf_app, db, urls, path, hr_only
):
    client = csrf_app.test_client()
    token = _csrf_token(client, "/console/login")
    client.post(
        "/console/login",
        data={"email": "hr@example.com", "password": PASSWORD, "csrf_token": token},
    )
    before = [list(db[table].rows) for table in ("rounds", "invites", "comments")]
    response = client.post(
        path.format(**urls), data={"reason": "names", "side": "a", "count": "3", **NEW_ROUND}
    )
    assert response.status_code == 400
    assert [list(db[table].rows) for table in ("rounds", "invites", "comments")] == before


def test_s5_a_session_cookie_saved_before_logout_no_longer_opens_the_console(console_app, hr):
    """S5: a cookie copied before logout still opened /console/audit."""
    saved = hr.get_cookie("session").value
    assert hr.get("/console/audit").status_code == 200
    assert hr.post("/console/logout").status_code == 302
    thief = console_app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/console/audit").status_code == 302  # to the login page


def test_c1_a_cookie_saved_before_remove_and_add_does_not_open_the_new_account(
    console_app, facilitator, db
):
    """C1: `user remove` + `user add` (the old password reset) restarted the session
    version at 0, so a facilitator's cookie saved before logout opened the account again,
    as HR when it was re-added as HR."""
    saved = facilitator.get_cookie("session").value
    assert facilitator.post("/console/logout").status_code == 302
    remove_user(db, "fac@example.com")
    add_user(db, "fac@example.com", "hr", PASSWORD)
    thief = console_app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/console/audit").status_code == 302  # to the login page
    assert thief.get("/console/").status_code == 302


def test_a_role_change_ends_the_accounts_sessions(console_app, facilitator, db):
    assert facilitator.get("/console/audit").status_code == 403
    db.execute("UPDATE users SET role = 'hr' WHERE email = 'fac@example.com'")
    db.conn.commit()
    assert facilitator.get("/console/audit").status_code == 302  # logged out, not HR


@pytest.mark.parametrize("round_id", ["999999999999999999999999", str(2**63), "0"])
def test_s11_a_huge_round_id_is_not_found_not_a_crash(hr, round_id):
    assert hr.get(f"/console/rounds/{round_id}").status_code == 404
