"""Questionnaires: TOML data files in questionnaires/, validated into plain dataclasses.

A questionnaire has dimensions; each dimension has items; each item has a text for each
of three perspectives (self, other, meta) in each language. Texts may use {own} and
{other}, filled with the round's side labels.
"""

from __future__ import annotations

import functools
import json
import re
import string
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidInput, NotFound
from .languages import LANGUAGES
from .resources import data_dir

QUESTIONNAIRE_DIR = data_dir("questionnaires")
PERSPECTIVES = ("self", "other", "meta")
PLACEHOLDERS = {"own", "other"}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,47}$")
SCALE_POINTS = 5
# Everything str.splitlines() breaks on, and the other control characters.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Item:
    id: str
    texts: dict[str, dict[str, str]]  # perspective -> lang -> text


@dataclass(frozen=True)
class Dimension:
    id: str
    name: dict[str, str]
    items: list[Item]
    discussion: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenQuestion:
    id: str
    text: dict[str, str]


# Where a carried agreement's answer sits among the answer keys: (AGREEMENT_DIMENSION, id, KEPT).
AGREEMENT_DIMENSION, KEPT = "agreement", "kept"


@dataclass(frozen=True)
class CarriedAgreement:
    """A workshop agreement asked again in a later round ("…was kept"), frozen at open."""

    id: str
    what: str  # in the language it was written in (`lang`)
    lang: str
    responsible: str  # the side label, or both labels
    due_on: str
    since_round: int  # the round whose workshop recorded it

    def key(self) -> tuple[str, str, str]:
        return (AGREEMENT_DIMENSION, self.id, KEPT)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    languages: list[str]
    title: dict[str, str]
    intro: dict[str, str]
    scale: dict[str, list[str]]
    dont_know: dict[str, str]
    dimensions: list[Dimension]
    open_questions: list[OpenQuestion]
    agreements: list[CarriedAgreement] = field(default_factory=list)

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise NotFound(f"No dimension {dimension_id!r} in questionnaire {self.id!r}.")

    def item_keys(self) -> list[tuple[str, str, str]]:
        """Every (dimension, item, perspective) the questionnaire asks, in order."""
        return [
            (dimension.id, item.id, perspective)
            for dimension in self.dimensions
            for item in dimension.items
            for perspective in PERSPECTIVES
        ]

    def answer_keys(self) -> list[tuple[str, str, str]]:
        """What a stored response holds, in order: every item, then each carried
        agreement's "was kept" (fixed per round, so every answers string has one length)."""
        return self.item_keys() + [agreement.key() for agreement in self.agreements]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Questionnaire:
        return _parse_frozen(text)


@functools.lru_cache(maxsize=64)
def _parse_frozen(text: str) -> Questionnaire:
    """A round's frozen copy never changes, so each request need not validate it again.
    (The cached object is shared: treat questionnaires as read-only.)"""
    return parse(json.loads(text), source="<frozen copy>")


def fill(text: str, own: str, other: str) -> str:
    """Put the sides' labels into a text (labels are never themselves formatted)."""
    return text.replace("{own}", own).replace("{other}", other)


# --- Loading and validation --------------------------------------------------


