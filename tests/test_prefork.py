"""The production server's master makes the respondent pages ready before it forks its
workers (so they share them), and never opens the database there."""

from __future__ import annotations

import gc

from survey import prefork
from survey.serving import production_command


def test_the_production_command_line_loads_the_prefork_hooks():
    command = production_command("x.db")
    assert command[command.index("--config") + 1] == "python:survey.prefork"
    assert "--preload" in command


def test_the_production_server_runs_a_worker_per_core_and_one_more_of_16_threads(monkeypatch):
    """Fewer, larger workers than gunicorn's usual 2 x cores + 1: a worker's group commit
    holds at most as many Sends as it has threads (issue 23)."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    command = production_command("x.db")
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--threads") + 1] == "16"
    assert production_command("x.db", workers=5)[command.index("--workers") + 1] == "5"


def test_warming_compiles_the_respondent_pages_without_opening_the_database(make_app, tmp_path):
    database = tmp_path / "never-opened.db"
    app = make_app(DATABASE=str(database))
    assert prefork.warm(app) >= 10
    loaded = {template.name for template in app.jinja_env.cache.values()}
    assert {"respond/questions.html", "respond/review.html", "index.html"} <= loaded
    assert not database.exists()


def test_when_ready_moves_the_masters_objects_out_of_the_collectors_reach(make_app):
    app = make_app()

    class Server:
        class app:  # noqa: N801 (gunicorn's attribute)
            @staticmethod
            def wsgi():
                return app

    assert gc.get_freeze_count() == 0
    try:
        prefork.when_ready(Server())
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
