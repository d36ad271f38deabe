"""Storing a workshop: its settings, the guesses as counts, the agreements and their dots.

Nothing here is kept per person: a guess adds one to the count of (workshop, dimension,
side, value), a dot adds one to an agreement. No row holds a time or an address.

No row is inserted per guess or dot either (issue 20, W6): every count is made with the
workshop (guesses) or its agreement (dots) as six digits of text, so adding one rewrites
the same number of bytes in place and no cell of the file moves in order of arrival.
Each phone joins on one of the workshop's preallocated places (W1/W2): its random id is
the phone's one-time token, kept in the phone's signed cookie; the place records only the
side, which dimensions it has guessed and whether it has voted, each rewritten in place.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..store.connection import write_transaction
from ..store.errors import InvalidInput, NotFound, WrongState
from ..store.rounds import Round, get_round
from ..store.sides import SIDES
from ..store.text_rules import unsafe_characters

VARIANTS = ("2h", "half-day")
MAX_DIMENSIONS = {"2h": 3, "half-day": 6}
# Six characters with no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B): read off a
# projector from the back of a room and typed on a phone.
JOIN_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
JOIN_LENGTH = 6
DOTS_PER_PARTICIPANT = 3
COUNT_WIDTH = 6  # every stored count is six digits of text: the same bytes whatever its value
PHONES_PER_SIDE = 100  # places made with the workshop; entering more people in the room adds
MAX_IN_ROOM = 999
# Phones can join on the day the workshop was set up and the next day, no longer: a code
# read off a projector is no key to what the room said for ever after.
OPEN_DAYS = 2
RESPONSIBLE = (*SIDES, "both")
MAX_TEXT = 500


@dataclass(frozen=True)
class Workshop:
    id: int
    round_id: int
    join_code: str
    variant: str
    dimensions: list[str]
    figures: dict[str, Any]
    step: int
    revealed: list[str]
    created_on: str
    in_room: dict[str, int]

    @property
    def threshold(self) -> int:
        return self.figures["threshold"]

    @property
    def last_day(self) -> dt.date:
        """The last day phones can join and take part."""
        return dt.date.fromisoformat(self.created_on) + dt.timedelta(days=OPEN_DAYS - 1)

    def expired(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) > self.last_day

    def label(self, side: str) -> str:
        return self.figures["labels"][side]


@dataclass(frozen=True)
class Agreement:
    id: str
    position: int
    lang: str
    what: str
    responsible: str
    role: str
    due_on: str
    evidence: str
    dots: int


@dataclass(frozen=True)
class Phone:
    """One phone's place in a workshop: what it has done, never what it answered."""

    token: int
    side: str
    guessed: list[str]
    voted: bool


def workshop_figures(round_: Round, analysis: dict[str, Any]) -> dict[str, Any]:
    """What the workshop needs of a closed round's analysis, kept with the workshop: the
    round is final, so the figures never change and the projector need not re-analyse."""
    return {
        "threshold": round_.threshold,
        "lang": round_.lang,
        "labels": {side: round_.label(side) for side in SIDES},
        "respondents": {side: analysis["sides"][side].get("n") for side in SIDES},
        "dimensions": {
            d["id"]: {
                "names": d["names"],
                "means": {key: cell["mean"] for key, cell in d["cells"].items()},
                "n": {key: cell["n"] for key, cell in d["cells"].items()},
            }
            for d in analysis["dimensions"]
        },
        "findings": list(analysis.get("findings", [])),
        "detectable": analysis.get("detectable"),
    }


def suggested_dimensions(figures: dict[str, Any], limit: int) -> list[str]:
    """The dimensions of the clear findings, most certain first; empty when nothing is
    clear (then the facilitator picks)."""
    chosen: list[str] = []
    for finding in figures["findings"]:
        if finding["dimension"] not in chosen and finding["dimension"] in figures["dimensions"]:
            chosen.append(finding["dimension"])
    return chosen[:limit]


def _join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))


