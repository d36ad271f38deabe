"""The production app plus one bare endpoint, for bench/load.py's yardstick.

`/_bench/insert` inserts one row with sqlite-utils in the same kind of write transaction
as a real submit, on the same database and server settings, and does nothing else.
`/_bench/committer` tells what this worker's group-commit writer did (bench/burst.py).
"""

from flask import Flask

from survey.app import create_app
from survey.db import get_db
from survey.extensions import csrf
from survey.store.connection import write_transaction


def create_bench_app() -> Flask:
    app = create_app()

    @app.post("/_bench/insert")
    @csrf.exempt
    def bare_insert():
        db = get_db()
        with write_transaction(db):
            db["bench_rows"].insert({"value": 1})
        return "ok"

    @app.get("/_bench/committer")
    def committer_stats():
        """This worker's group-commit writer: what it did (reset with ?reset=1)."""
        import dataclasses
        import os

        from flask import request

        from survey.store import committer

        writer = committer.for_database(app.config["DATABASE"])
        found = {"pid": os.getpid(), **dataclasses.asdict(writer.stats)}
        if request.args.get("reset"):
            writer.stats = committer.Stats()
        return found

    return app
