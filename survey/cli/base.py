"""What every `survey` command builds on: the files it writes are private, domain errors
become one clear line and a non-zero exit, not a traceback; and the database of the
current app, which only `survey init` creates."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from sqlite_utils import Database

from .. import db as storage
from ..public_address import EXAMPLE
from ..store.errors import SurveyError


class SurveyCommand(click.Command):
    """A command whose files (PDF, CSV, export, backup) only their owner can read, and
    whose domain errors become `Error: …` and exit code 1, not a traceback."""

    def invoke(self, ctx: click.Context):
        # Here, not in the `survey` group: `flask --app survey …` runs the commands alone.
        os.umask(0o077)
        try:
            return super().invoke(ctx)
        except SurveyError as exc:
            raise click.ClickException(str(exc)) from exc


class SurveyGroup(click.Group):
    command_class = SurveyCommand
    group_class = type  # subgroups are SurveyGroups too


def require_database() -> None:
    """Refuse to go on without a database: opening one creates the file, and a command
    run before `survey init` would leave an empty database (and fail on its tables)."""
    path = Path(current_app.config["DATABASE"])
    if not path.is_file() or path.stat().st_size == 0:
        raise click.ClickException(f"There is no database at {path}: run survey init first.")


def current_db() -> Database:
    """The database of the app the command runs in (`--db` or SURVEY_DB)."""
    require_database()
    return storage.get_db()


def public_url_for_links(what: str = "the links") -> str:
    """PUBLIC_URL for links a command hands out (slips, the codes CSV, mails). A command is
    served at no address, so without PUBLIC_URL any link would be a guess: refuse, before
    any code is made."""
    base_url = current_app.config["PUBLIC_URL"]
    if not base_url:
        raise click.ClickException(
            f"PUBLIC_URL is not set, so {what} would lead nowhere: "
            f'add PUBLIC_URL = "{EXAMPLE}" (the address people open Lustro at) to '
            "instance/config.toml, or set SURVEY_PUBLIC_URL. No codes were made."
        )
    return str(base_url).rstrip("/")
