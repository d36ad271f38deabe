"""`survey questionnaire`, `survey round`, `survey import` and `survey export`: a round's
life from the command line, over the same functions as the console."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..store import questionnaire as qn
from ..store.audit import record
from ..store.errors import SurveyError
from ..store.languages import DEFAULT_LANGUAGE, LANGUAGES
from ..store.responses import count_by_side
from ..store.rounds import (
    DEFAULT_TEAM_SIZE,
    MAX_TEAM_SIZE,
    close_round,
    create_round,
    get_round,
    list_rounds,
    open_round,
    update_round,
)
from ..store.sides import SIDES
from ..store.transfer import export_text, hidden_sides, import_csv
from .base import SurveyCommand, SurveyGroup, current_db


@click.group("questionnaire", cls=SurveyGroup)
def questionnaire_group() -> None:
    """List, check and describe questionnaire files."""


@questionnaire_group.command("list")
def questionnaire_list() -> None:
    """List the questionnaires in questionnaires/."""
    for questionnaire in qn.available():
        items = sum(len(d.items) for d in questionnaire.dimensions)
        click.echo(
            f"{questionnaire.id}\tv{questionnaire.version}\t{len(questionnaire.dimensions)} "
            f"dimensions, {items} items\t{questionnaire.title.get('en', '')}"
        )


@questionnaire_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def questionnaire_check(files: tuple[str, ...]) -> None:
    """Validate questionnaire FILES; print every problem with its file and field."""
    failed = 0
    for path in files:
        try:
            questionnaire = qn.load_file(path)
        except SurveyError as exc:
            failed += 1
            click.echo(str(exc), err=True)
            continue
        items = sum(len(d.items) for d in questionnaire.dimensions)
        click.echo(
            f"OK {path}: {questionnaire.id} v{questionnaire.version}, "
            f"{len(questionnaire.dimensions)} dimensions, {items} items, "
            f"{len(questionnaire.open_questions)} open questions"
        )
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} file(s) have problems.")


@questionnaire_group.command("columns")
@click.argument("questionnaire_id")
def questionnaire_columns(questionnaire_id: str) -> None:
    """Print the CSV header for `survey import` (one line)."""
    click.echo(",".join(qn.csv_columns(qn.load(questionnaire_id))))


# --- rounds --------------------------------------------------------------------


@click.group("round", cls=SurveyGroup)
def round_group() -> None:
    """Create, list, open and close survey rounds."""


@round_group.command("create")
@click.argument("name")
@click.option("--questionnaire", "questionnaire_id", required=True, help="Questionnaire id.")
@click.option("--side-a", required=True, help="Label of side A, e.g. Sprzedaż.")
@click.option("--side-b", required=True, help="Label of side B, e.g. Produkcja.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The round's main language.",
)
@click.option("--headcount-a", type=click.IntRange(min=1), help="People on side A.")
@click.option("--headcount-b", type=click.IntRange(min=1), help="People on side B.")
@click.option(
    "--threshold",
    type=int,
    default=5,
    show_default=True,
    help="Smallest group whose figures are shown (3 or more).",
)
@click.option(
    "--comment-threshold",
    type=int,
    default=10,
    show_default=True,
    help="Smallest side whose comments are shown (not below --threshold).",
)
@click.option("--closes-on", help="Planned closing date, YYYY-MM-DD.")
@click.option(
    "--team-size",
    type=click.IntRange(min=1, max=MAX_TEAM_SIZE),
    default=DEFAULT_TEAM_SIZE,
    show_default=True,
    help="People here work in teams of about this many (1: alone). The report widens its "
    "standard errors for teams that answer alike; no team is ever recorded.",
)
@with_appcontext
def round_create(
    name,
    questionnaire_id,
    side_a,
    side_b,
    lang,
    headcount_a,
    headcount_b,
    threshold,
    comment_threshold,
    closes_on,
    team_size,
) -> None:
    """Create a draft round NAME; print its id alone."""
    round_id = create_round(
        current_db(),
        name,
        questionnaire_id,
        side_a,
        side_b,
        lang=lang,
        headcount_a=headcount_a,
        headcount_b=headcount_b,
        threshold=threshold,
        comment_threshold=comment_threshold,
        closes_on=closes_on,
        team_size=team_size,
    )
    click.echo(round_id)


@round_group.command("edit")
@click.argument("round_id", metavar="ROUND")
@click.option(
    "--team-size",
    type=click.IntRange(min=1, max=MAX_TEAM_SIZE),
    required=True,
    help="People here work in teams of about this many (1: alone); until the round closes.",
)
@with_appcontext
def round_edit(round_id: str, team_size: int) -> None:
    """Change a draft or open ROUND's team size (the report's allowance for teams)."""
    before = get_round(current_db(), round_id)
    round_ = update_round(current_db(), before.id, team_size=team_size)
    if before.team_size != team_size:
        detail = f"team_size: {before.team_size} → {team_size}"
        record(current_db(), None, "round.edit", round_.id, detail)
    click.echo(f"Round {round_.id}: people work in teams of about {round_.team_size}.")


@round_group.command("list")
@with_appcontext
def round_list() -> None:
    """List rounds with their status (respondent counts only once a round is closed)."""
    rounds = list_rounds(current_db())
    if not rounds:
        click.echo("No rounds yet. Create one with `survey round create`.")
    for round_ in rounds:
        line = (
            f"{round_.id}\t{round_.status}\t{round_.name}\t{round_.questionnaire_id}"
            f"\t{round_.side_a} / {round_.side_b}"
        )
        if round_.status == "closed":
            counts = count_by_side(current_db(), round_.id)
            shown = [
                str(counts[s]) if counts[s] >= round_.threshold else f"<{round_.threshold}"
                for s in SIDES
            ]
            line += f"\tresponses {shown[0]} / {shown[1]}"
        click.echo(line)


@round_group.command("open")
@click.argument("round_id", metavar="ROUND")
@with_appcontext
def round_open(round_id: str) -> None:
    """Open ROUND for responses (freezes its questionnaire)."""
    round_ = open_round(current_db(), get_round(current_db(), round_id).id)
    click.echo(f"Round {round_.id} is open.")


@round_group.command("close")
@click.argument("round_id", metavar="ROUND")
@with_appcontext
def round_close(round_id: str) -> None:
    """Close ROUND. Closing is final: it never accepts responses again."""
    round_ = close_round(current_db(), get_round(current_db(), round_id).id)
    click.echo(f"Round {round_.id} is closed.")


# --- import / export -----------------------------------------------------------


@click.command("import", cls=SurveyCommand)
@click.argument("round_id", metavar="ROUND")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(round_id: str, file: str) -> None:
    """Add responses from FILE.csv to an open ROUND (all or nothing)."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text; nothing was imported.") from exc
    round_ = get_round(current_db(), round_id)
    count = import_csv(current_db(), round_.id, text)
    record(current_db(), None, "responses.import", round_.id, num=count, file=Path(file).name)
    click.echo(f"Imported {count} responses into round {round_.id}.")


@click.command("export", cls=SurveyCommand)
@click.argument("round_id", metavar="ROUND")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@with_appcontext
def export_command(round_id: str, fmt: str, output: str | None) -> None:
    """Export a closed ROUND's responses in random order (the import's CSV shape)."""
    round_ = get_round(current_db(), round_id)
    text = export_text(current_db(), round_.id, fmt)
    for side in hidden_sides(current_db(), round_.id):
        click.echo(
            f"Side {side} ({round_.label(side)}) has fewer than {round_.threshold} "
            "responses and is left out.",
            err=True,
        )
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.", err=True)
    else:
        sys.stdout.write(text)
