"""The whole chain as a facilitator runs it: stored responses → analysis → PDF and JSON,
through the `survey report` command, read back from the real files."""

from __future__ import annotations

import io
import json
import random
import re

import pytest
from pypdf import PdfReader

from survey.demo import simulate
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, get_round, open_round


def _text(path) -> str:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _round(db, sales: int, production: int, comments: dict[str, str] | None = None) -> int:
    round_id = create_round(db, "Kwartał 4", "sales-production", "Sprzedaż", "Produkcja")
    round_ = open_round(db, round_id)
    rng = random.Random(11)
    submissions = [simulate(round_.questionnaire, "a", rng) for _ in range(sales)]
    submissions += [simulate(round_.questionnaire, "b", rng) for _ in range(production)]
    for submission in submissions:
        submission.comments = dict(comments or {})
    add_responses(db, round_id, submissions)
    close_round(db, round_id)
    return round_id


@pytest.fixture(scope="module")
def small_production_side(tmp_path_factory):
    """12 from sales, 4 from production (below the threshold of 5)."""
    from survey.store.connection import open_db
    from survey.store.migrations import migrate

    folder = tmp_path_factory.mktemp("e2e")
    db = open_db(folder / "survey.db")
    migrate(db)
    round_id = _round(db, 12, 4, {"harder": "<script>alert('x')</script> Zmiany w piątek."})
    return folder, db, round_id


def test_a_side_below_the_threshold_shows_no_figure_in_json_or_pdf(
    small_production_side, tmp_path, monkeypatch
):
    folder, db, round_id = small_production_side
    monkeypatch.setenv("SURVEY_DB", str(folder / "survey.db"))
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    from click.testing import CliRunner

    from survey.cli import cli

    runner = CliRunner()
    json_out = runner.invoke(cli, ["report", str(round_id)])
    assert json_out.exit_code == 0, json_out.output
    report = json.loads(json_out.output)
    assert report["sides"]["b"]["n"] is None and report["sides"]["b"]["suppressed"]
    assert all(
        dimension["cells"][f"b.{p}"]["mean"] is None
        for dimension in report["dimensions"]
        for p in ("self", "other", "meta")
    )
    assert '"n": 4' not in json_out.output  # the real count never appears

    pdf = folder / "report.pdf"
    result = runner.invoke(cli, ["report", str(round_id), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = _text(pdf)
    assert "Produkcja: mniej niż 5 odpowiedzi – wyników nie pokazujemy" in text
    assert "Dział „Produkcja” o sobie" not in text
    assert "Dział „Sprzedaż” o sobie" in text
    # Side a (12 people) reaches the comment threshold of 10; markup stays literal text.
    assert "<script>alert('x')</script> Zmiany w piątek." in text


def test_the_demo_round_report_in_both_languages(db, run_cli, tmp_path):
    from survey.demo import create_demo

    later = create_demo(db, respondents=14)[-1]
    questionnaire = get_round(db, later).questionnaire
    for lang, guide, name in (
        ("pl", "Przewodnik dla osoby prowadzącej", questionnaire.dimensions[0].name["pl"]),
        ("en", "Facilitator's guide", questionnaire.dimensions[0].name["en"]),
    ):
        pdf = tmp_path / f"demo-{lang}.pdf"
        result = run_cli(
            "report", str(later), "--lang", lang, "--compare", str(later - 1), "-o", str(pdf)
        )
        assert result.exit_code == 0, result.output
        text = _text(pdf)
        assert guide in text and name in text and "Sprzedaż" in text and "Produkcja" in text
        for dimension in questionnaire.dimensions:
            assert dimension.name[lang] in text


def test_reporting_an_open_round_is_refused(db, run_cli, open_round_id):
    add_responses(db, open_round_id, [Submission(side="a")])
    result = run_cli("report", str(open_round_id), "-o", "x.pdf")
    assert result.exit_code == 1
    assert "only closed rounds" in result.output


def test_a_null_round_with_eight_a_side_reports_nothing_clear(db, run_cli, tmp_path):
    """Everyone answers at random: the permutation test (fewer than 10 a side) finds
    nothing, and the printed report says so in words instead of inventing a gap."""
    round_id = create_round(
        db, "Sala i kuchnia", "sales-production", "Sala", "Kuchnia", team_size=1
    )  # people who work alone: the permutation test itself, no allowance for teams
    round_ = open_round(db, round_id)
    rng = random.Random(5)
    keys = round_.questionnaire.item_keys()
    people = [Submission(s, {k: rng.randint(2, 4) for k in keys}) for s in "ab" for _ in range(8)]
    add_responses(db, round_id, people)
    close_round(db, round_id)
    report = json.loads(run_cli("report", str(round_id), "--format", "json").stdout)
    gaps = [g for d in report["dimensions"] for k, g in d["gaps"].items() if "felt" not in k]
    assert {g["test"] for g in gaps} == {"permutation"} and report["findings"] == []
    assert (
        report["method"]["family_size"] == 6 * len(report["dimensions"])
        and 0.5 < report["detectable"] < 1.5
    )
    pdf = tmp_path / "null.pdf"
    assert run_cli("report", str(round_id), "--lang", "en", "-o", str(pdf)).exit_code == 0
    text = _text(pdf)
    assert "No gap is larger than chance at these numbers" in text
    assert "Gaps: none is clear" in text and "Start with:" not in text
