"""Attack S2 (issue 20): a block-level copy of the disk (a VM snapshot, a disk image, a
stolen laptop) read back the deleted rollback journals of Sends, whose pre-images paired
each unspent code with the empty slot its response went into. The tests run real Sends
and real writes, and read the journal's bytes (or the whole disk's) after the commits."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from respondent_helpers import answer_everything, new_code, thanked

from survey.store.connection import (
    BUSY_TIMEOUT_MS,
    JOURNAL_KEEP_BYTES,
    open_db,
    write_transaction,
    zero_journal,
)
from survey.store.invites import code_hash, normalise
from survey.store.migrations import migrate
from survey.store.rounds import create_round, get_round, open_round

SENDS = 20
IMAGE_MB = 64


def nonzero_bytes(path: Path) -> int:
    """How many bytes of the file are not zero (a pre-image is mostly not zero)."""
    data = path.read_bytes()
    return len(data) - data.count(0)


def _round_with_codes(app) -> tuple[int, list[str]]:
    db = open_db(app.config["DATABASE"])
    round_id = create_round(db, "R", "sales-production", "Sprzedaż", "Produkcja", headcount_a=30)
    db.conn.close()
    codes = [new_code(app, round_id) for _ in range(SENDS)]
    db = open_db(app.config["DATABASE"])
    open_round(db, round_id)
    db.conn.close()
    return round_id, codes


def _table_of_blobs(path: Path, rows: int) -> None:
    db = open_db(path)
    numbers = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})"
    with write_transaction(db):
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB)")
        db.execute(f"{numbers} INSERT INTO t (id, x) SELECT i, randomblob(3000) FROM n")
    db.conn.close()


def test_s2_the_journal_is_one_file_zeroed_in_place_after_every_send(app, db_path):
    """A deleted journal's blocks keep its pre-images; one kept file, overwritten with zeros
    in place after each commit, leaves nothing to read back, and its blocks are reused."""
    round_id, codes = _round_with_codes(app)
    journal = Path(f"{db_path}-journal")
    inodes = set()
    for code in codes:
        assert thanked(answer_everything(app.test_client(), app, round_id, code, "4"))
        assert journal.exists(), "the journal was deleted: its blocks still hold the pre-images"
        assert 0 < journal.stat().st_size <= JOURNAL_KEEP_BYTES
        assert nonzero_bytes(journal) == 0, "a pre-image is left in the journal"
        inodes.add(journal.stat().st_ino)
    assert len(inodes) == 1  # the same file throughout: its blocks are overwritten in place
    db = open_db(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "persist"
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == SENDS
    db.conn.close()


def test_s2_a_large_write_leaves_a_journal_cut_back_to_a_bounded_size_and_zeroed(db_path):
    """A write that changes many pages grows the journal; it is zeroed, then cut back, so
    later commits zero little and its freed blocks hold zeros."""
    _table_of_blobs(db_path, 1000)
    db = open_db(db_path)
    with write_transaction(db):
        db.execute("UPDATE t SET x = randomblob(3000)")  # every page journaled: 4 MB
    journal = Path(f"{db_path}-journal")
    assert journal.stat().st_size == JOURNAL_KEEP_BYTES
    assert nonzero_bytes(journal) == 0
    db.conn.close()


def test_s2_the_zeroing_gives_way_to_a_writer_using_the_journal(db_path):
    """Another process's writer may take the lock between a COMMIT and its zeroing; its
    live journal is left alone (zeroing it would make a crash unrecoverable)."""
    _table_of_blobs(db_path, 20)
    db, other = open_db(db_path), open_db(db_path)  # `other` stands for another worker
    other.conn.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE t SET x = zeroblob(3000)")
    journal = Path(f"{db_path}-journal")
    live = journal.read_bytes()
    assert nonzero_bytes(journal) > 0
    assert zero_journal(db, wait=False) is False
    assert journal.read_bytes() == live
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    other.conn.rollback()
    assert db.execute("SELECT count(*) FROM t WHERE x = zeroblob(3000)").fetchone()[0] == 0
    assert zero_journal(db, wait=False) is True
    assert nonzero_bytes(journal) == 0
    db.conn.close()
    other.conn.close()


def test_s2_a_journal_left_by_a_process_killed_after_its_commit_is_zeroed_at_the_next_open(
    db_path,
):
    """A kill between COMMIT and the zeroing leaves pre-images (SQLite zeroes only the
    header): the server's next connection zeroes them, with no write needed."""
    _table_of_blobs(db_path, 20)
    killed = sqlite3.connect(db_path)  # commits as a killed Lustro process's last write did
    killed.execute("PRAGMA journal_mode = PERSIST")
    with killed:
        killed.execute("UPDATE t SET x = zeroblob(3000)")
    killed.close()
    journal = Path(f"{db_path}-journal")
    assert nonzero_bytes(journal) > 0  # the pre-images: the random blobs
    db = open_db(db_path)
    assert nonzero_bytes(journal) == 0
    assert db.execute("SELECT count(*) FROM t WHERE x = zeroblob(3000)").fetchone()[0] == 20
    db.conn.close()


