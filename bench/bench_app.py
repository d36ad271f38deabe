"""The production app plus one bare endpoint, for bench/load.py's yardstick.

`/_bench/insert` inserts one row with sqlite-utils in the same kind of write transaction
as a real submit, on the same database and server settings, and does nothing else.
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

    return app
