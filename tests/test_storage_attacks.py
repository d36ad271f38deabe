"""Attacks by whoever holds the database file, its journal, its free pages or a backup
(issue 11: A1, A3, A4, S4, S13, S14; issue 20: S2, with tests/test_journal_attacks.py).
Each test runs the attack on real files."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import defaultdict
from pathlib import Path

from respondent_helpers import answer_everything, csrf_token, new_code, post_page, thanked

from survey.store.connection import backup, open_db
from survey.store.migrations import migrate, migrations
from survey.store.rounds import create_round, open_round

RESPONDENTS = 12  # per side
# One row per round and side, rewritten on the first response of a day: no order in it.
DAY_TABLES = {"day_counts", "sqlite_autoindex_day_counts_1"}


def cell_layout(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Per b-tree: the (page, byte offset) of every cell, read from the file's pages.
    Cell offsets inside a page follow the order cells were written in."""
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    pages = connection.execute(
        "SELECT name, pageno FROM dbstat WHERE pagetype IN ('leaf', 'internal')"
    ).fetchall()
    connection.close()
    data = path.read_bytes()
    layout: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for name, number in pages:
        page = data[(number - 1) * page_size : number * page_size]
        header = 100 if number == 1 else 0
        cells = int.from_bytes(page[header + 3 : header + 5], "big")
        pointers = header + (12 if page[header] in (2, 5) else 8)
        for i in range(cells):
            offset = int.from_bytes(page[pointers + 2 * i : pointers + 2 * i + 2], "big")
            layout[name].add((number, offset))
    return layout


def _round_with_codes(app, db_path):
    db = open_db(db_path)
    round_id = create_round(
        db, "R", "sales-production", "Sprzedaż", "Produkcja", headcount_a=20, headcount_b=20
    )
    codes = {side: [new_code(app, round_id, side) for _ in range(RESPONDENTS)] for side in "ab"}
    open_round(db, round_id)
    db.conn.close()
    return round_id, codes


def _everyone_answers(app, round_id, codes) -> None:
    for number in range(RESPONDENTS):
        for side in "ab":
            value = str(number % 5 + 1)
            comment = f"uwaga {side}{number}"
            sent = answer_everything(
                app.test_client(), app, round_id, codes[side][number], value, comment
            )
            assert thanked(sent)


def _layout_before_and_after(app, db_path):
    round_id, codes = _round_with_codes(app, db_path)
    before = cell_layout(Path(db_path))
    _everyone_answers(app, round_id, codes)
    after = cell_layout(Path(db_path))
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 2 * RESPONDENTS
    db.conn.close()
    return before, after


def test_a1_response_cells_stay_where_they_were_allocated(app, db_path):
    """A1: sorting a page's cells by offset gave the arrival order. Now every cell of every
    table and index sits exactly where it was before anyone answered."""
    before, after = _layout_before_and_after(app, db_path)
    for name in set(before) | set(after):
        if name not in DAY_TABLES:
            assert after[name] == before[name], name
    assert after["response_slots"]  # the attack had cells to read


def test_s13_comment_cells_stay_where_they_were_allocated(app, db_path):
    """S13: the newest comment cells were in arrival order, one person's together. Comment
    slots are filled in place at random, so their layout is the allocation's."""
    before, after = _layout_before_and_after(app, db_path)
    assert after["comment_slots"] == before["comment_slots"]
    db = open_db(db_path)
    texts = [row[0] for row in db.execute("SELECT text FROM comments")]
    db.conn.close()
    assert len(texts) == 3 * 2 * RESPONDENTS


def test_a3_no_wal_or_journal_file_pairs_a_spent_code_with_its_response(app, db_path):
    """A3: with a reader left open, WAL frames kept each submit's spent flag next to its
    response. Now there is no WAL, and the rollback journal is zeros after each commit
    (S2, tests/test_journal_attacks.py)."""
    round_id, codes = _round_with_codes(app, db_path)
    reader = sqlite3.connect(db_path)
    reader.execute("SELECT count(*) FROM invites").fetchone()  # left open, like the attacker's
    for number in range(3):
        answer_everything(app.test_client(), app, round_id, codes["a"][number])
        assert not Path(f"{db_path}-wal").exists()
        assert not Path(f"{db_path}-journal").read_bytes().strip(b"\0")  # zeros only
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    reader.close()


