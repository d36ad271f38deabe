"""Shared fixtures: a throwaway app on a fresh database, its client and CLI runner."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from hypothesis import settings

from survey.app import create_app
from survey.cli import cli
from survey.store import accounts
from survey.store.connection import open_db
from survey.store.migrations import migrate
from survey.store.rounds import create_round, open_round

# CI replays the same generated inputs every run (main stays green on its own merits);
# a developer's run explores new ones each time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def cheap_password_hashes(request, monkeypatch):
    """One round of PBKDF2 instead of scrypt: a test that logs in 121 times need not
    spend 13 seconds hashing. A test marked real_password_hash keeps production's."""
    if "real_password_hash" not in request.keywords:
        monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "survey.db"
    db = open_db(path)
    migrate(db)
    db.conn.close()
    return path


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def make_app(db_path, tmp_path, monkeypatch):
    """An app on the test database; keyword arguments override the test configuration."""
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))

    def make(**overrides):
        config = {
            "TESTING": True,
            "DATABASE": str(db_path),
            "SECRET_KEY": "test-secret",
            "INVITE_KEY": "test-invite-key",
        }
        return create_app(config | overrides)

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_cli(db_path, tmp_path, monkeypatch):
    """Run the `survey` command line against the test database, as a user would."""
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", str(db_path), *args], input=input)

    return run


@pytest.fixture
def open_round_id(db):
    """An open round of the sales-production questionnaire."""
    round_id = create_round(db, "Test round", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    return round_id
