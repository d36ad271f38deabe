"""`survey init`: the database and the instance's secrets, created or brought up to date."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db as storage
from ..instance_config import add_missing_settings
from ..store.connection import zero_journal
from ..store.migrations import migrate
from .base import SurveyCommand

SECRETS = ("SECRET_KEY", "INVITE_KEY")


def ensure_secrets(instance_path: Path) -> dict[str, str]:
    """Add SECRET_KEY and INVITE_KEY to instance/config.toml when missing (never in the
    repository); the keys already there, and the rest of the file, stay as written.
    Returns the settings created."""
    created = {key: secrets.token_hex(32) for key in SECRETS}
    return add_missing_settings(instance_path / "config.toml", created)


def initialise() -> list[str]:
    """Create or migrate the database and the instance secrets (idempotent). The one place
    a database is created: every other command refuses a missing one. sqlite-utils runs
    each migration in a transaction of its own, not in write_transaction, so the journal
    they leave (old pages, dropped drafts) is zeroed here."""
    current_app.config.update(ensure_secrets(Path(current_app.instance_path)))
    db = storage.get_db()
    applied = migrate(db)
    zero_journal(db)
    return applied


@click.command("init", cls=SurveyCommand)
@with_appcontext
def init_command() -> None:
    """Create or migrate the database (safe to run again)."""
    applied = initialise()
    path = current_app.config["DATABASE"]
    if applied:
        click.echo(f"Database {path}: applied {', '.join(applied)}.")
    else:
        click.echo(f"Database {path} is up to date.")
