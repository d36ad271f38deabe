"""`survey report` and `survey invites`: the documents people print or mail."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store.audit import record
from ..store.languages import DEFAULT_LANGUAGE, STAFF_LANGUAGES
from ..store.rounds import get_round
from ..store.sides import SIDES
from .base import SurveyCommand, current_db, public_url_for_links, require_database


def render_json_report(round_id: int, compare_with: int | None, lang: str) -> bytes:
    from reports.analysis import analyse

    report = analyse(current_db(), round_id, compare_with=compare_with)
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_pdf_report(round_id: int, compare_with: int | None, lang: str) -> bytes:
    from reports.pdf import render_pdf

    return render_pdf(current_db(), round_id, lang=lang, compare_with=compare_with)


# format -> function(round id, round id to compare with or None, language) giving the bytes.
REPORT_RENDERERS = {"json": render_json_report, "pdf": render_pdf_report}


def write_report(
    round_id: int, fmt: str, output: str | None, compare_with: int | None, lang: str
) -> None:
    """Render the report in `fmt`; write it to `output`, or to stdout without one."""
    if fmt == "pdf" and not output:
        raise click.ClickException("A PDF needs a file: add -o FILE.pdf.")
    data = REPORT_RENDERERS[fmt](round_id, compare_with, lang)
    if output:
        Path(output).write_bytes(data)
        click.echo(f"Wrote {output}.", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@click.command("report", cls=SurveyCommand)
@click.argument("round_id", metavar="ROUND")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REPORT_RENDERERS)),
    help="Output format (default: pdf when -o ends in .pdf, else json).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option(
    "--lang",
    type=click.Choice(STAFF_LANGUAGES),
    help="Language of the PDF (default: the round's language, else Polish).",
)
@click.option(
    "--compare", "compare_with", metavar="ROUND2", help="Compare with an earlier closed round."
)
@with_appcontext
def report_command(
    round_id: str, fmt: str | None, output: str | None, lang: str | None, compare_with: str | None
) -> None:
    """The gap report of a closed ROUND: a PDF for the workshop, or the analysis as JSON."""
    round_ = get_round(current_db(), round_id)
    earlier = get_round(current_db(), compare_with).id if compare_with is not None else None
    if fmt is None:
        fmt = "pdf" if output and output.lower().endswith(".pdf") else "json"
    default = round_.lang if round_.lang in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    write_report(round_.id, fmt, output, earlier, lang or default)


def _print_progress(total: int):
    """Report drawing progress on stderr about every tenth of the way (a page at a time)."""
    step = max(total // 10, 1)
    shown = [0]

    def report(done: int, total: int) -> None:
        if done - shown[0] >= step or done == total:
            shown[0] = done
            click.echo(f"Slips drawn: {done} of {total}", err=True)

    return report


@click.command("invites", cls=SurveyCommand)
@click.argument("round_id", metavar="ROUND")
@click.option("--side", type=click.Choice(SIDES), required=True, help="The side the codes are for.")
@click.option(
    "--count", type=click.IntRange(min=1), required=True, help="How many new codes to create."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write FILE.csv (mail merge) or FILE.pdf (printable slips) instead of printing codes.",
)
@with_appcontext
def invites_command(round_id: str, side: str, count: int, output: str | None) -> None:
    """Create single-use invite codes for one side of a round (shown only this once)."""
    from ..documents import slips
    from ..store import invites

    if output and Path(output).suffix.lower() not in (".csv", ".pdf"):
        raise click.BadParameter("the file name must end in .csv or .pdf", param_hint="-o")
    require_database()  # before the key: without a database, init has not run at all
    if not current_app.config["INVITE_KEY"]:
        raise click.ClickException("INVITE_KEY is not set: run `survey init` first.")
    round_ = get_round(current_db(), round_id)
    if round_.status == "closed":
        raise click.ClickException(f"Round {round_.id} is closed; it takes no more responses.")
    base_url = public_url_for_links("the links on slips and in the CSV") if output else ""
    codes = invites.generate(current_db(), round_.id, side, count, current_app.config["INVITE_KEY"])
    record(
        current_db(),
        None,
        "invites.generate",
        round_.id,
        num=count,
        side=side,
        label=round_.label(side),
        via="cli",
    )
    if not output:
        click.echo("\n".join(codes))
    elif output.lower().endswith(".pdf"):
        texts = slips.slip_texts(round_, base_url, side)
        with Path(output).open("wb") as target:
            slips.write_slips_pdf(texts, codes, base_url, target, _print_progress(count))
        click.echo(f"{count} codes for {round_.label(side)}: slips written to {output}.")
    else:
        Path(output).write_text(slips.codes_csv(round_, codes, base_url, side), encoding="utf-8")
        click.echo(f"{count} codes for {round_.label(side)}: written to {output}.")
