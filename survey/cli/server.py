"""`survey demo`, `survey serve` and `survey backup`: running the app and keeping its data."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db as storage
from ..store.connection import backup, check_intact
from ..store.languages import STAFF_LANGUAGES
from .base import SurveyCommand, current_db, require_database
from .setup import initialise


@click.command("demo", cls=SurveyCommand)
@click.option("--no-serve", is_flag=True, help="Set up the demo data and stop.")
@click.option(
    "--respondents",
    type=click.IntRange(min=1, max=5000),
    default=26,
    show_default=True,
    help="Simulated respondents per side in each demo round.",
)
@click.option("--no-report", is_flag=True, help="Skip writing the demo gap reports (PDF).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", type=int, default=5000, show_default=True, help="Port to serve on.")
@with_appcontext
def demo_command(no_serve: bool, respondents: int, no_report: bool, host: str, port: int) -> None:
    """Create demo rounds with realistic responses, write their gap report, serve the app."""
    from ..demo import (
        SIDE_LABELS,
        TRY_LINKS,
        create_demo,
        create_demo_accounts,
        demo_database,
        try_round,
    )
    from ..store.invites import generate

    # Demo data and its published passwords never go into the database real rounds use.
    current_app.config["DATABASE"] = str(demo_database(current_app.config["DATABASE"]))
    storage.close_db()
    click.echo(f"Demo database: {current_app.config['DATABASE']}")
    initialise()
    ids = create_demo(current_db(), respondents=respondents)
    click.echo(f"Demo rounds: {', '.join(map(str, ids))} (see `survey round list`).")
    if not no_report:
        from reports.pdf import write_pdf

        latest, earlier = ids[-1], ids[-2]
        for lang in STAFF_LANGUAGES:
            path = Path(current_app.instance_path) / f"demo-report-{lang}.pdf"
            click.echo(f"Writing the gap report of round {latest} ({lang}) …", nl=False)
            write_pdf(current_db(), latest, path, lang=lang, compare_with=earlier)
            click.echo(f" {path}")
    click.echo(f"Console: open http://{host}:{port}/console/login and log in as")
    for email, role, password in create_demo_accounts(current_db()):
        click.echo(f"  {role:<12} {email}  password: {password}")
    trial = try_round(current_db())
    click.echo("Try the survey yourself (each code works once; new ones every run):")
    for side, label in SIDE_LABELS.items():
        for code in generate(
            current_db(), trial, side, TRY_LINKS, current_app.config["INVITE_KEY"]
        ):
            click.echo(f"  as {label:<10} http://{host}:{port}/r/{code}")
    if not no_serve:
        _serve(host, port)


@click.command("serve", cls=SurveyCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", type=int, default=5000, show_default=True, help="Port to serve on.")
@click.option("--prod", is_flag=True, help="Serve with gunicorn (several workers) for real rounds.")
@click.option("--workers", type=click.IntRange(min=1), help="gunicorn workers (default cores + 1).")
@with_appcontext
def serve_command(host: str, port: int, prod: bool, workers: int | None) -> None:
    """Serve the app; no access log records respondents, addresses or times."""
    require_database()
    check_intact(current_app.config["DATABASE"])  # a damaged file is refused before serving
    if prod:
        from ..demo import has_demo_accounts

        if has_demo_accounts(current_db()):
            raise click.ClickException(
                "This database holds the demo accounts, whose passwords are published: "
                "serve real rounds from their own database (not demo.db), or remove "
                "the demo accounts with `survey user remove`."
            )
        import os

        from ..serving import production_command

        command = production_command(current_app.config["DATABASE"], host, port, workers)
        click.echo(f"Lustro (gunicorn) on http://{host}:{port}/")
        os.execv(command[0], command)
    _serve(host, port)


@click.command("backup", cls=SurveyCommand)
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file: str) -> None:
    """Copy the live database to FILE with SQLite's online backup (safe while serving)."""
    pages = backup(current_db(), file)
    click.echo(f"Backed up {current_app.config['DATABASE']} to {file} ({pages} pages).")


def _serve(host: str, port: int) -> None:
    from ..serving import serve

    # current_app is a LocalProxy, which Flask types as the Flask it stands for.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Lustro is running: open http://{host}:{port}/  (Ctrl+C stops it)")
    serve(app, host, port)
