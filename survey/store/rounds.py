"""Survey rounds: create, open (freezing the questionnaire), close. Closing is final."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database

from . import carried, mailing, slots
from . import questionnaire as qn
from .connection import write_transaction
from .errors import InvalidInput, NotFound, WrongState
from .sides import SIDES, count_per_side, require
from .text_rules import unsafe_characters

DEFAULT_THRESHOLD = 5
DEFAULT_COMMENT_THRESHOLD = 10
MIN_THRESHOLD = 3
# "People here work in teams of about m": 8 unless HR says otherwise, so that the report's
# promise holds for teams of 4-8 that answer alike (reports.stats.ASSUMED_ICC); 1 = alone.
DEFAULT_TEAM_SIZE = 8
MAX_TEAM_SIZE = 100
DEFAULT_TIMEZONE = "Europe/Warsaw"
MAX_LABEL_LENGTH = 60
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class Round:
    id: int
    name: str
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_json: str | None
    side_a: str
    side_b: str
    lang: str
    languages: str
    headcount_a: int | None
    headcount_b: int | None
    threshold: int
    comment_threshold: int
    status: str
    timezone: str
    closes_on: str | None
    created_on: str
    opened_on: str | None
    closed_on: str | None
    team_size: int = DEFAULT_TEAM_SIZE

    @property
    def questionnaire(self) -> qn.Questionnaire:
        """The frozen copy once open; the file while still a draft."""
        if self.questionnaire_json:
            return qn.Questionnaire.from_json(self.questionnaire_json)
        return qn.load(self.questionnaire_id)

    def label(self, side: str) -> str:
        """The name the round gives a side, e.g. Sprzedaż."""
        return dict(zip(SIDES, (self.side_a, self.side_b), strict=True))[require(side)]

    def headcount(self, side: str) -> int | None:
        return dict(zip(SIDES, (self.headcount_a, self.headcount_b), strict=True))[require(side)]

    def today(self) -> dt.date:
        """Today's date in the round's time zone (the only time respondents leave)."""
        return dt.datetime.now(ZoneInfo(self.timezone)).date()


def _today(timezone: str = DEFAULT_TIMEZONE) -> str:
    return dt.datetime.now(ZoneInfo(timezone)).date().isoformat()


def _clean_label(value: str, side: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("Side %(side)s's label must not be empty.", side=side)
    if len(value) > MAX_LABEL_LENGTH:
        raise InvalidInput(
            "Side %(side)s's label is longer than %(max)s characters.",
            side=side,
            max=MAX_LABEL_LENGTH,
        )
    if unsafe_characters(value):
        raise InvalidInput(
            "Side %(side)s's label holds control or text-direction characters; type it plainly.",
            side=side,
        )
    return value


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("The round needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput("The round name is longer than %(max)s characters.", max=MAX_NAME_LENGTH)
    if unsafe_characters(name):
        raise InvalidInput("The round name holds control or text-direction characters.")
    return name


def _clean_sides(side_a: str, side_b: str) -> tuple[str, str]:
    side_a = _clean_label(side_a, "A")
    side_b = _clean_label(side_b, "B")
    if side_a.casefold() == side_b.casefold():
        raise InvalidInput("The two sides need different labels.")
    return side_a, side_b


def check_language(questionnaire: qn.Questionnaire, lang: str) -> None:
    """Refuse a language the questionnaire has no texts in (a round's, or a mailed
    person's: their pages would otherwise mix two languages)."""
    if lang not in questionnaire.languages:
        raise InvalidInput(
            "Language '%(lang)s' is not offered by '%(questionnaire)s' (%(offered)s).",
            lang=lang,
            questionnaire=questionnaire.id,
            offered=", ".join(questionnaire.languages),
        )


def _clean_date(closes_on: str | None) -> str | None:
    if closes_on is None:
        return None
    try:
        return dt.date.fromisoformat(closes_on).isoformat()
    except ValueError as exc:
        raise InvalidInput(
            "Closing date '%(date)s' is not a date (YYYY-MM-DD).", date=closes_on
        ) from exc


def check_settings(
    *,
    threshold: int,
    comment_threshold: int,
    headcount_a: int | None,
    headcount_b: int | None,
    team_size: int = DEFAULT_TEAM_SIZE,
) -> None:
    """The reporting rules every round must keep (shared by create and edit)."""
    if not 1 <= team_size <= MAX_TEAM_SIZE:
        raise InvalidInput(
            "The team size must be between 1 (people work alone) and %(max)s.", max=MAX_TEAM_SIZE
        )
    if threshold < MIN_THRESHOLD:
        raise InvalidInput("The threshold must be at least %(min)s.", min=MIN_THRESHOLD)
    if comment_threshold < threshold:
        raise InvalidInput("The comment threshold must not be lower than the threshold.")
    for side, count in (("A", headcount_a), ("B", headcount_b)):
        if count is not None and count < 1:
            raise InvalidInput("The headcount of side %(side)s must be 1 or more.", side=side)


def create_round(
    db: Database,
    name: str,
    questionnaire_id: str,
    side_a: str,
    side_b: str,
    *,
    lang: str = "pl",
    headcount_a: int | None = None,
    headcount_b: int | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    comment_threshold: int = DEFAULT_COMMENT_THRESHOLD,
    closes_on: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    team_size: int = DEFAULT_TEAM_SIZE,
) -> int:
    """Create a draft round and return its id."""
    name = _clean_name(name)
    side_a, side_b = _clean_sides(side_a, side_b)
    questionnaire = qn.load(questionnaire_id)
    check_language(questionnaire, lang)
    check_settings(
        threshold=threshold,
        comment_threshold=comment_threshold,
        headcount_a=headcount_a,
        headcount_b=headcount_b,
        team_size=team_size,
    )
    closes_on = _clean_date(closes_on)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("Unknown time zone '%(zone)s'.", zone=timezone) from exc
    table = db.table("rounds")
    with write_transaction(db):
        table.insert(
            {
                "name": name,
                "questionnaire_id": questionnaire.id,
                "questionnaire_version": questionnaire.version,
                "side_a": side_a,
                "side_b": side_b,
                "lang": lang,
                "languages": ",".join(questionnaire.languages),
                "headcount_a": headcount_a,
                "headcount_b": headcount_b,
                "threshold": threshold,
                "comment_threshold": comment_threshold,
                "team_size": team_size,
                "timezone": timezone,
                "closes_on": closes_on,
                "created_on": _today(timezone),
            }
        )
    return cast(int, table.last_pk)  # sqlite-utils types it Optional: None before an insert


def get_round(db: Database, round_id: int | str) -> Round:
    try:
        key = int(round_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("Round '%(id)s' does not exist.", id=round_id) from exc
    if not 0 < key < 2**63:  # beyond SQLite's integers: no such round, not a crash
        raise NotFound("Round %(id)s does not exist.", id=round_id)
    # execute(), not query(): a plain read needs no savepoint around it (every submit
    # reads its round).
    cursor = db.execute("SELECT * FROM rounds WHERE id = ?", [key])
    row = cursor.fetchone()
    if row is None:
        raise NotFound("Round %(id)s does not exist.", id=round_id)
    names = (column[0] for column in cursor.description)
    return Round(**dict(zip(names, row, strict=True)))


def list_rounds(db: Database) -> list[Round]:
    return [Round(**row) for row in db.query("SELECT * FROM rounds ORDER BY id")]


def _set_status(db: Database, round_id: int, expected: str, changes: dict[str, Any]) -> Round:
    with write_transaction(db):
        current = get_round(db, round_id)
        if current.status != expected:
            raise _transition_error(current, changes["status"])
        db.table("rounds").update(current.id, changes)
    return get_round(db, round_id)


def _transition_error(current: Round, wanted: str) -> WrongState:
    if current.status == "closed":
        return WrongState("Round %(id)s is closed; closing is final.", id=current.id)
    if wanted == "closed":
        return WrongState("Round %(id)s is a draft; open it before closing it.", id=current.id)
    return WrongState("Round %(id)s is already open.", id=current.id)


def open_round(db: Database, round_id: int) -> Round:
    """draft → open. Freezes a copy of the questionnaire (and the workshop agreements
    chosen to be carried) into the round."""
    current = get_round(db, round_id)
    frozen = qn.load(current.questionnaire_id) if current.status == "draft" else None
    changes: dict[str, Any] = {"status": "open", "opened_on": _today(current.timezone)}
    with write_transaction(db):  # the slots of the codes made so far, in the same step
        if frozen is not None:
            frozen = carried.freeze(db, current, frozen)
            changes["questionnaire_json"] = frozen.to_json()
            changes["questionnaire_version"] = frozen.version
        round_ = _set_status(db, round_id, "draft", changes)
        if frozen is not None:
            slots.record_positions(db, round_id, frozen)
            for side, count in count_per_side(db, "invites", round_id).items():
                slots.allocate(db, round_id, frozen, side, count)
    return round_


def close_round(db: Database, round_id: int) -> Round:
    """open → closed. A closed round never accepts responses again, and in the same
    step every mailed address of the round is destroyed (issue 22)."""
    current = get_round(db, round_id)
    with write_transaction(db):
        closed = _set_status(
            db, round_id, "open", {"status": "closed", "closed_on": _today(current.timezone)}
        )
        mailing.forget_round(db, round_id)
    return closed


DRAFT_FIELDS = frozenset(
    {
        "name",
        "side_a",
        "side_b",
        "lang",
        "headcount_a",
        "headcount_b",
        "threshold",
        "comment_threshold",
        "closes_on",
        "team_size",
    }
)
# Once responses may exist, only what protects respondents more (and the planned date),
# and the team size, an assumption about the workplace that only widens or narrows the
# report's allowance for teams (it reveals nothing); it is fixed once the round closes.
OPEN_FIELDS = frozenset({"threshold", "comment_threshold", "closes_on", "team_size"})


def update_round(db: Database, round_id: int, **changes: Any) -> Round:
    """Change a round's settings: anything while a draft; once open only the closing date
    and the thresholds, which may be raised but never lowered (lowering could reveal a
    group that respondents were promised stays hidden). A closed round is final."""
    with write_transaction(db):
        current = get_round(db, round_id)
        if current.status == "closed":
            raise WrongState("Round %(id)s is closed; closing is final.", id=current.id)
        allowed = DRAFT_FIELDS if current.status == "draft" else OPEN_FIELDS
        unknown = sorted(set(changes) - DRAFT_FIELDS)
        if unknown:
            raise InvalidInput("Unknown round settings: %(names)s.", names=", ".join(unknown))
        locked = sorted(
            key for key in set(changes) - allowed if changes[key] != getattr(current, key)
        )
        if locked:
            raise WrongState(
                "Round %(id)s is open; %(names)s can no longer be changed.",
                id=current.id,
                names=", ".join(locked),
            )
        merged = {key: changes.get(key, getattr(current, key)) for key in DRAFT_FIELDS}
        if current.status == "open":
            for key in ("threshold", "comment_threshold"):
                if merged[key] < getattr(current, key):
                    raise WrongState(
                        "Round %(id)s is open; its thresholds can be raised but never lowered.",
                        id=current.id,
                    )
        merged["name"] = _clean_name(merged["name"])
        merged["side_a"], merged["side_b"] = _clean_sides(merged["side_a"], merged["side_b"])
        check_language(current.questionnaire, merged["lang"])
        check_settings(
            threshold=merged["threshold"],
            comment_threshold=merged["comment_threshold"],
            headcount_a=merged["headcount_a"],
            headcount_b=merged["headcount_b"],
            team_size=merged["team_size"],
        )
        merged["closes_on"] = _clean_date(merged["closes_on"])
        db.table("rounds").update(current.id, merged)
    return get_round(db, round_id)


def choose_agreements(db: Database, round_id: int, agreement_ids: list[str]) -> None:
    """Replace a draft round's choice. Every agreement must come from a workshop of an
    earlier closed round with the same two sides (carried.offered); else nothing changes."""
    with write_transaction(db):
        round_ = get_round(db, round_id)
        if round_.status != "draft":
            raise WrongState(
                "Round %(id)s is no longer a draft; its agreements are fixed.", id=round_.id
            )
        allowed = {offer.id for offer in carried.offered(db, round_)}
        wrong = sorted(set(agreement_ids) - allowed)
        if wrong:
            raise InvalidInput(
                "Only agreements from a workshop of an earlier closed round with the same "
                "two sides (%(side_a)s and %(side_b)s) can be carried.",
                side_a=round_.side_a,
                side_b=round_.side_b,
            )
        db.execute("DELETE FROM round_agreements WHERE round_id = ?", [round_id])
        for agreement_id in sorted(set(agreement_ids)):
            db.execute(
                "INSERT INTO round_agreements (round_id, agreement_id) VALUES (?, ?)",
                [round_id, agreement_id],
            )


def comparable_rounds(db: Database, round_: Round) -> list[Round]:
    """Earlier closed rounds of the same questionnaire and side labels: what a report may be
    compared with."""
    return [
        other
        for other in list_rounds(db)
        if other.id != round_.id
        and other.status == "closed"
        and other.questionnaire_id == round_.questionnaire_id
        and (other.side_a, other.side_b) == (round_.side_a, round_.side_b)
        and (other.closed_on or "", other.id) < (round_.closed_on or "", round_.id)
    ]
