"""Connections to the database file: the pragmas every connection needs, the write
transaction, private files and the online backup.

Responses are stored so that nothing links them to a person, an invite code or a
moment: they fill preallocated slots in place (store/slots.py), carry no date, and
comments are kept apart from the numeric answers. secure_delete keeps no old page or
draft in the file's free pages, and no WAL keeps each submit's pages side by side.

The rollback journal (issue 20, S2). A write's journal holds the pre-images of the pages
it changes: for a Send, the unspent code and the empty slot, which together pair the code
with its response. A journal deleted at commit (journal_mode DELETE, TRUNCATE, or a
journal_size_limit) frees its blocks with those bytes still in them, and a disk image or
VM snapshot reads them back. So the journal is one kept file (journal_mode PERSIST),
and every commit is followed by `zero_journal`: under SQLite's own write lock (BEGIN
IMMEDIATE, so no writer of any process is using the journal and no reader takes it for
a hot one) its used bytes are overwritten with zeros in place and fsynced, then a file
grown past JOURNAL_KEEP_BYTES is cut back; its blocks only ever leave the file as zeros.
- Durability: SQLite's commit point (the journal header zeroed and synced) comes first;
  a journal whose first byte is zero is never rolled back, so a kill at any moment
  during the zeroing loses nothing and corrupts nothing.
- Several processes (gunicorn workers): when another writer already holds the lock
  after our COMMIT, we do not wait for it; it overwrites the journal from its start and
  zeroes the whole file after its own commit. Each write transaction also zeroes what is
  left at its BEGIN, and so does opening a connection (a process killed between COMMIT and
  zeroing, or a write made outside write_transaction, such as a migration: `survey init`
  follows them with `zero_journal`).
- journal_size_limit stays off: SQLite would truncate at commit, before the zeroing.
- A backup's target starts empty, so its own journal holds no pre-image.
What this cannot reach: copy-on-write filesystems, snapshots and SSDs that remap blocks
keep old copies of overwritten blocks, and a copy taken during a transaction holds its
pre-images; the instance folder belongs on an encrypted volume.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .errors import InvalidInput, SurveyError

BUSY_TIMEOUT_MS = 10_000
# After zeroing, a bigger journal (opening a large round, an import) is cut back to this
# size, so reading it after each commit stays cheap; a Send's journal takes about 13 KB.
JOURNAL_KEEP_BYTES = 64 << 10
_ZEROS = bytes(4096)


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
    # A rollback journal kept as one file and zeroed after each commit (see above); a WAL
    # file would keep each submit's pages (the spent code next to its response) side by side.
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "persist":
        try:
            db.execute("PRAGMA journal_mode = PERSIST")
        except sqlite3.OperationalError:
            pass  # another connection still has it in WAL; the next open switches it
    # Whatever the build's default: a size limit would truncate before the zeroing.
    db.execute("PRAGMA journal_size_limit = -1")
    # FULL: an acknowledged response survives a power cut too, not only a killed process.
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    if _left_in_journal(Path(f"{path}-journal")):
        # A process killed between a COMMIT and its zeroing (or a writer in progress, to
        # which this gives way): zero now rather than at the next write, maybe days away.
        zero_journal(db, wait=False)
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
process_writer = threading.RLock()


# Writers of every process queue on an flock of this file beside the database (it stays
# empty): the kernel wakes the next writer the moment the previous one lets go.
WRITERS_SUFFIX = "-writers"
_writer_files: dict[tuple[int, str], int] = {}


def database_file(db: Database) -> str:
    """The connection's database file ('' for one in memory)."""
    return db.execute("PRAGMA database_list").fetchone()[2] or ""


@contextmanager
def writer_turn(db: Database, timeout: float | None = None) -> Iterator[None]:
    """This writer's turn among the writers of every process (gunicorn's workers, the
    command line): SQLite's busy handler alone polls in growing sleeps (up to 100 ms), so
    writers of several processes each waited out the others' sleeps and a burst of Sends
    went at a few dozen a second. Waits at most `timeout` seconds (None: until its turn),
    then goes on without it, and SQLite's own lock decides as before. Call it holding
    process_writer (threads of one process share the file's lock)."""
    name = database_file(db)
    if not name:
        yield
        return
    key = (os.getpid(), name)  # never a descriptor opened before a fork: it would be shared
    if key not in _writer_files:
        private_file(name + WRITERS_SUFFIX)
        _writer_files[key] = os.open(name + WRITERS_SUFFIX, os.O_RDWR)
    handle = _writer_files[key]
    turn = _take_turn(handle, timeout)
    try:
        yield
    finally:
        if turn:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _take_turn(handle: int, timeout: float | None) -> bool:
    if timeout is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return True
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT: take the write lock up front so concurrent writers
    wait on the busy timeout instead of failing half-way, and roll back on any error.
    Inside another write transaction it joins that one. The journal is zeroed at BEGIN
    (what an earlier writer left) and after COMMIT (this one's pre-images). A rollback's
    pre-images are the file's own pages again; the next BEGIN zeroes them."""
    with process_writer:
        if db.conn.in_transaction:
            yield db
            return
        with writer_turn(db, BUSY_TIMEOUT_MS / 1000):
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                overwrite_journal(db)
                yield db
            except BaseException:
                db.conn.rollback()
                raise
            db.conn.execute("COMMIT")
            zero_journal(db, wait=False)


def zero_journal(db: Database, wait: bool = True) -> bool:
    """Overwrite the rollback journal with zeros in place, under SQLite's write lock (a
    transaction that writes nothing). With wait=False, give way when another writer holds
    the lock: it zeroes the journal after its own commit. True when zeroed here."""
    with process_writer:
        if not wait:
            db.execute("PRAGMA busy_timeout = 0")
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or wait:
                raise
            return False
        finally:
            if not wait:
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            overwrite_journal(db)
        finally:
            db.conn.execute("COMMIT")  # nothing was written: this only releases the lock
        return True


def _left_in_journal(journal: Path) -> int:
    """How far the journal's bytes that are not zero reach (0: missing or all zeros)."""
    try:
        return _used_length(journal.read_bytes())
    except FileNotFoundError:
        return 0


def _used_length(data: bytes) -> int:
    """The length up to the last byte that is not zero, compared a block at a time from
    the end (a byte-by-byte scan of a large zeroed journal would cost each commit)."""
    end = len(data)
    while end:
        start = max(0, end - len(_ZEROS))
        block = data[start:end]
        if block != _ZEROS[: end - start]:
            return start + len(block.rstrip(b"\0"))
        end = start
    return 0


def overwrite_journal(db: Database) -> None:
    """Zero the journal up to its last byte that is not zero (the rest is zeros already)
    and fsync; then cut it back to JOURNAL_KEEP_BYTES. The caller holds the write lock."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    if not name:
        return  # an in-memory database has no journal file
    try:
        journal = open(f"{name}-journal", "r+b")
    except FileNotFoundError:
        return
    with journal:
        data = journal.read()
        used = _used_length(data)
        if used:
            journal.seek(0)
            journal.write(bytes(used))
            journal.flush()
            os.fsync(journal.fileno())
        if len(data) > JOURNAL_KEEP_BYTES:
            journal.truncate(JOURNAL_KEEP_BYTES)  # the bytes cut off are zeros already
            os.fsync(journal.fileno())


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
