"""What the analysis reads from the database: aggregates made by SQLite, never rows
of answers looped over in Python. This module is the analysis's only door to the
stored answers: a change of storage changes the query here and nothing else.

SQLite sums, per respondent and dimension, one integer that packs all their answers
there: for each perspective, the answers item by item (3 bits each: 0 skipped, 1–5,
6 don't know). Grouping by that code leaves a few thousand distinct rows per round
however many respondents it has; numpy unpacks them into scores, answer counts, pairs
and item vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from sqlite_utils import Database

from survey.store.errors import InvalidInput
from survey.store.questionnaire import AGREEMENT_DIMENSION, PERSPECTIVES, Questionnaire
from survey.store.sides import SIDES, count_per_side
from survey.store.slots import SKIPPED

SCALE = range(1, 6)
DONT_KNOW_PACKED = 6  # "don't know" as a 3-bit digit of a packed code (stored as NULL)
BITS = 3
SYMBOLS = 6  # values 1–5 and don't know
MAX_ITEMS = 2**BITS - 1  # a digit counts at most 7 answers of one value

Score = Fraction  # a respondent's dimension score: mean of their numeric answers
CellKey = tuple[str, str, str]  # (side, perspective, dimension)


@dataclass
class CellData:
    scores: dict[Score, int] = field(default_factory=dict)  # score -> respondents
    counts: list[int] = field(default_factory=lambda: [0] * len(SCALE))  # answers 1..5
    dont_know: int = 0  # "don't know" answers
    people: int = 0  # respondents with any answer here, "don't know" included
    dont_know_people: int = 0  # respondents with at least one "don't know" here
    full: int = 0  # respondents who answered every statement here (a number or don't know)


@dataclass
class RoundData:
    respondents: dict[str, int]  # side -> respondents
    cells: dict[CellKey, CellData]
    # (side, dimension) -> {self score - meta score: respondents with both}
    differences: dict[tuple[str, str], dict[Score, int]]
    # (side, perspective, dimension) -> {complete item vector: respondents}
    vectors: dict[CellKey, dict[tuple[int, ...], int]]


@dataclass(frozen=True)
class Layout:
    """Where each part of the packed code sits."""

    width: int  # most items in a dimension

    def shift(self, perspective: str) -> int:
        """First bit of a perspective's item digits."""
        return BITS * self.width * PERSPECTIVES.index(perspective)


def _codes_sql(questionnaire: Questionnaire, layout: Layout) -> tuple[str, list[object]]:
    """Per (side, dimension, packed code): how many respondents."""
    items = [f"i{j}" for j in range(layout.width)]
    dims = ", ".join(f"({', '.join('?' * (2 + layout.width))})" for _ in questionnaire.dimensions)
    params: list[object] = []
    for index, dimension in enumerate(questionnaire.dimensions):
        ids = [item.id for item in dimension.items]
        params += [index, dimension.id, *ids, *[None] * (layout.width - len(ids))]
    value = f"coalesce(a.value, {DONT_KNOW_PACKED})"
    position = " ".join(f"WHEN d.{item} THEN {BITS * j}" for j, item in enumerate(items))
    start = " ".join(f"WHEN '{p}' THEN {layout.shift(p)}" for p in PERSPECTIVES)
    side = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SIDES))  # SIDES[i] in numpy
    term = f"{value} << ((CASE a.perspective {start} END) + (CASE a.item {position} END))"
    sql = f"""
        WITH dims(idx, dimension, {", ".join(items)}) AS (VALUES {dims}),
        codes AS MATERIALIZED (  -- else SQLite runs the subquery once per use
            SELECT CASE r.side {side} END AS side, d.idx AS dimension,
                   (SELECT sum({term}) FROM answers a
                    WHERE a.response_id = r.id AND a.dimension = d.dimension) AS code
            FROM responses r CROSS JOIN dims d
            WHERE r.round_id = ?
        )
        SELECT side, dimension, code, count(*) FROM codes
        WHERE code IS NOT NULL GROUP BY side, dimension, code
    """
    return sql, params


def _digits(codes: np.ndarray, shift: int, count: int) -> np.ndarray:
    """The `count` 3-bit digits of each code from bit `shift` on (one column each)."""
    shifts = shift + BITS * np.arange(count, dtype=np.int64)
    return (codes[:, None] >> shifts) & MAX_ITEMS