def normalise_code(text: str) -> str:
    """Case, spaces and dashes don't matter when a code is typed."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def create_workshop(
    db: Database,
    round_id: int,
    variant: str,
    dimensions: list[str],
    analysis: dict[str, Any] | None = None,
) -> Workshop:
    """A workshop for a closed round, showing the given dimensions in the given order."""
    round_ = get_round(db, round_id)
    if round_.status != "closed":
        raise WrongState("A workshop needs a closed round.")
    if variant not in VARIANTS:
        raise InvalidInput("Unknown agenda '%(variant)s'; use 2h or half-day.", variant=variant)
    known = {d.id for d in round_.questionnaire.dimensions}
    if not dimensions or len(dimensions) != len(set(dimensions)):
        raise InvalidInput("Choose at least one dimension, each once.")
    if len(dimensions) > MAX_DIMENSIONS[variant]:
        raise InvalidInput(
            "The %(variant)s agenda has time for at most %(max)s dimensions.",
            variant=variant,
            max=MAX_DIMENSIONS[variant],
        )
    unknown = [d for d in dimensions if d not in known]
    if unknown:
        raise InvalidInput("Unknown dimension '%(dimension)s'.", dimension=unknown[0])
    if analysis is None:
        from reports.analysis import analyse

        analysis = analyse(db, round_id)
    row = {
        "round_id": round_id,
        "variant": variant,
        "dimensions": json.dumps(dimensions),
        "figures": json.dumps(workshop_figures(round_, analysis), ensure_ascii=False),
        "created_on": dt.date.today().isoformat(),
    }
    with write_transaction(db):
        taken = {r["join_code"] for r in db.query("SELECT join_code FROM workshops")}
        code = _join_code()
        while code in taken:
            code = _join_code()
        db.table("workshops").insert(row | {"join_code": code})
        workshop_id = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        db.conn.executemany(
            "INSERT INTO workshop_guesses VALUES (?, ?, ?, ?, ?)",
            [
                (workshop_id, dimension, side, value, _count(0))
                for dimension in dimensions
                for side in SIDES
                for value in GUESS_VALUES
            ],
        )
        for side in SIDES:
            _add_places(db, workshop_id, side, PHONES_PER_SIDE, len(dimensions))
    return get_workshop(db, workshop_id)


GUESS_VALUES = range(1, 6)


def _count(n: int) -> str:
    """A count as stored: fixed-width text, so rewriting it never changes the row's size."""
    return f"{n:0{COUNT_WIDTH}d}"


def _add_places(db: Database, workshop_id: int, side: str, n: int, dimensions: int) -> None:
    """`n` more places for phones of `side`, each with a random id (its token)."""
    db.conn.executemany(
        "INSERT INTO workshop_phones (id, workshop_id, side, guessed) VALUES (?, ?, ?, ?)",
        [(secrets.randbits(62) + 1, workshop_id, side, "0" * dimensions) for _ in range(n)],
    )


def _from_row(row: dict[str, Any]) -> Workshop:
    return Workshop(
        **row
        | {
            "dimensions": json.loads(row["dimensions"]),
            "figures": json.loads(row["figures"]),
            "revealed": json.loads(row["revealed"]),
            "in_room": json.loads(row["in_room"]),
        }
    )


def get_workshop(db: Database, workshop_id: int) -> Workshop:
    rows = list(db.query("SELECT * FROM workshops WHERE id = ?", [workshop_id]))
    if not rows:
        raise NotFound("There is no workshop %(id)s.", id=workshop_id)
    return _from_row(rows[0])


def find_by_code(db: Database, code: str) -> Workshop:
    rows = list(db.query("SELECT * FROM workshops WHERE join_code = ?", [normalise_code(code)]))
    if not rows:
        raise NotFound("There is no workshop with this code. Check the code on the screen.")
    return _from_row(rows[0])


def workshops_of_round(db: Database, round_id: int) -> list[Workshop]:
    rows = db.query("SELECT * FROM workshops WHERE round_id = ? ORDER BY id", [round_id])
    return [_from_row(row) for row in rows]


def set_step(db: Database, workshop: Workshop, step: int, blocks: int) -> Workshop:
    """Move the projector to an agenda block (kept within the agenda)."""
    step = max(0, min(step, blocks - 1))
    with write_transaction(db):
        db.execute("UPDATE workshops SET step = ? WHERE id = ?", [step, workshop.id])
    return get_workshop(db, workshop.id)


def reveal(db: Database, workshop: Workshop, dimension: str) -> Workshop:
    """Show a dimension's figures; from now on nobody can guess it any more."""
    if dimension not in workshop.dimensions:
        raise InvalidInput("The workshop does not show '%(dimension)s'.", dimension=dimension)
    with write_transaction(db):
        current = json.loads(
            db.execute("SELECT revealed FROM workshops WHERE id = ?", [workshop.id]).fetchone()[0]
        )
        if dimension not in current:
            db.execute(
                "UPDATE workshops SET revealed = ? WHERE id = ?",
                [json.dumps(current + [dimension]), workshop.id],
            )
    return get_workshop(db, workshop.id)


