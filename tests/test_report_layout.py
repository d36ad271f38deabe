"""The gap report's pages as printed: no word of the real PDF runs past the page's right
margin (issue 21, item 2: the method page's reliability table ran off the page when scales
were flagged low), in Polish and English, for a report and for a follow-up report.

Word boxes come from poppler's `pdftotext -bbox` (the words a reader sees, in points)."""

from __future__ import annotations

import copy
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from report_fixtures import NULL_MEANS, build_analysis
from test_follow_up import follow_up  # noqa: F401  (the fixture, reused)

from reports.pdf import pdf_bytes, render_report_html
from survey.store.questionnaire import load

MM = 72 / 25.4
RIGHT_MARGIN = 16 * MM  # templates/report/report.css: @page margin
TOLERANCE = 0.5  # points: rounding of the glyph boxes

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', re.S)


def words_past_the_margin(data: bytes, tmp_path: Path) -> list[tuple[int, str, float]]:
    """(page, word, how far past the margin in mm) for every word beyond the right margin."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    past = []
    for number, (width, body) in enumerate(PAGE.findall(html), start=1):
        edge = float(width) - RIGHT_MARGIN
        for _x_min, x_max, word in WORD.findall(body):
            if float(x_max) > edge + TOLERANCE:
                past.append((number, unescape(word), round((float(x_max) - edge) / MM, 1)))
    return past


def all_flagged_low(analysis: dict) -> dict:
    """The worst case for the reliability table: every scale of every side flagged low,
    with a negative lower bound (the longest figures)."""
    analysis = copy.deepcopy(analysis)
    for dimension in analysis["dimensions"]:
        for key, cell in (dimension.get("reliability") or {}).items():
            if cell:
                dimension["reliability"][key] = cell | {
                    "alpha": 0.41,
                    "ci95": [-0.23, 0.68],
                    "flag": True,
                }
    return analysis


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_no_word_of_the_report_runs_past_the_right_margin_with_scales_flagged_low(lang, tmp_path):
    analysis = all_flagged_low(build_analysis(lang, compare=True))
    data = pdf_bytes(render_report_html(analysis, load("sales-production"), lang))
    assert words_past_the_margin(data, tmp_path) == []


@pytest.mark.parametrize("file", ["pdf-pl", "pdf-en"])
def test_no_word_of_the_follow_up_report_runs_past_the_right_margin(
    follow_up,  # noqa: F811
    file,
    tmp_path,
):
    hr, round_id, _ids, _first = follow_up
    data = hr.get(f"/console/rounds/{round_id}/report/download?file={file}").get_data()
    assert data.startswith(b"%PDF")
    assert words_past_the_margin(data, tmp_path) == []


MIRROR_LEGEND = "mirror pattern: both sides clearly rate themselves higher"


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def test_the_mirror_legend_is_printed_only_when_a_mirror_is_shown(tmp_path):
    questionnaire = load("sales-production")
    with_mirror = build_analysis("en")
    assert any(d["mirror"] for d in with_mirror["dimensions"])
    text = _pdf_text(pdf_bytes(render_report_html(with_mirror, questionnaire, "en")), tmp_path)
    assert MIRROR_LEGEND in text and "⇄" in text
    without = build_analysis("en", means=NULL_MEANS)
    assert not any(d["mirror"] for d in without["dimensions"])
    text = _pdf_text(pdf_bytes(render_report_html(without, questionnaire, "en")), tmp_path)
    assert MIRROR_LEGEND not in text and "⇄" not in text
