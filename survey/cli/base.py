"""What every `survey` command builds on: domain errors become one clear line and a
non-zero exit, not a traceback; and the database of the current app."""

from __future__ import annotations

import click
from sqlite_utils import Database

from .. import db as storage
from ..store.errors import SurveyError


class SurveyCommand(click.Command):
    """A command whose domain errors become `Error: …` and exit code 1, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SurveyError as exc:
            raise click.ClickException(str(exc)) from exc


class SurveyGroup(click.Group):
    command_class = SurveyCommand
    group_class = type  # subgroups are SurveyGroups too


def current_db() -> Database:
    """The database of the app the command runs in (`--db` or SURVEY_DB)."""
    return storage.get_db()
