"""The `survey` command line (also reachable as `flask --app survey …`: pyproject.toml
lists the same commands under the "flask.commands" entry points, so the app never imports
this package).

Commands are thin: they call the same functions as the web pages and tests, and turn
domain errors into one clear line and a non-zero exit. One module per area; each builds
on base.py and none imports another, so this package's modules form no import circle.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import ScriptInfo

from ..app import create_app
from .base import SurveyGroup
from .documents import invites_command, report_command
from .mail import mail_group
from .rounds import export_command, import_command, questionnaire_group, round_group
from .server import backup_command, demo_command, serve_command
from .setup import init_command, initialise
from .users import user_group

__all__ = ["cli", "initialise", "main"]


@click.group(cls=SurveyGroup)
@click.version_option(package_name="lustro", prog_name="survey")
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="SURVEY_DB",
    help="Database file (default instance/survey.db; env SURVEY_DB).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Lustro: anonymous perception surveys and gap reports for two departments."""
    config = {"DATABASE": str(Path(db).resolve())} if db else None
    ctx.obj = ScriptInfo(create_app=lambda: create_app(config))


def main() -> None:
    cli(prog_name="survey")


COMMANDS = [
    user_group,
    init_command,
    questionnaire_group,
    round_group,
    import_command,
    export_command,
    invites_command,
    mail_group,
    report_command,
    demo_command,
    serve_command,
    backup_command,
]


for _command in COMMANDS:
    cli.add_command(_command)