def set_in_room(db: Database, workshop: Workshop, counts: dict[str, int]) -> Workshop:
    """The facilitator's count of each side's people in the room: a side with more guesses
    than its people is held back at the reveal (someone guessed twice or for others)."""
    if set(counts) != set(SIDES) or any(
        not isinstance(n, int) or not 0 <= n <= MAX_IN_ROOM for n in counts.values()
    ):
        raise InvalidInput(
            "Give the number of people of each side in the room, from 0 to %(max)s.",
            max=MAX_IN_ROOM,
        )
    with write_transaction(db):
        for side, n in counts.items():
            (places,) = db.execute(
                "SELECT count(*) FROM workshop_phones WHERE workshop_id = ? AND side = ?",
                [workshop.id, side],
            ).fetchone()
            if n > places:
                _add_places(db, workshop.id, side, n - places, len(workshop.dimensions))
        db.execute(
            "UPDATE workshops SET in_room = ? WHERE id = ?",
            [json.dumps({side: counts[side] for side in SIDES}), workshop.id],
        )
    return get_workshop(db, workshop.id)


def join(db: Database, workshop: Workshop, side: str) -> int:
    """Give a phone a free place of its side; returns the place's id, the phone's one-time
    token. A place is taken once and for good: a phone that loses its cookie is a new one."""
    if side not in SIDES:
        raise InvalidInput("Choose your side first.")
    with write_transaction(db):
        row = db.execute(
            """SELECT id FROM workshop_phones WHERE workshop_id = ? AND side = ? AND NOT joined
               ORDER BY random() LIMIT 1""",
            [workshop.id, side],
        ).fetchone()
        if row is None:
            raise WrongState(
                "Every place of this side is taken. Ask the facilitator to enter how many "
                "of your side are in the room."
            )
        db.execute("UPDATE workshop_phones SET joined = 1 WHERE id = ?", [row[0]])
    return row[0]


def phone(db: Database, workshop: Workshop, token: object) -> Phone | None:
    """The joined place a phone's token names, or None (no token, or not of this workshop)."""
    if not isinstance(token, int):
        return None
    row = db.execute(
        """SELECT side, guessed, voted FROM workshop_phones
           WHERE id = ? AND workshop_id = ? AND joined""",
        [token, workshop.id],
    ).fetchone()
    if row is None:
        return None
    side, guessed, voted = row
    done = [d for d, flag in zip(workshop.dimensions, guessed, strict=False) if flag == "1"]
    return Phone(token, side, done, bool(voted))


def _joined(db: Database, workshop: Workshop, token: int) -> Phone:
    found = phone(db, workshop, token)
    if found is None:
        raise InvalidInput("Choose your side first.")
    return found


def add_guess(db: Database, workshop: Workshop, token: int, dimension: str, value: int) -> None:
    """Count one phone's guess: how its side thinks the other side rated it on
    `dimension`. Once per phone and dimension, whatever the phone's cookie says."""
    if dimension not in workshop.dimensions:
        raise InvalidInput("This dimension is not part of the workshop.")
    if not isinstance(value, int) or value not in GUESS_VALUES:
        raise InvalidInput("A guess is a number from 1 to 5.")
    position = workshop.dimensions.index(dimension) + 1
    with write_transaction(db):
        place = _joined(db, workshop, token)
        revealed = json.loads(
            db.execute("SELECT revealed FROM workshops WHERE id = ?", [workshop.id]).fetchone()[0]
        )
        if dimension in revealed:
            raise WrongState("The figures for this dimension are already on the screen.")
        if dimension in place.guessed:
            raise WrongState("You have already guessed this one.")
        db.execute(
            f"""UPDATE workshop_guesses SET count = printf('%0{COUNT_WIDTH}d', count + 1)
                WHERE workshop_id = ? AND dimension = ? AND side = ? AND value = ?""",
            [workshop.id, dimension, place.side, value],
        )
        db.execute(
            """UPDATE workshop_phones
               SET guessed = substr(guessed, 1, ? - 1) || '1' || substr(guessed, ? + 1)
               WHERE id = ?""",
            [position, position, token],
        )


def guess_counts(db: Database, workshop_id: int) -> dict[str, dict[str, list[int]]]:
    """{dimension: {side: [count of 1, …, count of 5]}} for every dimension guessed."""
    result: dict[str, dict[str, list[int]]] = {}
    rows = db.query(
        """SELECT dimension, side, value, CAST(count AS INTEGER) AS count
           FROM workshop_guesses WHERE workshop_id = ?""",
        [workshop_id],
    )
    for row in rows:
        sides = result.setdefault(row["dimension"], {side: [0] * 5 for side in SIDES})
        sides[row["side"]][row["value"] - 1] = row["count"]
    return {d: sides for d, sides in result.items() if any(map(any, sides.values()))}


