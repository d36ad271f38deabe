"""Group commit: one writer per process stores every Send waiting at that moment in one
fsynced transaction, and answers each only after that commit (issue 23).

A commit costs fsyncs of the journal and the file (synchronous=FULL) and the zeroing of
the journal after it (issue 20, S2): a few milliseconds of disk time whatever it holds.
Sends one at a time each pay it, and queue on the lock; here the writer takes the lock
once for every Send queued meanwhile, runs each in a savepoint of its own (a refused one,
such as a code already used, is rolled back alone), commits, zeroes the journal, and
wakes them all.

Bounded waiting: a Send not stored within `BOUND_SECONDS` (the lock held by other
processes, the disk stalled) is taken off the queue and refused with `Busy`: nothing of
it was written, so the person's code is still valid and they can send again. A Send the
writer has already taken is waited for to its end (the commit is under way). The writer
never waits into SQLite's busy timeout: it asks for the lock in short tries and gives up
when nobody is waiting any more, so no request sees "database is locked".

Several processes (gunicorn workers) each have their own writer; they take turns on a
file lock the kernel hands on at once (connection.writer_turn), then SQLite's lock as
before. The writer thread starts on first use in each process (never before a fork)
and ends after a while without work, closing its connection.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import connection
from .errors import SurveyError

BOUND_SECONDS = 2.5  # the longest a Send waits to be stored before it is told to try again
LOCK_TRY_MS = 50  # one try for the write lock; tried again while someone waits
IDLE_SECONDS = 30.0  # a writer without work this long closes its connection and ends


class Busy(SurveyError):
    """The write could not be made in time; nothing of it was stored."""


@dataclass
class _Job:
    work: Callable[[Database], Any]
    taken: bool = False  # by the writer: from then on it is waited for to its end
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


@dataclass
class Stats:
    """What a process's writer did: for benchmarks and tests (never logged)."""

    commits: int = 0
    stored: int = 0
    refused_busy: int = 0
    longest_lock_wait: float = 0.0
    largest_group: int = 0
    held_seconds: float = 0.0  # holding the write lock, BEGIN to the journal zeroed


