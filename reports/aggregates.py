"""What the analysis reads from the database: aggregates made by SQLite, never rows
of answers looped over in Python.

One pass over a round's answers builds, per respondent and dimension, the sum and count
of numeric answers in each perspective, the answer counts by value, and the item
vector of the `self` answers. Grouping those rows again gives, per side and dimension,
how many respondents have each dimension score — a handful of distinct values — which
is all the statistics need.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlite_utils import Database

from survey.questionnaire import PERSPECTIVES, Questionnaire

SCALE = range(1, 6)

Score = Fraction  # a respondent's dimension score: mean of their numeric answers
CellKey = tuple[str, str, str]  # (side, perspective, dimension)


@dataclass
class CellData:
    scores: dict[Score, int] = field(default_factory=dict)  # score -> respondents
    counts: list[int] = field(default_factory=lambda: [0] * len(SCALE))  # answers 1..5
    dont_know: int = 0


@dataclass
class RoundData:
    respondents: dict[str, int]  # side -> respondents
    cells: dict[CellKey, CellData]
    # (side, dimension) -> {self score - meta score: respondents with both}
    differences: dict[tuple[str, str], dict[Score, int]]
    # (side, dimension) -> {complete self item vector: respondents}
    vectors: dict[tuple[str, str], dict[tuple[int, ...], int]]


def _per_respondent_sql(questionnaire: Questionnaire) -> tuple[str, list[str]]:
    """One row per (respondent, dimension): per perspective the sum and count of numeric
    answers, don't knows and answers of each value; x0, x1, … the `self` answer to the
    dimension's first, second, … item (for Cronbach's alpha)."""
    width = max(len(d.items) for d in questionnaire.dimensions)
    columns = []
    for p in PERSPECTIVES:
        columns += [
            f"sum(CASE WHEN a.perspective = '{p}' THEN a.value END) AS {p}_total",
            f"count(CASE WHEN a.perspective = '{p}' THEN a.value END) AS {p}_k",
            f"sum(a.perspective = '{p}' AND a.value IS NULL) AS {p}_dk",
        ]
        columns += [f"sum(a.perspective = '{p}' AND a.value = {v}) AS {p}_c{v}" for v in SCALE]
    params: list[str] = []
    for position in range(width):
        keys = [
            f"{d.id}/{d.items[position].id}"
            for d in questionnaire.dimensions
            if len(d.items) > position
        ]
        marks = ", ".join("?" for _ in keys)
        columns.append(
            f"max(CASE WHEN a.perspective = 'self' AND a.dimension || '/' || a.item IN ({marks})"
            f" THEN a.value END) AS x{position}"
        )
        params += keys
    sql = f"""
        CREATE TEMP TABLE analysis_rows AS
        SELECT r.side AS side, a.dimension AS dimension, {", ".join(columns)}
        FROM responses r JOIN answers a ON a.response_id = r.id
        WHERE r.round_id = ?
        GROUP BY a.response_id, a.dimension
    """
    return sql, params


def _score_rows_sql() -> str:
    """Per side, perspective, dimension and score (sum, count): respondents and answers."""
    parts = [
        f"""SELECT side, '{p}' AS perspective, dimension, {p}_total AS total, {p}_k AS k,
               count(*) AS n, sum({p}_dk) AS dk,
               {", ".join(f"sum({p}_c{v}) AS c{v}" for v in SCALE)}
           FROM analysis_rows GROUP BY side, dimension, {p}_total, {p}_k"""
        for p in PERSPECTIVES
    ]
    return " UNION ALL ".join(parts)


def read_round(db: Database, round_id: int, questionnaire: Questionnaire) -> RoundData:
    """Everything the analysis needs from one round, aggregated by SQLite."""
    respondents = {"a": 0, "b": 0}
    for row in db.query(
        "SELECT side, count(*) AS n FROM responses WHERE round_id = ? GROUP BY side", [round_id]
    ):
        respondents[row["side"]] = row["n"]
    cells: dict[CellKey, CellData] = defaultdict(CellData)
    differences: dict[tuple[str, str], dict[Score, int]] = defaultdict(dict)
    vectors: dict[tuple[str, str], dict[tuple[int, ...], int]] = defaultdict(dict)
    sql, params = _per_respondent_sql(questionnaire)
    items = {d.id: len(d.items) for d in questionnaire.dimensions}
    db.execute("DROP TABLE IF EXISTS temp.analysis_rows")
    db.execute(sql, [*params, round_id])
    try:
        for row in db.execute(_score_rows_sql()).fetchall():
            side, perspective, dimension, total, k, n, dk, *counts = row
            cell = cells[(side, perspective, dimension)]
            cell.dont_know += dk
            cell.counts = [a + b for a, b in zip(cell.counts, counts, strict=True)]
            if k:
                score = Fraction(total, k)
                cell.scores[score] = cell.scores.get(score, 0) + n
        pairs = db.execute(
            """SELECT side, dimension, self_total, self_k, meta_total, meta_k, count(*)
               FROM analysis_rows WHERE self_k > 0 AND meta_k > 0
               GROUP BY side, dimension, self_total, self_k, meta_total, meta_k"""
        ).fetchall()
        for side, dimension, s_total, s_k, m_total, m_k, n in pairs:
            diff = Fraction(s_total, s_k) - Fraction(m_total, m_k)
            bucket = differences[(side, dimension)]
            bucket[diff] = bucket.get(diff, 0) + n
        width = max(items.values())
        xs = ", ".join(f"x{i}" for i in range(width))
        for row in db.execute(
            f"SELECT side, dimension, {xs}, count(*) FROM analysis_rows "
            f"WHERE self_k > 1 GROUP BY side, dimension, {xs}"
        ).fetchall():
            side, dimension, *vector, n = row
            vector = vector[: items.get(dimension, 0)]
            if vector and None not in vector:  # listwise: every item answered
                vectors[(side, dimension)][tuple(vector)] = n
    finally:
        db.execute("DROP TABLE IF EXISTS temp.analysis_rows")
    return RoundData(
        respondents=respondents,
        cells=dict(cells),
        differences=dict(differences),
        vectors=dict(vectors),
    )