def test_a4_a_backup_taken_on_the_review_page_holds_nothing_of_the_answers(app, db_path, tmp_path):
    """A4: a backup taken while someone sat on the review page held their answers and
    comment together in one draft row. Now nothing of a started survey is on the server."""
    round_id, codes = _round_with_codes(app, db_path)
    client = app.test_client()
    client.get(f"/r/{codes['a'][0]}")
    post_page(client, "/page/1", {"information.timely.self": "5"})
    post_page(client, "/comments", {"harder": "Zxq unikalna uwaga 4711"})
    assert client.get("/review").status_code == 200
    db = open_db(db_path)
    backup(db, tmp_path / "during.db")
    db.conn.close()
    for path in [tmp_path / "during.db", *Path(db_path).parent.iterdir()]:
        if path.is_file():
            assert b"Zxq unikalna" not in path.read_bytes(), path
    # Sending stores the comment, in a comment slot of its own.
    token = csrf_token(client.get("/review").get_data(as_text=True))
    assert thanked(client.post("/submit", data={"csrf_token": token}))
    assert b"Zxq unikalna" in Path(db_path).read_bytes()


def _database_with_an_old_draft(path: Path) -> None:
    """A database of the schema before m201_slots, holding one server-side draft."""
    db = open_db(path)
    migrations.apply(db, stop_before="m201_slots")
    # The round as that schema held it (today's create_round writes columns added since).
    round_id = (
        db["rounds"]
        .insert(
            {
                "name": "R",
                "questionnaire_id": "pulse",
                "questionnaire_version": 1,
                "side_a": "S",
                "side_b": "P",
                "created_on": "2026-01-01",
            }
        )
        .last_pk
    )
    secret = "Qvx porzucony szkic " * 40
    db["drafts"].insert(
        {"id": "d1", "round_id": round_id, "started_on": "2026-01-01", "comments": secret}
    )
    db.conn.close()
    assert b"Qvx porzucony" in path.read_bytes()


def test_s14_old_drafts_leave_no_bytes_in_free_pages_after_the_migration(tmp_path):
    """S14 and A4: drafts of the old schema are dropped by the migration, and their bytes
    are zeroed (secure_delete on explicitly), not left in free pages."""
    path = tmp_path / "old.db"
    _database_with_an_old_draft(path)
    db = open_db(path)
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert "m201_slots" in migrate(db)
    db.conn.close()
    assert "drafts" not in open_db(path).table_names()
    assert b"Qvx porzucony" not in path.read_bytes()


def test_s2_survey_init_leaves_no_byte_of_the_migrated_pages_in_the_journal(run_cli, db_path):
    """S2: migrations run in sqlite-utils' own transactions, outside write_transaction; the
    journal they left held the pages they changed, such as the old drafts they drop."""
    db_path.unlink()
    _database_with_an_old_draft(db_path)
    result = run_cli("init")
    assert result.exit_code == 0, result.output
    assert "m201_slots" in result.output
    journal = Path(f"{db_path}-journal")
    assert journal.stat().st_size > 0  # the migrations wrote it
    assert not journal.read_bytes().strip(b"\0")  # zeros only


def test_s4_the_database_its_journal_and_backups_are_private_files(app, db_path, tmp_path):
    """S4: the database, its -wal and backups were 0644. (The journal, kept since S2, too.)"""
    round_id, codes = _round_with_codes(app, db_path)
    answer_everything(app.test_client(), app, round_id, codes["a"][0])
    db = open_db(db_path)
    backup(db, tmp_path / "copy.db")
    db.conn.close()
    for path in (Path(db_path), Path(f"{db_path}-journal"), tmp_path / "copy.db"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_s4_files_the_command_line_writes_are_private(run_cli, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://ankieta.example.pl")  # links on the files
    run_cli("init")
    run_cli("round", "create", "R", "--questionnaire", "pulse", "--side-a", "S", "--side-b", "P")
    for name in ("codes.csv", "slips.pdf"):
        result = run_cli("invites", "1", "--side", "a", "--count", "2", "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name