def _group(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of `keys` (small non-negative integers) and the summed weights of
    each. Rows are packed into one integer each, which numpy sorts far faster."""
    radix = keys.max(axis=0, initial=0) + 1
    place = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]])
    packed, inverse = np.unique(keys @ place, return_inverse=True)
    unique = (packed[:, None] // place) % radix
    return unique, np.bincount(inverse, weights=weights, minlength=len(packed)).astype(np.int64)


@dataclass(frozen=True)
class Unpacked:
    """The grouped codes as columns: one row per (side, dimension, code)."""

    side: np.ndarray
    dim: np.ndarray
    n: np.ndarray
    digits: dict[str, np.ndarray]  # perspective -> the answer at each item position
    tallies: dict[str, np.ndarray]  # perspective -> answers of each symbol
    totals: dict[str, np.ndarray]  # perspective -> sum of numeric answers
    answered: dict[str, np.ndarray]  # perspective -> number of numeric answers


def _unpack(rows: np.ndarray, layout: Layout) -> Unpacked:
    side, dim, code, n = rows.reshape(-1, 4).T
    digits = {p: _digits(code, layout.shift(p), layout.width) for p in PERSPECTIVES}
    symbols = np.arange(1, SYMBOLS + 1)
    tallies = {p: (d[:, :, None] == symbols).sum(axis=1) for p, d in digits.items()}
    return Unpacked(
        side=side,
        dim=dim,
        n=n,
        digits=digits,
        tallies=tallies,
        totals={p: t[:, :5] @ symbols[:5] for p, t in tallies.items()},
        answered={p: t[:, :5].sum(axis=1) for p, t in tallies.items()},
    )


def read_round(db: Database, round_id: int, questionnaire: Questionnaire) -> RoundData:
    """Everything the analysis needs from one round, aggregated by SQLite."""
    respondents = count_per_side(db, "responses", round_id)
    layout = Layout(width=max(len(d.items) for d in questionnaire.dimensions))
    if layout.width > MAX_ITEMS:  # 3 perspectives x 7 items x 3 bits fill a 64-bit integer
        raise InvalidInput(f"The report handles at most {MAX_ITEMS} items per dimension.")
    sql, params = _codes_sql(questionnaire, layout)
    rows = np.array(db.execute(sql, [*params, round_id]).fetchall(), dtype=np.int64)
    data = _unpack(rows, layout)
    names = [d.id for d in questionnaire.dimensions]
    return RoundData(
        respondents=respondents,
        cells=_cells(data, names, [len(d.items) for d in questionnaire.dimensions]),
        differences=_differences(data, names),
        vectors=_vectors(data, questionnaire),
    )


def _cells(data: Unpacked, names: list[str], items: list[int]) -> dict[CellKey, CellData]:
    cells: dict[CellKey, CellData] = {}
    statements = np.array(items)[data.dim]
    groups, inverse = np.unique(np.column_stack([data.side, data.dim]), axis=0, return_inverse=True)
    for perspective, tally in data.tallies.items():
        sums = np.zeros((len(groups), SYMBOLS), np.int64)
        np.add.at(sums, inverse.ravel(), tally * data.n[:, None])
        for (s, d), counts in zip(groups, sums, strict=True):
            cells[(SIDES[s], perspective, names[d])] = CellData(
                counts=[int(c) for c in counts[:5]], dont_know=int(counts[5])
            )
        for flag, name in (
            (tally.sum(axis=1) > 0, "people"),
            (tally[:, 5] > 0, "dont_know_people"),
            (tally.sum(axis=1) == statements, "full"),
        ):
            people = np.zeros(len(groups), np.int64)
            np.add.at(people, inverse.ravel(), flag * data.n)
            for (s, d), count in zip(groups, people, strict=True):
                setattr(cells[(SIDES[s], perspective, names[d])], name, int(count))
        total, k = data.totals[perspective], data.answered[perspective]
        has = k > 0
        keys, weights = _group(np.column_stack([data.side, data.dim, total, k])[has], data.n[has])
        for (s, d, total_s, k_s), weight in zip(keys, weights, strict=True):
            scores = cells[(SIDES[s], perspective, names[d])].scores
            score = Fraction(int(total_s), int(k_s))  # 6/2 and 3/1 are the same score
            scores[score] = scores.get(score, 0) + int(weight)
    return cells


def _differences(data: Unpacked, names: list[str]) -> dict[tuple[str, str], dict[Score, int]]:
    """Per side and dimension: self score − meta score of everyone with both."""
    differences: dict[tuple[str, str], dict[Score, int]] = {}
    both = (data.answered["self"] > 0) & (data.answered["meta"] > 0)
    columns = [data.side, data.dim]
    columns += [data.totals["self"], data.answered["self"], data.totals["meta"]]
    columns += [data.answered["meta"]]
    keys, weights = _group(np.column_stack(columns)[both], data.n[both])
    for (s, d, st, sk, mt, mk), weight in zip(keys, weights, strict=True):
        bucket = differences.setdefault((SIDES[s], names[d]), {})
        diff = Fraction(int(st), int(sk)) - Fraction(int(mt), int(mk))
        bucket[diff] = bucket.get(diff, 0) + int(weight)
    return differences


def _vectors(
    data: Unpacked, questionnaire: Questionnaire
) -> dict[CellKey, dict[tuple[int, ...], int]]:
    """Per side, perspective and dimension of two or more items: complete answer vectors."""
    vectors: dict[CellKey, dict[tuple[int, ...], int]] = {}
    items = np.array([len(d.items) for d in questionnaire.dimensions])[data.dim]
    for perspective, digits in data.digits.items():
        complete = (items >= 2) & (data.answered[perspective] == items)
        keys, weights = _group(
            np.column_stack([data.side, data.dim, digits])[complete], data.n[complete]
        )
        for key, weight in zip(keys, weights, strict=True):
            dimension = questionnaire.dimensions[int(key[1])]
            vector = tuple(int(v) for v in key[2 : 2 + len(dimension.items)])
            cell = (SIDES[int(key[0])], perspective, dimension.id)
            vectors.setdefault(cell, {})[vector] = int(weight)
    return vectors


def read_agreements(db: Database, round_id: int) -> dict[tuple[str, str], list[int]]:
    """Per (side, carried agreement): how many answered don't know (index 0) and each of
    1–5 ("was kept"), counted by SQLite from the answers strings."""
    counts: dict[tuple[str, str], list[int]] = {}
    rows = db.execute(
        """SELECT s.side, p.item, substr(s.answers, p.position, 1) AS value, count(*)
           FROM response_slots s JOIN answer_positions p ON p.round_id = s.round_id
           WHERE s.round_id = ? AND s.filled AND p.dimension = ?
             AND substr(s.answers, p.position, 1) <> ?
           GROUP BY s.side, p.item, value""",
        [round_id, AGREEMENT_DIMENSION, SKIPPED],
    )
    for side, item, value, n in rows:
        counts.setdefault((side, item), [0] * (len(SCALE) + 1))[int(value)] += n
    return counts
