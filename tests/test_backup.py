import random
import sqlite3
import threading

from survey.demo import simulate
from survey.store.connection import backup, open_db
from survey.store.responses import add_responses, count_by_side
from survey.store.rounds import get_round


def test_backup_while_writing_restores_every_acknowledged_response(
    db, db_path, open_round_id, run_cli, tmp_path
):
    questionnaire = get_round(db, open_round_id).questionnaire
    add_responses(
        db, open_round_id, [simulate(questionnaire, "a", random.Random(i)) for i in range(10)]
    )
    stop = threading.Event()
    written = []

    def keep_writing():
        writer = open_db(db_path)
        rng = random.Random(99)
        while not stop.is_set():
            add_responses(writer, open_round_id, [simulate(questionnaire, "b", rng)])
            written.append(1)
        writer.conn.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        result = run_cli("backup", str(tmp_path / "copy.db"))
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    restored = open_db(tmp_path / "copy.db")
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counts = count_by_side(restored, open_round_id)
    assert counts["a"] == 10  # everything acknowledged before the backup started
    assert 0 <= counts["b"] <= len(written)
    # every restored response is whole: all of its answers came along
    per_response = restored.execute(
        "SELECT count(*) FROM answers GROUP BY response_id ORDER BY 1 LIMIT 1"
    ).fetchone()[0]
    assert per_response > 40


def test_backup_refuses_to_overwrite_a_file(run_cli, tmp_path):
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    result = run_cli("backup", str(target))
    assert result.exit_code == 1 and "already exists" in result.output
    assert target.read_bytes() == b"precious"


def test_backup_function_copies_a_consistent_snapshot(db, open_round_id, tmp_path):
    questionnaire = get_round(db, open_round_id).questionnaire
    add_responses(db, open_round_id, [simulate(questionnaire, "a", random.Random(1))])
    backup(db, tmp_path / "b.db")
    copy = sqlite3.connect(tmp_path / "b.db")
    assert copy.execute("SELECT count(*) FROM responses").fetchone()[0] == 1
