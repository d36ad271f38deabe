"""The web layer's database connection: one per thread, kept between requests, and never
left inside a transaction at the end of one (the plumbing itself is in store/connection.py).
"""

from __future__ import annotations

import threading

from flask import Flask, current_app, g
from sqlite_utils import Database

from .store.connection import open_db

# Each thread keeps its connection between requests: opening one costs its pragmas, every
# request.
_thread = threading.local()
THREAD_CACHE_KB = 256


def get_db() -> Database:
    """The request's (or CLI command's) connection: the thread's own, opened on first use
    and kept open for its next requests on the same database."""
    if "db" not in g:
        g.db = _thread_connection(current_app.config["DATABASE"])
    return g.db


def _thread_connection(path: str) -> Database:
    held = getattr(_thread, "held", None)
    if held is not None and held[0] == path:
        return held[1]
    if held is not None:  # another database (tests make an app per database)
        held[1].conn.close()
    db = open_db(path)
    # A kept connection keeps its page cache: 20 server threads at SQLite's default 2 MB
    # would hold 40 MB; the pages a request needs are few, and the OS caches the file.
    db.execute(f"PRAGMA cache_size = -{THREAD_CACHE_KB}")
    _thread.held = (path, db)
    return db


def close_db(_exc: BaseException | None = None) -> None:
    """End of a request: the connection stays open, but never with a transaction left
    open (it would hold a lock, and its changes, into the next request)."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