class _Problems:
    """Collects every problem with a file, so the author sees them all at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        """One problem a line: control characters from the file are shown escaped."""
        self.messages.append(f"{self.source}: {_printable(where)}: {_printable(message)}")


def _printable(text: str) -> str:
    return CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _text(problems: _Problems, value: Any, where: str, languages: list[str]) -> dict[str, str]:
    """A per-language text: every language present, non-empty, known placeholders only."""
    if not isinstance(value, dict):
        problems.add(
            where, "must be a table with one text per language (" + ", ".join(languages) + ")"
        )
        return {}
    result: dict[str, str] = {}
    for lang in languages:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.add(f"{where}.{lang}", "missing translation")
            continue
        _check_placeholders(problems, text, f"{where}.{lang}")
        result[lang] = text
    for extra in sorted(set(value) - set(languages)):
        problems.add(f"{where}.{extra}", f"unknown language (the file declares {languages})")
    return result


def _check_placeholders(problems: _Problems, text: str, where: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        problems.add(where, f"broken placeholder ({exc}); use {{own}} or {{other}}")
        return
    for name in sorted(names - PLACEHOLDERS):
        problems.add(
            where, f"unknown placeholder {{{name}}}; only {{own}} and {{other}} are allowed"
        )


def _identifier(problems: _Problems, value: Any, where: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        problems.add(
            where, "id must be lower-case letters, digits, _ or - (starting with a letter)"
        )
        return str(value)
    if value in seen:
        problems.add(where, f"duplicate id {value!r}")
    seen.add(value)
    return value


def parse(data: dict[str, Any], source: str) -> Questionnaire:
    """Validate parsed TOML/JSON data; raise InvalidInput listing every problem."""
    problems = _Problems(source)
    languages = data.get("languages", list(LANGUAGES))
    if (
        not isinstance(languages, list)
        or not languages
        or any(lang not in LANGUAGES for lang in languages)
    ):
        problems.add("languages", f"must be a non-empty list of {list(LANGUAGES)}")
        languages = list(LANGUAGES)
    qid = _identifier(problems, data.get("id"), "id", set())
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.add("version", "must be a whole number, 1 or more")
        version = 1  # never used: the problems are raised below
    title = _text(problems, data.get("title"), "title", languages)
    intro = _text(problems, data.get("intro"), "intro", languages)

    scale: dict[str, list[str]] = {}
    raw_scale = data.get("scale")
    if not isinstance(raw_scale, dict):
        problems.add("scale", "must give the 5 answer labels per language")
    else:
        for lang in languages:
            labels = raw_scale.get(lang)
            if (
                not isinstance(labels, list)
                or len(labels) != SCALE_POINTS
                or not all(isinstance(x, str) and x.strip() for x in labels)
            ):
                problems.add(f"scale.{lang}", "missing translation: needs exactly 5 labels")
            else:
                scale[lang] = labels
    dont_know = _text(problems, data.get("dont_know"), "dont_know", languages)

    dimensions: list[Dimension] = []
    raw_dimensions = data.get("dimensions")
    if not isinstance(raw_dimensions, list) or not raw_dimensions:
        problems.add("dimensions", "at least one dimension is needed")
        raw_dimensions = []
    dimension_ids: set[str] = set()
    for d_index, raw in enumerate(raw_dimensions):
        where = f"dimensions[{d_index}]"
        if not isinstance(raw, dict):
            problems.add(where, "must be a table")
            continue
        did = _identifier(problems, raw.get("id"), f"{where}.id", dimension_ids)
        where = f"dimensions.{did}"
        name = _text(problems, raw.get("name"), f"{where}.name", languages)
        discussion: dict[str, list[str]] = {}
        raw_discussion = raw.get("discussion", {})
        if not isinstance(raw_discussion, dict):
            problems.add(f"{where}.discussion", "must be a table of question lists per language")
        elif raw_discussion:
            for lang in languages:
                questions = raw_discussion.get(lang)
                if not isinstance(questions, list) or not all(
                    isinstance(q, str) and q.strip() for q in questions
                ):
                    problems.add(f"{where}.discussion.{lang}", "missing translation")
                    continue
                for q_index, question in enumerate(questions):
                    _check_placeholders(problems, question, f"{where}.discussion.{lang}[{q_index}]")
                discussion[lang] = questions
        items: list[Item] = []
        raw_items = raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            problems.add(f"{where}.items", "empty dimension: add at least one item")
            raw_items = []
        item_ids: set[str] = set()
        for i_index, raw_item in enumerate(raw_items):
            if not isinstance(raw_item, dict):
                problems.add(f"{where}.items[{i_index}]", "must be a table")
                continue
            iid = _identifier(
                problems, raw_item.get("id"), f"{where}.items[{i_index}].id", item_ids
            )
            texts_raw = raw_item.get("texts", raw_item)  # TOML puts perspectives at top level
            texts = {
                p: _text(problems, texts_raw.get(p), f"{where}.{iid}.{p}", languages)
                for p in PERSPECTIVES
            }
            items.append(Item(id=iid, texts=texts))
        dimensions.append(Dimension(id=did, name=name, items=items, discussion=discussion))

    open_questions: list[OpenQuestion] = []
    question_ids: set[str] = set()
    raw_questions = data.get("open_questions", [])
    if not isinstance(raw_questions, list):
        problems.add("open_questions", "must be a list of tables")
        raw_questions = []
    for q_index, raw in enumerate(raw_questions):
        if not isinstance(raw, dict):
            problems.add(f"open_questions[{q_index}]", "must be a table")
            continue
        oid = _identifier(problems, raw.get("id"), f"open_questions[{q_index}].id", question_ids)
        text = _text(problems, raw.get("text"), f"open_questions.{oid}.text", languages)
        open_questions.append(OpenQuestion(id=oid, text=text))

    agreements = _agreements(problems, data.get("agreements", []))
    if problems.messages:
        raise InvalidInput("\n".join(problems.messages))
    return Questionnaire(
        id=qid,
        version=version,
        languages=languages,
        title=title,
        intro=intro,
        scale=scale,
        dont_know=dont_know,
        dimensions=dimensions,
        open_questions=open_questions,
        agreements=agreements,
    )


def _agreements(problems: _Problems, raw: Any) -> list[CarriedAgreement]:
    """Agreements frozen into a round's copy (a questionnaire file has none)."""
    if not isinstance(raw, list):
        problems.add("agreements", "must be a list of tables")
        return []
    result = []
    for index, entry in enumerate(raw):
        try:
            result.append(CarriedAgreement(**entry))
        except TypeError:
            problems.add(f"agreements[{index}]", "is not a carried agreement")
    return result


def load_file(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise NotFound(f"{path}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path}: not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read: {exc}") from exc
    return parse(data, source=str(path))


def available(directory: Path = QUESTIONNAIRE_DIR) -> list[Questionnaire]:
    """Every questionnaire file shipped in the directory (invalid ones raise)."""
    return [load_file(path) for path in sorted(directory.glob("*.toml"))]


def load(questionnaire_id: str, directory: Path = QUESTIONNAIRE_DIR) -> Questionnaire:
    """Load a questionnaire by id. The id is checked, so it can never name a path outside
    the questionnaires folder."""
    if not isinstance(questionnaire_id, str) or not ID_PATTERN.match(questionnaire_id):
        raise NotFound("Unknown questionnaire '%(id)s'.", id=questionnaire_id)
    path = directory / f"{questionnaire_id}.toml"
    if not path.is_file():
        known = ", ".join(q.stem for q in sorted(directory.glob("*.toml")))
        raise NotFound(
            "Unknown questionnaire '%(id)s'. Available: %(known)s.",
            id=questionnaire_id,
            known=known,
        )
    questionnaire = load_file(path)
    if questionnaire.id != questionnaire_id:
        raise InvalidInput(f"{path}: id is {questionnaire.id!r}, expected {questionnaire_id!r}")
    return questionnaire


def csv_columns(questionnaire: Questionnaire) -> list[str]:
    """The CSV header used by `survey import` and `survey export`."""
    return (
        ["side"]
        + [f"{d}.{i}.{p}" for d, i, p in questionnaire.item_keys()]
        + [f"open.{q.id}" for q in questionnaire.open_questions]
    )