# Per field of an agreement: the message when it is missing, when it is too long, and when
# it holds control or text-direction characters (whole sentences, so each translates with
# its own grammar).
_FIELD_MESSAGES = {
    "what": (
        "Say what will change.",
        "Keep what will change under %(max)s characters.",
        "What will change holds control or text-direction characters; type it plainly.",
    ),
    "role": (
        "Say the role.",
        "Keep the role under %(max)s characters.",
        "The role holds control or text-direction characters; type it plainly.",
    ),
    "evidence": (
        "Say how both sides will know.",
        "Keep how both sides will know under %(max)s characters.",
        "How both sides will know holds control or text-direction characters; type it plainly.",
    ),
}


def _clean(value: str, field: str, required: bool = True) -> str:
    """The field's text on one line; refused when missing, too long, or holding characters
    that would reach the follow-up round's respondents and the CSV (NUL, ESC, U+202E …)."""
    missing, too_long, unsafe = _FIELD_MESSAGES[field]
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidInput(missing)
    if len(text) > MAX_TEXT:
        raise InvalidInput(too_long, max=MAX_TEXT)
    if unsafe_characters(text):
        raise InvalidInput(unsafe)
    return text


def add_agreement(
    db: Database,
    workshop: Workshop,
    what: str,
    responsible: str,
    due_on: str,
    evidence: str,
    role: str = "",
    lang: str | None = None,
) -> str:
    """Record an agreement; returns its stable id (a later round can carry it as an item)."""
    if responsible not in RESPONSIBLE:
        raise InvalidInput("Say which side does it: a, b or both.")
    try:
        due = dt.date.fromisoformat(due_on).isoformat()
    except (TypeError, ValueError):
        raise InvalidInput("The date must look like 2026-12-31.") from None
    agreement_id = secrets.token_hex(8)
    row = {
        "id": agreement_id,
        "workshop_id": workshop.id,
        "lang": lang or workshop.figures["lang"],
        "what": _clean(what, "what"),
        "responsible": responsible,
        "role": _clean(role, "role", required=False),
        "due_on": due,
        "evidence": _clean(evidence, "evidence"),
    }
    with write_transaction(db):
        last = db.execute(
            "SELECT coalesce(max(position), 0) FROM workshop_agreements WHERE workshop_id = ?",
            [workshop.id],
        ).fetchone()[0]
        db.table("workshop_agreements").insert(row | {"position": last + 1})
        db.execute("INSERT INTO workshop_dots VALUES (?, ?)", [agreement_id, _count(0)])
    return agreement_id


def delete_agreement(db: Database, workshop: Workshop, agreement_id: str) -> None:
    with write_transaction(db):
        db.execute(
            """DELETE FROM workshop_dots WHERE agreement_id IN
               (SELECT id FROM workshop_agreements WHERE id = ? AND workshop_id = ?)""",
            [agreement_id, workshop.id],
        )
        db.execute(
            "DELETE FROM workshop_agreements WHERE id = ? AND workshop_id = ?",
            [agreement_id, workshop.id],
        )


def agreements(db: Database, workshop_id: int) -> list[Agreement]:
    rows = db.query(
        """SELECT a.id, position, lang, what, responsible, role, due_on, evidence,
                  CAST(d.count AS INTEGER) AS dots
           FROM workshop_agreements a JOIN workshop_dots d ON d.agreement_id = a.id
           WHERE workshop_id = ? ORDER BY position""",
        [workshop_id],
    )
    return [Agreement(**row) for row in rows]


def cast_dots(db: Database, workshop: Workshop, token: int, dots: dict[str, int]) -> int:
    """One phone's dots (at most three in all, several on one agreement allowed), added
    to the agreements' counts in one transaction, once per phone whatever its cookie says.
    Returns the dots cast."""
    if any(not isinstance(n, int) or n < 0 for n in dots.values()):
        raise InvalidInput("Dots are whole numbers.")
    total = sum(dots.values())
    if total > DOTS_PER_PARTICIPANT:
        raise InvalidInput("You have %(dots)s dots in all.", dots=DOTS_PER_PARTICIPANT)
    if total == 0:
        raise InvalidInput("Put at least one dot on an agreement.")
    with write_transaction(db):
        if _joined(db, workshop, token).voted:
            raise WrongState("Your dots are already counted.")
        known = {
            row[0]
            for row in db.execute(
                "SELECT id FROM workshop_agreements WHERE workshop_id = ?", [workshop.id]
            )
        }
        if not set(dots) <= known:
            raise InvalidInput("That agreement is not part of this workshop.")
        for agreement_id, n in dots.items():
            if n:
                db.execute(
                    f"""UPDATE workshop_dots SET count = printf('%0{COUNT_WIDTH}d', count + ?)
                        WHERE agreement_id = ?""",
                    [n, agreement_id],
                )
        db.execute("UPDATE workshop_phones SET voted = 1 WHERE id = ?", [token])
    return total
