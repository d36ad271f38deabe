"""Serving without an access log that could tie a respondent to an address or a moment."""

from __future__ import annotations

import logging

from flask import Flask
from gunicorn import glogging
from werkzeug.serving import WSGIRequestHandler, run_simple

from .documents import batches
from .error_pages import area

log = logging.getLogger("lustro.http")


class AnonymousRequestHandler(WSGIRequestHandler):
    """Logs method, path and status for the console only: no address, no time, and
    nothing at all for respondent pages (their paths can carry an invite code)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # A request line too long to parse (414) leaves no path or command behind.
        path = (getattr(self, "path", None) or "").split("?", 1)[0]
        if area(path) == "console" or path.startswith("/static"):
            log.info("%s %s %s", getattr(self, "command", "-"), path, code)

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002 (werkzeug's name)
        if type == "error":
            log.error(message, *args)


class PrivateLogger(glogging.Logger):
    """gunicorn's error log without the client's address or the request's path (a
    respondent path can carry an invite code): what went wrong, never who or where."""

    def warning(self, msg, *args, **kwargs) -> None:
        if str(msg).startswith("Invalid request from"):
            msg, args = "Invalid request refused", ()
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs) -> None:
        if str(msg).startswith("Error handling request"):
            msg, args = "Error handling a request", ()
        super().exception(msg, *args, **kwargs)


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000) -> None:
    """The development server (`survey serve`, `survey demo`), sweeping expired code
    batches from its start until it stops."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with batches.Sweeper(batches.folder_for(app.instance_path)):
        run_simple(host, port, app, threaded=True, request_handler=AnonymousRequestHandler)


# A worker's threads share its GIL, and its group-commit writer stores at most as many
# Sends in one commit as it has threads waiting; the writers of all processes take turns
# on the write lock. So fewer, larger workers: on 2 cores, a burst of 1,500 Sends within
# 5 s had a p99 of 2.8 s with 3 workers x 8 threads against 4.6 s with 5 x 4, and 16
# threads beat 8 in each of four interleaved rounds (issue 23, bench/burst.py).
THREADS = 16


def default_workers() -> int:
    """gunicorn workers when none are asked for: one per core, and one more."""
    import os

    return (os.cpu_count() or 1) + 1


def production_command(
    database: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    app_spec: str = "survey:create_app()",
    threads: int = THREADS,
) -> list[str]:
    """The gunicorn command line for production: workers sized for the machine and
    sharing the imported app, no access log (it would record addresses and times),
    errors to stderr."""
    import os
    import sys

    workers = workers or default_workers()
    return [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--no-control-socket",
        # The app is imported once, before the workers fork: they share its memory instead
        # of each importing it again. Database connections are opened in each worker, on
        # first use, never before the fork.
        "--preload",
        # Templates and translations made ready, and objects frozen, before the fork:
        # survey/prefork.py.
        "--config", "python:survey.prefork",
        "--error-logfile", "-",
        "--logger-class", "survey.serving.PrivateLogger",
        "--graceful-timeout", "10",
        # Idle browsers keep their connection; a short keep-alive makes the server close
        # it just as a slow client sends its next request.
        "--keep-alive", "30",
        "--env", f"SURVEY_DB={database}",
        app_spec,
    ]  # fmt: skip
