"""Attack L1 (issue 20): 125 wrong passwords from 25 addresses filled the account's cap and
HR's right password got 429, though the README promised a stranger cannot lock HR out.
Now a browser where the account logged in before carries a signed known-device cookie
that skips the account's cap (its address limits stay); strangers are still capped."""

from __future__ import annotations

import pytest

from survey.console.auth import ACCOUNT_LIMIT, ADDRESS_LIMIT, DEVICE_LIMIT
from survey.console.login import DEVICE_COOKIE, DEVICE_PATH
from survey.store.accounts import set_password

from .conftest import PASSWORD

HR_PC = {"REMOTE_ADDR": "10.0.0.99"}
WRONG = "wrong" * 3


def _login(client, email="hr@example.com", password=PASSWORD, environ=HR_PC):
    return client.post(
        "/console/login",
        data={"email": email, "password": password},
        environ_base=environ,
        headers={"Accept-Language": "en"},
    )


def _hr_pc(app):
    """HR's own browser: it logged in (and out) once, as on any working day."""
    client = app.test_client()
    assert _login(client).status_code == 302
    assert client.get_cookie(DEVICE_COOKIE, path=DEVICE_PATH) is not None
    assert client.post("/console/logout").status_code == 302
    return client


def _stranger_fills_the_cap(app, email="hr@example.com", addresses=25) -> list[int]:
    """The attack: five wrong passwords from each of 25 addresses, no cookies."""
    stranger = app.test_client()
    return [
        _login(stranger, email, WRONG, {"REMOTE_ADDR": f"198.51.100.{address}"}).status_code
        for address in range(addresses)
        for _ in range(5)
    ]


def test_l1_a_stranger_with_25_addresses_cannot_lock_hr_out_of_a_known_device(
    console_app, accounts
):
    hr_pc = _hr_pc(console_app)
    statuses = _stranger_fills_the_cap(console_app)
    cap = int(ACCOUNT_LIMIT.split("/")[0])
    assert statuses.count(400) == cap and statuses[cap:] == [429] * (len(statuses) - cap)
    back_in = _login(hr_pc)
    assert back_in.status_code == 302 and back_in.headers["Location"] == "/console/"
    assert hr_pc.get("/console/audit").status_code == 200


def test_strangers_stay_capped_and_a_new_device_waits(console_app, accounts):
    _hr_pc(console_app)
    _stranger_fills_the_cap(console_app)
    new_device = console_app.test_client()
    refused = _login(new_device, environ={"REMOTE_ADDR": "10.0.0.100"})
    assert refused.status_code == 429
    assert "Wait a minute, then try again." in refused.get_data(as_text=True)
    assert new_device.get_cookie(DEVICE_COOKIE, path=DEVICE_PATH) is None


def test_a_known_device_is_still_limited_per_address(console_app, accounts):
    hr_pc = _hr_pc(console_app)
    per_minute = int(ADDRESS_LIMIT.split("/")[0])
    statuses = [_login(hr_pc, password=WRONG).status_code for _ in range(per_minute + 1)]
    assert statuses == [400] * per_minute + [429]


def test_the_known_device_cookie_vouches_for_its_own_account_only(console_app, accounts):
    hr_pc = _hr_pc(console_app)
    _stranger_fills_the_cap(console_app, email="fac@example.com")
    assert _login(hr_pc, email="fac@example.com").status_code == 429
    assert _login(hr_pc).status_code == 302


def test_a_forged_device_cookie_or_one_from_before_a_reset_skips_nothing(console_app, accounts, db):
    hr_pc = _hr_pc(console_app)
    saved = hr_pc.get_cookie(DEVICE_COOKIE, path=DEVICE_PATH).value
    _stranger_fills_the_cap(console_app)
    forged = console_app.test_client()
    body, signature = saved.rsplit(".", 1)  # change the signature's first character (the
    tampered = f"{body}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"  # last is padding)
    forged.set_cookie(DEVICE_COOKIE, tampered, path=DEVICE_PATH)
    assert _login(forged).status_code == 429
    set_password(db, "hr@example.com", "a brand new password")  # forgets known devices
    copied = console_app.test_client()
    copied.set_cookie(DEVICE_COOKIE, saved, path=DEVICE_PATH)
    assert _login(copied, password="a brand new password").status_code == 429


def test_a_device_cookie_older_than_its_days_skips_nothing(console_app, accounts, monkeypatch):
    import time
    from types import SimpleNamespace

    import itsdangerous.timed

    from survey.console.login import DEVICE_DAYS

    hr_pc = _hr_pc(console_app)
    _stranger_fills_the_cap(console_app)
    later = time.time() + (DEVICE_DAYS + 1) * 86400  # only the cookie's clock moves on
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))
    assert _login(hr_pc).status_code == 429


def test_a_copied_device_cookie_guessing_from_many_addresses_meets_its_own_cap(
    console_app, accounts
):
    saved = _hr_pc(console_app).get_cookie(DEVICE_COOKIE, path=DEVICE_PATH).value
    thief = console_app.test_client()
    thief.set_cookie(DEVICE_COOKIE, saved, path=DEVICE_PATH)
    cap = int(DEVICE_LIMIT.split("/")[0])
    statuses = [
        _login(thief, password=WRONG, environ={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code
        for n in range(cap + 1)
    ]
    assert statuses == [400] * cap + [429]


def test_the_device_cookie_is_signed_http_only_and_sent_to_the_console_only(console_app, accounts):
    client = console_app.test_client()
    response = _login(client)
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE)]
    assert "HttpOnly" in header and "Path=/console/" in header and "SameSite=Lax" in header
    assert "hr@example.com" not in header and "hr%40example.com" not in header


@pytest.mark.parametrize("where", ["kiosk start", "login on a kiosk"])
def test_a_kiosk_is_never_a_known_device(console_app, accounts, open_round_id, where):
    client = console_app.test_client()
    assert _login(client).status_code == 302
    assert client.post(f"/console/rounds/{open_round_id}/kiosk").status_code == 302
    assert client.get_cookie(DEVICE_COOKIE, path=DEVICE_PATH) is None
    if where == "login on a kiosk":  # HR signs in on the kiosk to end kiosk mode
        assert _login(client).status_code == 302
        assert client.get_cookie(DEVICE_COOKIE, path=DEVICE_PATH) is None
