import re

from survey.store.connection import open_db
from survey.store.migrations import migrate, migrations
from survey.store.rounds import create_round

RESPONSE_TABLES = ("response_slots", "comment_slots", "invites", "day_counts", "padding_log")
# A column that could hold who, where from or exactly when.
LINKING_NAMES = re.compile(
    r"code|invite|ip|addr|agent|user|email|person|name|session|token|time|_at$|created|ts$",
)


def test_migrations_build_the_schema_on_an_empty_database(tmp_path):
    db = open_db(tmp_path / "new.db")
    applied = migrate(db)
    assert applied == [m.name for m in migrations._migrations]
    assert {"rounds", "response_slots", "comment_slots", "invites", "users"} <= set(
        db.table_names()
    )
    assert {"responses", "answers", "comments"} <= set(db.view_names())
    assert "drafts" not in db.table_names()


def test_migrating_an_existing_database_keeps_its_data_and_applies_nothing_twice(tmp_path):
    path = tmp_path / "existing.db"
    db = open_db(path)
    migrate(db)
    create_round(db, "Kept", "pulse", "Sala", "Kuchnia")
    db.conn.close()
    db = open_db(path)
    assert migrate(db) == []
    assert [row["name"] for row in db["rounds"].rows] == ["Kept"]


def test_database_uses_a_kept_rollback_journal_secure_delete_and_a_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "persist"
    assert db.execute("PRAGMA journal_size_limit").fetchone()[0] == -1
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_response_tables_have_no_column_that_could_link_a_person_or_a_moment(db):
    for table in RESPONSE_TABLES:
        for column in db[table].columns:
            if table == "invites" and column.name == "code_hash":
                continue  # the keyed hash of the code itself, never joined to responses
            assert not LINKING_NAMES.search(column.name), f"{table}.{column.name}"


def test_no_response_table_refers_to_invites(db):
    for table in ("response_slots", "comment_slots"):
        assert all(fk.other_table != "invites" for fk in db[table].foreign_keys)


def test_no_index_holds_a_flag_that_a_submit_changes(db):
    """Changing an indexed column moves its index entry into free space, in arrival order."""
    for table in ("response_slots", "comment_slots", "invites"):
        for index in db[table].indexes:
            assert not {"filled", "spent"} & set(index.columns), (table, index.name)


def test_comments_are_not_linked_to_responses(db):
    assert "response_id" not in db["comment_slots"].columns_dict


def test_a_response_carries_no_date(db):
    assert [c.name for c in db["response_slots"].columns] == [
        "id",
        "round_id",
        "side",
        "filled",
        "answers",
    ]
