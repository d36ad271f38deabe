"""Connections to the database file: the pragmas every connection needs, the write
transaction, private files and the online backup.

Responses are stored so that nothing links them to a person, an invite code or a
moment: they fill preallocated slots in place (store/slots.py), carry no date, and
comments are kept apart from the numeric answers. A rollback journal (deleted at
commit) and secure_delete keep no old page, draft or pairing of code and response in
the file, its journal or its free pages.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .errors import InvalidInput, SurveyError

BUSY_TIMEOUT_MS = 10_000


def open_db(path: str | Path) -> Database:
    """Open the database file with the pragmas every connection needs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private_file(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Deleted content is overwritten with zeros, whatever the build's default.
    db.execute("PRAGMA secure_delete = ON")
    # A rollback journal lives only during a write and is deleted at commit; a WAL file
    # would keep each submit's pages (the spent code next to its response) side by side.
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "delete":
        try:
            db.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:
            pass  # another connection still has it in WAL; the next open switches it
    # FULL: an acknowledged response survives a power cut too, not only a killed process.
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def check_intact(path: str | Path) -> None:
    """Refuse a damaged database file before anything serves from it: SQLite's
    quick_check reads every page (seconds even for a large file), opened read-only so the
    check itself writes nothing. A file not there yet has nothing to check."""
    path = Path(path)
    if not path.exists():
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:  # not a database at all, or its header is damaged
        found = [str(exc)]
    problems = [problem for problem in found if problem != "ok"]
    if problems:
        first = " ".join(problems[0].split())  # SQLite's report spans lines; ours is one
        raise SurveyError(
            f"{path} is damaged (SQLite: {first}); serve from a backup copy instead "
            "(see `survey backup`)."
        )


def private_file(path: str | Path) -> None:
    """Files Lustro writes are readable by its own user only (the database is created
    here, so SQLite's journal, which copies its mode, is private too)."""
    path = Path(path)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


# Writers in one process queue here and are woken the moment the previous one commits;
# left to SQLite's busy handler alone they would sleep in growing steps (up to 100 ms).
_process_writer = threading.RLock()


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT: take the write lock up front so concurrent writers
    wait on the busy timeout instead of failing half-way, and roll back on any error.
    Inside another write transaction it joins that one."""
    with _process_writer:
        if db.conn.in_transaction:
            yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.execute("COMMIT")


def backup(db: Database, target: str | Path) -> int:
    """Copy the database with SQLite's online backup API: a consistent snapshot even
    while the server is writing. Returns the number of pages copied."""
    target = Path(target)
    if target.exists():
        raise InvalidInput(f"{target} already exists; choose a new file name.")
    private_file(target)
    destination = sqlite3.connect(str(target))
    try:
        db.conn.backup(destination)
        pages = destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
    return pages
