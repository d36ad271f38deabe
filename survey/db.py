"""The one module that owns the database: connections, pragmas and the schema.

Responses are stored so that nothing links them to a person, an invite code or a
moment: random keys in WITHOUT ROWID tables (physical order follows the random key,
not arrival), dates only, and comments kept apart from the numeric answers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .errors import InvalidInput

BUSY_TIMEOUT_MS = 10_000

migrations = Migrations("lustro")


def open_db(path: str | Path) -> Database:
    """Open the database file with the pragmas every connection needs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    # FULL: an acknowledged response survives a power cut too, not only a killed process.
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def migrate(db: Database) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


# Writers in one process queue here and are woken the moment the previous one commits;
# left to SQLite's busy handler alone they would sleep in growing steps (up to 100 ms).
_process_writer = threading.RLock()


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT: take the write lock up front so concurrent writers
    wait on the busy timeout instead of failing half-way, and roll back on any error."""
    with _process_writer:
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
    destination = sqlite3.connect(str(target))
    try:
        db.conn.backup(destination)
        pages = destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
    return pages


# Each thread keeps its connection between requests: opening one costs its pragmas, and
# closing the last one checkpoints and deletes the journal files, every request.
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


# --- Schema. Never edit a migration that has shipped: add a new one below. ---


@migrations()
def m001_rounds(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            questionnaire_json TEXT,            -- frozen copy, set when the round opens
            side_a TEXT NOT NULL,
            side_b TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT 'pl',     -- the round's main language
            languages TEXT NOT NULL DEFAULT 'pl,en',
            headcount_a INTEGER,
            headcount_b INTEGER,
            threshold INTEGER NOT NULL DEFAULT 5 CHECK (threshold >= 3),
            comment_threshold INTEGER NOT NULL DEFAULT 10,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
            timezone TEXT NOT NULL DEFAULT 'Europe/Warsaw',
            closes_on TEXT,                      -- planned closing date (YYYY-MM-DD)
            created_on TEXT NOT NULL,
            opened_on TEXT,
            closed_on TEXT,
            CHECK (comment_threshold >= threshold)
        )
        """
    )


@migrations()
def m002_responses(db: Database) -> None:
    # WITHOUT ROWID on a random key: rows are stored in key order, which is random,
    # so neither a rowid nor the file's physical layout reveals the order of arrival.
    db.execute(
        """
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,                 -- random, not derived from anything
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            submitted_on TEXT NOT NULL           -- a date (YYYY-MM-DD), never a time
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX responses_round ON responses(round_id, side)")
    db.execute(
        """
        CREATE TABLE answers (
            response_id TEXT NOT NULL REFERENCES responses(id),
            dimension TEXT NOT NULL,
            item TEXT NOT NULL,
            perspective TEXT NOT NULL CHECK (perspective IN ('self', 'other', 'meta')),
            value INTEGER CHECK (value IS NULL OR value BETWEEN 1 AND 5),  -- NULL = don't know
            PRIMARY KEY (response_id, dimension, item, perspective)
        ) WITHOUT ROWID
        """
    )
    # Open answers are not linked to a response: wording can identify a person, and a
    # link would then expose that person's numeric answers too.
    db.execute(
        """
        CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            question TEXT NOT NULL,
            text TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            hidden_reason TEXT
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX comments_round ON comments(round_id, side, question)")


@migrations()
def m003_invites(db: Database) -> None:
    # Only a keyed hash of each code; no link to the response it was spent on,
    # and no time of spending.
    db.execute(
        """
        CREATE TABLE invites (
            code_hash TEXT PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            spent INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX invites_round ON invites(round_id, side, spent)")


@migrations()
def m004_console(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE users (
            email TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('hr', 'facilitator')),
            password_hash TEXT NOT NULL,
            created_on TEXT NOT NULL
        )
        """
    )
    # Console actions only; respondents' actions are never logged.
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_email TEXT,
            action TEXT NOT NULL,
            round_id INTEGER,
            detail TEXT
        )
        """
    )


@migrations()
def m101_drafts(db: Database) -> None:
    # Partial answers while someone is answering, under a random id that only their own
    # session cookie knows. Never linked to an invite code; deleted when they submit.
    db.execute(
        """
        CREATE TABLE drafts (
            id TEXT PRIMARY KEY,                 -- random
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            started_on TEXT NOT NULL,            -- a date, for clearing abandoned drafts
            answers TEXT NOT NULL DEFAULT '{}',  -- {"dimension.item.perspective": 1..5 | null}
            comments TEXT NOT NULL DEFAULT '{}'
        ) WITHOUT ROWID
        """
    )


@migrations()
def m201_workshops(db: Database) -> None:
    # The room after a closed round (survey/workshop/). Guesses and dots are counts, never
    # a row per person, and no table holds a time or an address.
    db.execute(
        """
        CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            join_code TEXT NOT NULL UNIQUE,
            variant TEXT NOT NULL CHECK (variant IN ('2h', 'half-day')),
            dimensions TEXT NOT NULL,            -- JSON list of dimension ids, in the order shown
            figures TEXT NOT NULL,               -- JSON: what the workshop shows of the analysis
            step INTEGER NOT NULL DEFAULT 0,     -- the agenda block on the projector
            revealed TEXT NOT NULL DEFAULT '[]', -- JSON list of revealed dimension ids
            created_on TEXT NOT NULL             -- a date
        )
        """
    )
    db.execute(
        """
        CREATE TABLE workshop_guesses (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            dimension TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
            count INTEGER NOT NULL,
            PRIMARY KEY (workshop_id, dimension, side, value)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE workshop_agreements (
            id TEXT PRIMARY KEY,                 -- random and stable: a later round can carry it
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            position INTEGER NOT NULL,
            lang TEXT NOT NULL,                  -- the language the text is written in
            what TEXT NOT NULL,                  -- what will change
            responsible TEXT NOT NULL CHECK (responsible IN ('a', 'b', 'both')),
            role TEXT NOT NULL DEFAULT '',       -- a role within that side, if named
            due_on TEXT NOT NULL,                -- by when (YYYY-MM-DD)
            evidence TEXT NOT NULL,              -- how both sides will know it happened
            dots INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID
        """
    )
