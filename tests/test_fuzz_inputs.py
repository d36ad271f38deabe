"""Property-based tests: arbitrary CSV imports and questionnaire files never crash, never
write half, and always explain themselves."""

import copy
import csv
import io
import tomllib

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from survey.store import questionnaire as qn
from survey.store.errors import SurveyError
from survey.store.responses import count_by_side
from survey.store.rounds import create_round, get_round, open_round
from survey.store.transfer import import_csv

PULSE = tomllib.loads((qn.QUESTIONNAIRE_DIR / "pulse.toml").read_text(encoding="utf-8"))
COLUMNS = qn.csv_columns(qn.load("pulse"))
CELL = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "", "dk", "DK", " 3 ", "0", "6", "a", "b", "-1"]),
    st.text(max_size=30),
)
EXAMPLES = 150


@st.composite
def csv_files(draw):
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(COLUMNS), st.text(max_size=12)),
            min_size=0,
            max_size=len(COLUMNS) + 2,
        )
    )
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _snapshot(db):
    return [
        db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("responses", "answers", "comments")
    ]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=csv_files())
def test_any_csv_is_imported_whole_or_refused_with_a_reason(db, text):
    round_ = get_round(db, _round(db))
    before = _snapshot(db)
    try:
        imported = import_csv(db, round_.id, text)
    except SurveyError as error:
        assert str(error).strip()
        assert _snapshot(db) == before, "a refused import must change nothing"
        return
    after = count_by_side(db, round_.id)
    assert imported >= 1
    assert _snapshot(db)[0] == before[0] + imported
    assert sum(after.values()) == before[0] + imported


def _round(db):
    rounds = list(db.query("SELECT id FROM rounds WHERE status = 'open'"))
    if rounds:
        return rounds[0]["id"]
    round_id = create_round(db, "Fuzz", "pulse", "Sala", "Kuchnia")
    open_round(db, round_id)
    return round_id


VALUES = st.recursive(
    st.one_of(st.text(max_size=20), st.integers(-3, 10), st.booleans(), st.floats(allow_nan=False)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


ALL_PATHS = [p for p in _paths(PULSE) if p]


@settings(max_examples=EXAMPLES, deadline=None)
@example(edits=[(("intro",), {"\r": ""})])  # once found: a key that breaks the line
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), st.one_of(VALUES, st.just(KeyError))),
        min_size=1,
        max_size=4,
    )
)
def test_any_broken_questionnaire_is_reported_never_a_crash(edits):
    data = copy.deepcopy(PULSE)
    for path, value in edits:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value is KeyError:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        result = qn.parse(data, source="fuzz.toml")
    except SurveyError as error:
        assert all(line.startswith("fuzz.toml: ") for line in str(error).splitlines())
        return
    assert isinstance(result, qn.Questionnaire)


@settings(max_examples=EXAMPLES, deadline=None)
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_file_content_is_reported_never_a_crash(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("q") / "any.toml"
    path.write_bytes(raw)
    try:
        qn.load_file(path)
    except SurveyError as error:
        assert str(path) in str(error)