WRITER = """
import sys
from survey.store.connection import open_db, write_transaction
db = open_db(sys.argv[1])
for number in range(int(sys.argv[2])):
    with write_transaction(db):
        db.execute("UPDATE t SET x = randomblob(3000) WHERE id % 7 = ?", [number % 7])
"""


def test_s2_writers_in_several_processes_leave_a_zeroed_journal_and_a_sound_file(db_path):
    """gunicorn's workers are processes writing the same file back to back."""
    _table_of_blobs(db_path, 70)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), "60"]) for _ in range(3)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]
    journal = Path(f"{db_path}-journal")
    assert journal.stat().st_size > 0
    assert nonzero_bytes(journal) == 0
    db = open_db(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.conn.close()


def _varint(value: int) -> bytes:
    """SQLite's big-endian varint: 7 bits a byte, high bit set on all but the last; from
    2**56 on, nine bytes, the ninth with 8 bits (slot ids go up to 2**62)."""
    if value >= 1 << 56:
        high = value >> 8
        return bytes(0x80 | (high >> (7 * i)) & 0x7F for i in range(7, -1, -1)) + bytes(
            [value & 0xFF]
        )
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _record(*values: int | str | None) -> bytes:
    """A row as SQLite stores it in a cell (record format 4), for small ints, text, NULL."""
    serials, body = [], b""
    for value in values:
        if value is None:
            serials.append(0)
        elif value in (0, 1) and not isinstance(value, str):
            serials.append(8 + value)
        elif isinstance(value, int):
            serials.append(1)
            body += value.to_bytes(1, "big", signed=True)
        else:
            encoded = value.encode()
            serials.append(2 * len(encoded) + 13)
            body += encoded
    header = b"".join(_varint(serial) for serial in serials)
    return _varint(len(header) + 1) + header + body


@pytest.fixture
def ext4_folder(tmp_path):
    """A folder on a freshly made 64 MB ext4 image, loop-mounted (lazily unmounted after the
    test: the server thread's connection may still hold the file open)."""
    image, mount_point = tmp_path / "disk.img", tmp_path / "mnt"
    if os.geteuid() != 0 or not shutil.which("mkfs.ext4"):
        pytest.skip("a loop-mounted ext4 image needs root and mkfs.ext4")
    with image.open("wb") as file:
        file.truncate(IMAGE_MB << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True, capture_output=True)
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mount_point)], text=True, capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"loop mounts are not available here: {mounted.stderr.strip()}")
    try:
        yield image, mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def test_s2_a_disk_image_after_20_sends_holds_no_unspent_code_and_no_empty_filled_slot(
    make_app, ext4_folder
):
    """The attack as run: 20 Sends back to back on ext4, then the raw image is searched for
    each spent code as it was before its Send (spent = 0) and each filled slot as it was
    (empty). Either one, with the other from the same journal, pairs a code with its response."""
    image, mount_point = ext4_folder
    database = mount_point / "survey.db"
    db = open_db(database)
    migrate(db)
    db.conn.close()
    app = make_app(DATABASE=str(database))
    round_id, codes = _round_with_codes(app)
    for code in codes:
        assert thanked(answer_everything(app.test_client(), app, round_id, code, "4"))
    db = open_db(database)
    width = len(get_round(db, round_id).questionnaire.answer_keys())
    filled = [row[0] for row in db.execute("SELECT id FROM response_slots WHERE filled")]
    db.conn.close()
    assert len(filled) == SENDS
    os.sync()  # what a snapshot of the running machine would hold
    disk = image.read_bytes()
    key = app.config["INVITE_KEY"]
    unspent = [_record(code_hash(normalise(code), key), round_id, "a", 0) for code in codes]
    spent = [_record(code_hash(normalise(code), key), round_id, "a", 1) for code in codes]
    empty = [_varint(slot) + _record(None, round_id, "a", 0, "-" * width) for slot in filled]
    full = [_varint(slot) + _record(None, round_id, "a", 1, "4" * width) for slot in filled]
    assert all(record in disk for record in spent + full)  # the search finds what is there
    found = {
        "unspent codes": sum(record in disk for record in unspent),
        "empty slots now filled": sum(record in disk for record in empty),
    }
    assert found == {"unspent codes": 0, "empty slots now filled": 0}
