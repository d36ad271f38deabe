"""The schema's history. Never edit a migration that has shipped: add a new one below.

A migration is frozen history: plain SQL and the standard library, never an import of
today's code (which would change what an old database becomes whenever that code does).
The constants a data migration needs are copied here as they were when it shipped.

sqlite-utils records each applied migration by its function name, so a name, once shipped,
is its identity in every database made since: m201_workshops and m201_slots share a number
but not a name, and renaming either would run it again.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from zoneinfo import ZoneInfo

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("lustro")


def migrate(db: Database) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


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


# Its name is its identity (see above): it shares the number 201 with m201_workshops.
@migrations()
def m201_slots(db: Database) -> None:
    """Issue 11: responses and comments in preallocated slots filled in place (no arrival
    order in the file), no per-response date, no server-side drafts."""
    db.execute("PRAGMA secure_delete = ON")  # the dropped tables' pages are zeroed
    db.execute(
        """
        CREATE TABLE response_slots (
            id INTEGER PRIMARY KEY,              -- random
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            filled INTEGER NOT NULL DEFAULT 0,   -- 0 and 1 take no bytes: same record size
            answers TEXT NOT NULL                -- one character per item and perspective
        )
        """
    )
    # No index may hold `filled`: updating an indexed column moves its index entry, and
    # the new entry's place in the index page would follow arrival.
    db.execute("CREATE INDEX response_slots_round ON response_slots(round_id, side)")
    db.execute(
        """
        CREATE TABLE comment_slots (
            id INTEGER PRIMARY KEY,              -- random
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            question TEXT NOT NULL,
            filled INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0,
            hidden_reason TEXT,
            text TEXT NOT NULL                   -- padded to a fixed number of bytes
        )
        """
    )
    db.execute("CREATE INDEX comment_slots_round ON comment_slots(round_id, side, question)")
    db.execute(
        """
        CREATE TABLE answer_positions (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            position INTEGER NOT NULL,           -- 1-based, in the answers string
            dimension TEXT NOT NULL,
            item TEXT NOT NULL,
            perspective TEXT NOT NULL,
            PRIMARY KEY (round_id, position)
        )
        """
    )
    db.execute("CREATE INDEX answer_positions_dimension ON answer_positions(round_id, dimension)")
    # Per round and side only: how many responses there were at the start of `day`.
    db.execute(
        """
        CREATE TABLE day_counts (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL,
            day TEXT NOT NULL,
            at_day_start INTEGER NOT NULL,
            PRIMARY KEY (round_id, side)
        )
        """
    )
    # How many codes were made after opening and responses imported, per round and side.
    db.execute(
        """
        CREATE TABLE padding_log (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('codes_after_opening', 'import')),
            count INTEGER NOT NULL
        )
        """
    )
    _m201_move_data(db)
    for table in ("drafts", "answers", "comments", "responses"):
        db.execute(f"DROP TABLE {table}")
    # The old index held `spent`: spending moved its entry to the page's free space, in
    # order of arrival. The table itself is updated in place (0 and 1 take no bytes).
    db.execute("DROP INDEX invites_round")
    db.execute("CREATE INDEX invites_round_side ON invites(round_id, side)")
    db.execute(
        "CREATE VIEW responses AS SELECT id, round_id, side FROM response_slots WHERE filled"
    )
    db.execute(
        f"""
        CREATE VIEW answers AS
        SELECT s.id AS response_id, p.dimension, p.item, p.perspective,
               nullif(CAST(substr(s.answers, p.position, 1) AS INTEGER), 0) AS value
        FROM response_slots s JOIN answer_positions p ON p.round_id = s.round_id
        WHERE s.filled AND substr(s.answers, p.position, 1) <> '{M201_SKIPPED}'
        """
    )
    db.execute(
        "CREATE VIEW comments AS SELECT id, round_id, side, question, rtrim(text, ' ') AS text, "
        "hidden, hidden_reason FROM comment_slots WHERE filled"
    )


# The slot format as m201_slots wrote it, frozen here: today's code may change its own.
M201_COMMENT_BYTES = 1500  # every comment slot's text, in UTF-8 bytes
M201_SKIPPED, M201_DONT_KNOW = "-", "0"  # other answers are their digit, '1'-'5'
M201_SLOT_ID_MASK = 2**62 - 1  # ids 1..2**62, like secrets.randbits(62) + 1
M201_WHITESPACE = (  # what str.strip() removes from a comment (Python 3.11)
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
M201_ROUNDS = "SELECT id FROM rounds WHERE questionnaire_json IS NOT NULL"
M201_OPEN_ROUNDS = M201_ROUNDS + " AND status = 'open'"


def _m201_move_data(db: Database) -> None:
    """Move the old responses and comments of every round with a frozen questionnaire into
    filled slots, and give each open round an empty slot per unspent code and side.

    As the slot code of the day did it: answer positions in questionnaire order (each
    dimension's items, each in the three perspectives, then carried agreements); a moved
    response brings one empty comment slot per open question of its side, as a slot it
    had to allocate for itself; a comment is cut to whole characters within its bytes,
    stripped, and padded with spaces; every slot gets a random id, inserted in random
    order. Per open round and side, day_counts holds the responses before today."""
    params = {
        "mask": M201_SLOT_ID_MASK,
        "bytes": M201_COMMENT_BYTES,
        "skipped": M201_SKIPPED,
        "dont_know": M201_DONT_KNOW,
        "whitespace": M201_WHITESPACE,
    }
    db.execute(
        f"""
        INSERT INTO answer_positions (round_id, position, dimension, item, perspective)
        SELECT round_id, row_number() OVER (PARTITION BY round_id ORDER BY part, major, minor),
               dimension, item, perspective
        FROM (
            SELECT r.id AS round_id, 0 AS part, d.key AS major, i.key * 3 + p.key AS minor,
                   json_extract(d.value, '$.id') AS dimension,
                   json_extract(i.value, '$.id') AS item, p.value AS perspective
            FROM rounds r, json_each(r.questionnaire_json, '$.dimensions') d,
                 json_each(d.value, '$.items') i, json_each('["self", "other", "meta"]') p
            WHERE r.id IN ({M201_ROUNDS})
            UNION ALL
            SELECT r.id, 1, a.key, 0, 'agreement', json_extract(a.value, '$.id'), 'kept'
            FROM rounds r, json_each(r.questionnaire_json, '$.agreements') a
            WHERE r.id IN ({M201_ROUNDS})
        )
        """
    )
    # Each answers string grows one position at a time, in position order.
    db.execute(
        f"""
        WITH RECURSIVE moved(response_id, round_id, side, position, answers) AS (
            SELECT id, round_id, side, 0, '' FROM responses WHERE round_id IN ({M201_ROUNDS})
            UNION ALL
            SELECT m.response_id, m.round_id, m.side, p.position, m.answers || coalesce(
                (SELECT coalesce(a.value, :dont_know) FROM answers a
                 WHERE a.response_id = m.response_id AND a.dimension = p.dimension
                   AND a.item = p.item AND a.perspective = p.perspective),
                :skipped)
            FROM moved m JOIN answer_positions p
              ON p.round_id = m.round_id AND p.position = m.position + 1
        )
        INSERT INTO response_slots (id, round_id, side, filled, answers)
        SELECT (random() & :mask) + 1, round_id, side, 1, answers FROM moved m
        WHERE NOT EXISTS (SELECT 1 FROM answer_positions p
                          WHERE p.round_id = m.round_id AND p.position = m.position + 1)
        ORDER BY random()
        """,
        params,
    )
    # A text longer than the slot keeps the most whole characters that fit.
    db.execute(
        f"""
        WITH RECURSIVE
        counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < :bytes),
        cut(round_id, side, question, hidden, hidden_reason, text) AS (
            SELECT round_id, side, question, hidden, hidden_reason, trim(
                CASE WHEN length(CAST(text AS BLOB)) <= :bytes THEN text
                ELSE substr(text, 1, (SELECT max(n) FROM counter
                                      WHERE length(CAST(substr(text, 1, n) AS BLOB)) <= :bytes))
                END, :whitespace)
            FROM comments WHERE round_id IN ({M201_ROUNDS})
        )
        INSERT INTO comment_slots (id, round_id, side, question, filled, hidden, hidden_reason,
                                   text)
        SELECT (random() & :mask) + 1, round_id, side, question, 1, hidden, hidden_reason,
               text || replace(hex(zeroblob(:bytes - length(CAST(text AS BLOB)))), '00', ' ')
        FROM cut ORDER BY random()
        """,
        params,
    )
    # Empty slots: a response slot per unspent code of an open round, and per side and
    # open question a comment slot per moved response and per such code.
    db.execute(
        f"""
        INSERT INTO response_slots (id, round_id, side, filled, answers)
        SELECT (random() & :mask) + 1, i.round_id, i.side, 0, replace(hex(zeroblob(
                   (SELECT count(*) FROM answer_positions p WHERE p.round_id = i.round_id))),
                   '00', :skipped)
        FROM invites i WHERE i.spent = 0 AND i.round_id IN ({M201_OPEN_ROUNDS})
        ORDER BY random()
        """,
        params,
    )
    db.execute(
        f"""
        INSERT INTO comment_slots (id, round_id, side, question, filled, text)
        SELECT (random() & :mask) + 1, s.round_id, s.side, json_extract(q.value, '$.id'), 0,
               replace(hex(zeroblob(:bytes)), '00', ' ')
        FROM (SELECT round_id, side FROM responses WHERE round_id IN ({M201_ROUNDS})
              UNION ALL
              SELECT round_id, side FROM invites
              WHERE spent = 0 AND round_id IN ({M201_OPEN_ROUNDS})) s
        JOIN rounds r ON r.id = s.round_id, json_each(r.questionnaire_json, '$.open_questions') q
        ORDER BY random()
        """,
        params,
    )
    for round_id, timezone in db.execute(
        f"SELECT id, timezone FROM rounds WHERE id IN ({M201_OPEN_ROUNDS})"
    ).fetchall():
        today = dt.datetime.now(ZoneInfo(timezone)).date().isoformat()
        db.execute(
            "INSERT INTO day_counts (round_id, side, day, at_day_start) "
            "SELECT ?, side, ?, (SELECT count(*) FROM responses r WHERE r.round_id = ? "
            "AND r.side = s.side AND r.submitted_on < ?) "
            "FROM (SELECT 'a' AS side UNION ALL SELECT 'b') s",
            [round_id, today, round_id, today],
        )


@migrations()
def m202_session_version(db: Database) -> None:
    """Issue 11 (S5): logging out raises it, so a session cookie saved before stops working."""
    db.execute("ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


@migrations()
def m203_carried_agreements(db: Database) -> None:
    """Issue 12 item 5: the workshop agreements a draft round will ask about. At open they
    are frozen into the round's questionnaire copy; this table only holds the draft's
    choice (an agreement deleted in the workshop drops out of the choice)."""
    db.execute(
        """
        CREATE TABLE round_agreements (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            agreement_id TEXT NOT NULL REFERENCES workshop_agreements(id) ON DELETE CASCADE,
            PRIMARY KEY (round_id, agreement_id)
        ) WITHOUT ROWID
        """
    )


# The phone places and count format as m204 wrote them (issue 20, W1/W2/W6), frozen here.
M204_COUNT_WIDTH = 6  # every count is six digits of text: '000000' to '999999'
M204_PHONES_PER_SIDE = 100
M204_SIDES = ("a", "b")
M204_VALUES = range(1, 6)
M204_COUNT_CHECK = "length(count) = 6 AND count NOT GLOB '*[^0-9]*'"


@migrations()
def m204_workshop_counts_in_place(db: Database) -> None:
    """Issue 20 (W6, W1/W2): a guess or a dot overwrites a preallocated fixed-width count
    in place, so no cell moves and the file keeps no order of arrival; each phone joins
    on one preallocated place (its one-time token), which records what it has done."""
    db.execute("PRAGMA secure_delete = ON")  # the dropped table's pages are zeroed
    db.execute(
        f"""
        CREATE TABLE workshop_guess_counts (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            dimension TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
            count TEXT NOT NULL CHECK ({M204_COUNT_CHECK}),  -- fixed width: same record size
            PRIMARY KEY (workshop_id, dimension, side, value)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        f"""
        CREATE TABLE workshop_dots (
            agreement_id TEXT PRIMARY KEY REFERENCES workshop_agreements(id) ON DELETE CASCADE,
            count TEXT NOT NULL CHECK ({M204_COUNT_CHECK})
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE workshop_phones (
            id INTEGER PRIMARY KEY,              -- random: the token a phone's cookie holds
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            joined INTEGER NOT NULL DEFAULT 0,   -- 0 and 1 take no bytes: same record size
            guessed TEXT NOT NULL,               -- '0' or '1' per dimension, in the shown order
            voted INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    # No index may hold `joined`, `guessed` or `voted`: an updated index entry moves.
    db.execute("CREATE INDEX workshop_phones_side ON workshop_phones(workshop_id, side)")
    db.execute("ALTER TABLE workshops ADD COLUMN in_room TEXT NOT NULL DEFAULT '{}'")
    workshops = db.execute("SELECT id, dimensions FROM workshops ORDER BY id").fetchall()
    for workshop_id, dimensions_json in workshops:
        dimensions = json.loads(dimensions_json)
        for dimension in dimensions:
            for side in M204_SIDES:
                for value in M204_VALUES:
                    (count,) = db.execute(
                        """SELECT coalesce(sum(count), 0) FROM workshop_guesses
                           WHERE workshop_id = ? AND dimension = ? AND side = ? AND value = ?""",
                        [workshop_id, dimension, side, value],
                    ).fetchone()
                    db.execute(
                        "INSERT INTO workshop_guess_counts VALUES (?, ?, ?, ?, ?)",
                        [workshop_id, dimension, side, value, f"{count:0{M204_COUNT_WIDTH}d}"],
                    )
        for side in M204_SIDES:
            for _ in range(M204_PHONES_PER_SIDE):
                db.execute(
                    "INSERT INTO workshop_phones (id, workshop_id, side, guessed) "
                    "VALUES (?, ?, ?, ?)",
                    [secrets.randbits(62) + 1, workshop_id, side, "0" * len(dimensions)],
                )
    db.execute(
        f"""INSERT INTO workshop_dots (agreement_id, count)
            SELECT id, printf('%0{M204_COUNT_WIDTH}d', dots) FROM workshop_agreements"""
    )
    db.execute("DROP TABLE workshop_guesses")
    db.execute("ALTER TABLE workshop_guess_counts RENAME TO workshop_guesses")
    db.execute("ALTER TABLE workshop_agreements DROP COLUMN dots")


@migrations()
def m301_mail(db: Database) -> None:
    """Issue 22: mailed invitations, each address sealed with its code (deleted at close),
    and the sendings in counts (a reminder at most once a day)."""
    db.execute(
        """
        CREATE TABLE mail_recipients (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL,
            tag TEXT NOT NULL,                   -- keyed hash of the address: no repeats
            sealed TEXT NOT NULL,                -- address and code, encrypted together
            state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
            UNIQUE (round_id, tag)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE mail_runs (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            kind TEXT NOT NULL CHECK (kind IN ('invite', 'remind')),
            day TEXT NOT NULL,                   -- YYYY-MM-DD, never a finer time
            total INTEGER NOT NULL,
            sent INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            finished INTEGER NOT NULL
        )
        """
    )


@migrations()
def m302_team_size(db: Database) -> None:
    """Issue 19 item 1: "people here work in teams of about m", a round setting the
    analysis widens its standard errors by (never a team label on a response). Rounds
    made before it get the default of that time, 8."""
    db.execute("ALTER TABLE rounds ADD COLUMN team_size INTEGER NOT NULL DEFAULT 8")


# The slot map's format as m303_slot_maps wrote it, frozen here.
M303_CHUNK = 1024  # positions a map row covers
M303_FREE, M303_TAKEN, M303_UNUSED = "1", "0", "."


@migrations()
def m303_slot_maps(db: Database) -> None:
    """Issue 23: a Send picks its random empty slot in a time that does not grow as the
    round fills. Each slot gets a fixed position in a shuffled list (slot_positions,
    written once, never changed), and per side (and open question) fixed-width map rows
    say which positions are still empty, one character each, overwritten in place. The
    map is a function of which slots are full: it holds no order. The slots' own cells are
    not touched."""
    import random

    db.execute(
        """
        CREATE TABLE slot_positions (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            question TEXT NOT NULL,              -- '' for response slots
            position INTEGER NOT NULL,           -- 0-based, a shuffled order of the slots
            slot_id INTEGER NOT NULL,
            PRIMARY KEY (round_id, side, question, position)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE slot_maps (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            side TEXT NOT NULL CHECK (side IN ('a', 'b')),
            question TEXT NOT NULL,
            chunk INTEGER NOT NULL,              -- positions chunk*1024 .. chunk*1024+1023
            free TEXT NOT NULL,                  -- per position '1' empty, '0' full, '.' none
            PRIMARY KEY (round_id, side, question, chunk)
        )
        """
    )
    rng = random.SystemRandom()
    groups: dict[tuple, list[tuple[int, int]]] = {}
    for round_id, side, question, slot_id, filled in db.execute(
        "SELECT round_id, side, '', id, filled FROM response_slots "
        "UNION ALL SELECT round_id, side, question, id, filled FROM comment_slots"
    ).fetchall():
        groups.setdefault((round_id, side, question), []).append((slot_id, filled))
    for (round_id, side, question), members in groups.items():
        rng.shuffle(members)
        db.conn.executemany(
            "INSERT INTO slot_positions (round_id, side, question, position, slot_id) "
            "VALUES (?, ?, ?, ?, ?)",
            [(round_id, side, question, i, slot_id) for i, (slot_id, _) in enumerate(members)],
        )
        marks = "".join(M303_TAKEN if filled else M303_FREE for _, filled in members)
        for chunk in range(0, len(marks), M303_CHUNK):
            text = marks[chunk : chunk + M303_CHUNK]
            db.execute(
                "INSERT INTO slot_maps (round_id, side, question, chunk, free) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    round_id,
                    side,
                    question,
                    chunk // M303_CHUNK,
                    text.ljust(M303_CHUNK, M303_UNUSED),
                ],
            )


@migrations()
def m304_mail_bounces_and_stops(db: Database) -> None:
    """Issue 22: an invitation a delivery report later says bounced (never reminded), and
    why a sending stopped before its end (the round closed; the mail server's certificate,
    login or TLS refused)."""
    db.execute("ALTER TABLE mail_recipients ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE mail_runs ADD COLUMN stopped TEXT")
