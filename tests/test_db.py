import re

from survey.db import migrate, migrations, open_db
from survey.rounds import create_round

RESPONSE_TABLES = ("responses", "answers", "comments", "invites")
# A column that could hold who, where from or exactly when.
LINKING_NAMES = re.compile(
    r"code|invite|ip|addr|agent|user|email|person|name|session|token|time|_at$|created|ts$",
)


def test_migrations_build_the_schema_on_an_empty_database(tmp_path):
    db = open_db(tmp_path / "new.db")
    applied = migrate(db)
    assert applied == [m.name for m in migrations._migrations]
    assert {"rounds", "responses", "answers", "comments", "invites", "users"} <= set(
        db.table_names()
    )


def test_migrating_an_existing_database_keeps_its_data_and_applies_nothing_twice(tmp_path):
    path = tmp_path / "existing.db"
    db = open_db(path)
    migrate(db)
    create_round(db, "Kept", "pulse", "Sala", "Kuchnia")
    db.conn.close()
    db = open_db(path)
    assert migrate(db) == []
    assert [row["name"] for row in db["rounds"].rows] == ["Kept"]


def test_database_runs_in_wal_mode_with_a_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_response_tables_have_no_column_that_could_link_a_person_or_a_moment(db):
    for table in RESPONSE_TABLES:
        for column in db[table].columns:
            if table == "invites" and column.name == "code_hash":
                continue  # the keyed hash of the code itself, never joined to responses
            assert not LINKING_NAMES.search(column.name), f"{table}.{column.name}"


def test_no_response_table_refers_to_invites(db):
    for table in ("responses", "answers", "comments"):
        assert all(fk.other_table != "invites" for fk in db[table].foreign_keys)


def test_response_tables_have_no_rowid_so_storage_order_is_random(db):
    for table in ("responses", "answers", "comments"):
        sql = db[table].schema
        assert "WITHOUT ROWID" in sql, table


def test_comments_are_not_linked_to_responses(db):
    assert "response_id" not in db["comments"].columns_dict


def test_the_only_date_on_a_response_is_a_day(db):
    assert [c.name for c in db["responses"].columns] == ["id", "round_id", "side", "submitted_on"]
