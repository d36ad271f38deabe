import shutil
import tomllib
from pathlib import Path

import pytest

from survey.store import questionnaire as qn
from survey.store.errors import InvalidInput, NotFound
from survey.store.languages import LANGUAGES

SHIPPED = sorted(qn.QUESTIONNAIRE_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_questionnaires_are_valid(path):
    questionnaire = qn.load_file(path)
    assert questionnaire.id == path.stem
    assert questionnaire.languages == list(LANGUAGES)
    for dimension in questionnaire.dimensions:
        assert dimension.items
        assert set(dimension.discussion) == set(LANGUAGES)


def test_sales_production_has_scales_of_three_statements_and_at_most_60_answers():
    questionnaire = qn.load("sales-production")
    assert all(len(d.items) >= 3 for d in questionnaire.dimensions)
    assert len(questionnaire.item_keys()) <= 60
    assert [q.id for q in questionnaire.open_questions] == ["harder", "need", "better"]


@pytest.mark.parametrize(
    "word", ["forecast", "order details", "promise a customer", "prognoz", "zamówie"]
)
def test_sales_production_asks_nothing_only_a_sales_side_could_answer(word):
    """Either side answers every statement: a kitchen must not be asked about forecasts."""
    questionnaire = qn.load("sales-production")
    for dimension in questionnaire.dimensions:
        for item in dimension.items:
            for texts in item.texts.values():
                assert all(word not in text.lower() for text in texts.values()), item.id


def test_pulse_is_short():
    questionnaire = qn.load("pulse")
    assert 4 <= sum(len(d.items) for d in questionnaire.dimensions) <= 5


def test_fill_puts_side_names_into_texts():
    item = qn.load("pulse").dimensions[0].items[0]
    text = qn.fill(item.texts["other"]["pl"], own="Sala", other="Kuchnia")
    assert "Kuchnia" in text and "{" not in text


def test_frozen_copy_round_trips_through_json():
    questionnaire = qn.load("sales-production")
    assert qn.Questionnaire.from_json(questionnaire.to_json()) == questionnaire


def test_csv_columns_start_with_side_and_end_with_open_questions():
    columns = qn.csv_columns(qn.load("pulse"))
    assert columns[0] == "side"
    assert columns[1] == "information.timely.self"
    assert columns[-1] == "open.change"
    assert len(columns) == 1 + 5 * 3 + 1


def _broken_copy(tmp_path: Path, edit) -> Path:
    source = qn.QUESTIONNAIRE_DIR / "pulse.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "broken.toml"
    path.write_text(_to_toml(data), encoding="utf-8")
    return path


def _to_toml(value, prefix=""):
    """A tiny TOML writer (inline tables only) so tests can break a real file."""
    import json

    def inline(v):
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {inline(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(inline(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    return "\n".join(f"{json.dumps(k)} = {inline(v)}" for k, v in value.items()) + "\n"


BROKEN = [
    ("missing translation", lambda d: d["title"].pop("en"), "title.en: missing translation"),
    (
        "missing item translation",
        lambda d: d["dimensions"][0]["items"][0]["meta"].pop("pl"),
        "dimensions.information.timely.meta.pl: missing translation",
    ),
    (
        "duplicate dimension id",
        lambda d: d["dimensions"][1].update(id="information"),
        "dimensions[1].id: duplicate id 'information'",
    ),
    (
        "duplicate item id",
        lambda d: d["dimensions"][0]["items"].append(dict(d["dimensions"][0]["items"][0])),
        "dimensions.information.items[1].id: duplicate id 'timely'",
    ),
    (
        "unknown placeholder",
        lambda d: d["dimensions"][0]["items"][0]["self"].update(en="We help {others}."),
        "dimensions.information.timely.self.en: unknown placeholder {others}",
    ),
    (
        "empty dimension",
        lambda d: d["dimensions"][2].update(items=[]),
        "dimensions.cooperation.items: empty dimension",
    ),
    ("scale too short", lambda d: d["scale"]["pl"].pop(), "scale.pl: missing translation"),
    ("bad version", lambda d: d.update(version=0), "version: must be a whole number"),
]


@pytest.mark.parametrize("edit,expected", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_validator_names_file_and_field(tmp_path, edit, expected):
    path = _broken_copy(tmp_path, edit)
    with pytest.raises(InvalidInput) as error:
        qn.load_file(path)
    assert f"{path}: {expected}" in str(error.value)


def test_validator_reports_every_problem_at_once(tmp_path):
    def edit(d):
        d["title"].pop("en")
        d["dimensions"][2]["items"] = []

    with pytest.raises(InvalidInput) as error:
        qn.load_file(_broken_copy(tmp_path, edit))
    assert len(str(error.value).splitlines()) == 2


def test_file_that_is_not_toml_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('id = "x\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        qn.load_file(path)


@pytest.mark.parametrize("bad_id", ["../pulse", "/etc/passwd", "pulse.toml", "", "nope"])
def test_load_refuses_ids_that_are_not_shipped_files(bad_id):
    with pytest.raises(NotFound):
        qn.load(bad_id)


def test_load_never_reads_outside_the_questionnaire_folder(tmp_path):
    shutil.copy(qn.QUESTIONNAIRE_DIR / "pulse.toml", tmp_path / "secret.toml")
    with pytest.raises(NotFound):
        qn.load(f"../../{tmp_path.name}/secret")