class Committer:
    """The group-commit writer of one database file in this process."""

    def __init__(self, path: str | Path, bound: float | None = None) -> None:
        self.path, self.bound = str(path), BOUND_SECONDS if bound is None else bound
        self.stats = Stats()
        self._queue: list[_Job] = []
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    def run(self, work: Callable[[Database], Any]) -> Any:
        """Run `work(db)` inside the next group transaction and return its result once
        that transaction is committed; its exception, when it raised (then nothing of it
        was stored). Raises Busy when it could not be stored within the bound."""
        job = _Job(work)
        with self._lock:
            self._queue.append(job)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="lustro-committer", daemon=True
                )
                self._thread.start()
            self._lock.notify_all()
        if not job.done.wait(self.bound):
            with self._lock:
                if not job.taken:  # still queued: withdrawn, so it can never be stored
                    self._queue.remove(job)
                    self.stats.refused_busy += 1
                    raise Busy("The answers could not be stored in time; nothing was stored.")
            job.done.wait()  # taken: its transaction is under way
        if job.error is not None:
            raise job.error
        return job.result

    # --- The writer thread ---------------------------------------------------------------

    def _loop(self) -> None:
        try:
            db = connection.open_db(self.path)
        except Exception as error:
            self._fail_queued(error, stop=True)
            return
        try:
            while self._wait_for_work():
                try:
                    self._one_group(db)
                except Exception as error:  # before any Send was taken (the lock itself)
                    self._fail_queued(error)
        finally:
            db.conn.close()

    def _fail_queued(self, error: BaseException, stop: bool = False) -> None:
        """Every Send still queued gets `error` (nothing of them was written)."""
        with self._lock:
            jobs, self._queue = self._queue, []
            if stop:
                self._thread = None
        for job in jobs:
            job.error = _as_busy(error)
            job.done.set()

    def _wait_for_work(self) -> bool:
        """True when Sends are queued; False (and the thread is done) after IDLE_SECONDS
        without any."""
        with self._lock:
            if not self._queue:
                self._lock.wait(IDLE_SECONDS)
            if not self._queue:
                self._thread = None
                return False
            return True

    def _one_group(self, db: Database) -> None:
        started = time.monotonic()  # the lock wait: this process's, every process's, SQLite's
        with connection.process_writer, connection.writer_turn(db):
            if not self._begin(db):
                return  # everyone waiting gave up: nothing was taken
            taken = time.monotonic()
            self.stats.longest_lock_wait = max(self.stats.longest_lock_wait, taken - started)
            with self._lock:
                jobs, self._queue = self._queue, []
                for job in jobs:
                    job.taken = True
            try:
                connection.overwrite_journal(db)  # what an earlier writer may have left
                for job in jobs:
                    self._run_one(db, job)
                db.execute(f"PRAGMA busy_timeout = {int(self.bound * 1000)}")
                db.conn.execute("COMMIT")
            except BaseException as error:  # the commit failed: nothing of the group stays
                if db.conn.in_transaction:
                    db.conn.rollback()
                for job in jobs:
                    if job.error is None:
                        job.error = _as_busy(error)
            finally:
                db.execute(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_MS}")
            stored = sum(job.error is None for job in jobs)
            self.stats.commits += 1
            self.stats.stored += stored
            self.stats.largest_group = max(self.stats.largest_group, len(jobs))
            try:
                # Before anyone is answered, as a Send alone did it: once thanked, no
                # pre-image of that Send is left in the journal (issue 20, S2).
                connection.zero_journal(db, wait=False)
            finally:
                self.stats.held_seconds += time.monotonic() - taken
                for job in jobs:
                    job.done.set()

    def _begin(self, db: Database) -> bool:
        """BEGIN IMMEDIATE in short tries while anyone still waits; False when nobody does."""
        db.execute(f"PRAGMA busy_timeout = {LOCK_TRY_MS}")
        try:
            while True:
                with self._lock:
                    if not self._queue:
                        return False
                try:
                    db.conn.execute("BEGIN IMMEDIATE")
                    return True
                except sqlite3.OperationalError as error:
                    if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                        raise
        finally:
            db.execute(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_MS}")

    @staticmethod
    def _run_one(db: Database, job: _Job) -> None:
        """One Send in a savepoint of its own: refused, it is rolled back alone."""
        db.conn.execute("SAVEPOINT send")
        try:
            job.result = job.work(db)
        except Exception as error:
            db.conn.execute("ROLLBACK TO send")
            job.error = error
        db.conn.execute("RELEASE send")


def _as_busy(error: BaseException) -> BaseException:
    if isinstance(error, sqlite3.OperationalError) and error.sqlite_errorcode in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    ):
        return Busy("The answers could not be stored in time; nothing was stored.")
    return error


_committers: dict[tuple[int, str], Committer] = {}
_registry = threading.Lock()


def for_database(path: str | Path) -> Committer:
    """This process's writer for a database file (a forked worker gets its own). Looked
    up by the name as given first: resolving a path costs a Send a quarter millisecond."""
    given = (os.getpid(), str(path))
    found = _committers.get(given)
    if found is not None:
        return found
    key = (os.getpid(), str(Path(path).resolve()))
    with _registry:
        if key not in _committers:
            _committers[key] = Committer(key[1])
        _committers[given] = _committers[key]
        return _committers[key]


def write(db: Database, work: Callable[[Database], Any]) -> Any:
    """Run `work` in a group transaction of this process's writer for `db`'s file (see
    Committer.run). A connection already inside a transaction (or to a database in memory)
    runs it itself, in a write transaction of its own."""
    name = connection.database_file(db)
    if not name or db.conn.in_transaction:
        with connection.write_transaction(db):
            return work(db)
    return for_database(name).run(work)
