"""`survey user add/password/list/remove` and the demo accounts."""

from __future__ import annotations

import pytest

from survey.demo import DEMO_ACCOUNTS, create_demo_accounts
from survey.store.accounts import authenticate, list_users

from .conftest import PASSWORD


@pytest.mark.real_password_hash
def test_add_prompts_twice_then_the_account_can_log_in_with_a_scrypt_hash(run_cli, db):
    result = run_cli(
        "user", "add", "Anna@Firma.pl", "--role", "hr", input="long enough pw\nlong enough pw\n"
    )
    assert result.exit_code == 0, result.output
    assert "Account anna@firma.pl (hr) created." in result.output
    assert authenticate(db, "anna@firma.pl", "long enough pw").role == "hr"
    assert authenticate(db, "anna@firma.pl", "wrong password") is None
    stored = db["users"].get("anna@firma.pl")["password_hash"]
    assert "long enough pw" not in stored and stored.startswith("scrypt:")


def test_add_reads_the_password_from_stdin(run_cli, db):
    result = run_cli(
        "user",
        "add",
        "f@firma.pl",
        "--role",
        "facilitator",
        "--password-stdin",
        input="from a pipe 123\n",
    )
    assert result.exit_code == 0, result.output
    assert authenticate(db, "f@firma.pl", "from a pipe 123").role == "facilitator"


def test_short_passwords_duplicates_and_bad_emails_are_refused(run_cli, db):
    short = run_cli("user", "add", "a@b.pl", "--role", "hr", "--password-stdin", input="short\n")
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    run_cli("user", "add", "a@b.pl", "--role", "hr", "--password-stdin", input="x" * 12)
    again = run_cli("user", "add", "A@b.pl", "--role", "hr", "--password-stdin", input="y" * 12)
    assert again.exit_code == 1 and "already exists" in again.output
    bad = run_cli("user", "add", "not-an-email", "--role", "hr", "--password-stdin", input="z" * 12)
    assert bad.exit_code == 1 and "is not an email address" in bad.output
    role = run_cli("user", "add", "c@b.pl", "--role", "boss", "--password-stdin", input="z" * 12)
    assert role.exit_code == 2
    assert [u.email for u in list_users(db)] == ["a@b.pl"]


def test_list_and_remove(run_cli):
    assert "No accounts yet" in run_cli("user", "list").output
    run_cli("user", "add", "a@b.pl", "--role", "facilitator", "--password-stdin", input="x" * 12)
    assert run_cli("user", "list").output.startswith("a@b.pl\tfacilitator\t")
    assert run_cli("user", "remove", "a@b.pl").exit_code == 0
    missing = run_cli("user", "remove", "a@b.pl")
    assert missing.exit_code == 1
    assert missing.output.strip() == "Error: There is no account a@b.pl."


def test_password_prompts_twice_changes_the_password_and_ends_the_sessions(run_cli, db, hr):
    assert hr.get("/console/audit").status_code == 200
    result = run_cli("user", "password", "HR@example.com", input="new password\nnew password\n")
    assert result.exit_code == 0, result.output
    assert "Password of hr@example.com changed; its console sessions have ended." in result.output
    assert authenticate(db, "hr@example.com", PASSWORD) is None
    assert authenticate(db, "hr@example.com", "new password").role == "hr"
    assert hr.get("/console/audit").status_code == 302  # to the login page


def test_password_reads_stdin_and_refuses_a_short_one_or_a_missing_account(run_cli, db):
    run_cli("user", "add", "a@b.pl", "--role", "hr", "--password-stdin", input="old password\n")
    short = run_cli("user", "password", "a@b.pl", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    missing = run_cli("user", "password", "x@b.pl", "--password-stdin", input="z" * 12)
    assert missing.output.strip() == "Error: There is no account x@b.pl."
    piped = run_cli("user", "password", "a@b.pl", "--password-stdin", input="from a pipe 1\n")
    assert piped.exit_code == 0, piped.output
    assert authenticate(db, "a@b.pl", "old password") is None
    assert authenticate(db, "a@b.pl", "from a pipe 1").role == "hr"


def test_demo_accounts_are_created_once_and_can_log_in(db):
    assert create_demo_accounts(db) == create_demo_accounts(db) == list(DEMO_ACCOUNTS)
    for email, role, password in DEMO_ACCOUNTS:
        assert authenticate(db, email, password).role == role


def test_demo_command_prints_where_to_log_in(run_cli):
    result = run_cli("demo", "--no-serve", "--no-report", "--respondents", "6")
    assert result.exit_code == 0, result.output
    assert "open http://127.0.0.1:5000/console/login" in result.output
    assert "hr@lustro.demo  password: lustro-demo-hr" in result.output
