"""The gap model (reports.gaps): each kind of gap subtracts the cells it names, and its
label reaches the printed report in both languages."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from report_fixtures import LABELS, NULL_MEANS, build_analysis

from reports import analysis as an
from reports.gaps import GAP_KINDS, certainty
from reports.pdf import pdf_bytes, render_report_html, translations
from reports.report_view import compared_cells
from survey.store.questionnaire import load

EXPECTED_CELLS = {
    "a.blind_spot": ("a.self", "b.other"),
    "b.blind_spot": ("b.self", "a.other"),
    "a.meta_error": ("a.meta", "b.other"),
    "b.meta_error": ("b.meta", "a.other"),
    "a.felt_misjudgement": ("a.self", "a.meta"),
    "b.felt_misjudgement": ("b.self", "b.meta"),
}


@pytest.mark.parametrize("gap_key", sorted(EXPECTED_CELLS))
def test_each_gap_compares_the_cells_the_method_page_defines(gap_key):
    assert compared_cells(gap_key) == EXPECTED_CELLS[gap_key]


@pytest.mark.parametrize("kind", sorted(GAP_KINDS))
def test_every_gap_label_has_a_polish_translation(kind):
    label = GAP_KINDS[kind].label
    polish = translations("pl").pgettext("report", label)
    assert polish != label
    assert "%(side)s" in polish


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_heat_map_names_every_gap_of_both_sides_in_the_reports_language(lang):
    html = render_report_html(build_analysis(lang), load("sales-production"), lang)
    for kind in GAP_KINDS.values():
        for side_label in LABELS[lang]:
            text = translations(lang).pgettext("report", kind.label) % {"side": side_label}
            assert f'<th scope="col">{text}' in html


@pytest.mark.parametrize(
    ("ci95", "expected"),
    [([0.2, 0.9], 0.2), ([-0.9, -0.3], 0.3), ([-0.4, 0.1], -0.1), (None, 0.0)],
)
def test_how_sure_is_the_interval_bound_nearest_zero(ci95, expected):
    assert certainty({"ci95": ci95}) == pytest.approx(expected)


def test_every_list_of_findings_has_the_one_declared_order_on_every_page():
    """Page 2 (the first findings) and the clearest-gaps chapter both say "most certain
    first": they must list the clear gaps in the same order, the gap model's `certainty`.
    Here the order by q and the order by interval bound disagree: a small team's large
    gap (its interval stays 0.52 from zero, p 0.0027) against a large team's smaller but
    very sure one (0.40 from zero, p 2e-9)."""
    analysis = build_analysis("en", means=NULL_MEANS, thin_cell=False)
    dimensions = analysis["dimensions"]
    wide, narrow = dimensions[0]["gaps"]["a.blind_spot"], dimensions[1]["gaps"]["a.blind_spot"]
    wide.update(diff=1.5, ci95=[0.52, 2.48], p=0.0027)
    narrow.update(diff=0.6, ci95=[0.40, 0.80], p=2e-9)
    an.decide(dimensions)
    analysis |= {"top_gaps": an.top_gaps(dimensions), "findings": an.findings(dimensions)}
    order = [(f["dimension"], f["gap"]) for f in analysis["findings"]]
    assert order == [(dimensions[i]["id"], "a.blind_spot") for i in (0, 1)]
    assert order == [(g["dimension"], g["gap"]) for g in analysis["top_gaps"] if g["clear"]]
    html = render_report_html(analysis, load("sales-production"), "en")
    text = re.sub(
        r"\s+",
        " ",
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes(html))).pages),
    )
    first_page, rest = text.split("What the data cannot tell", 1)
    names = [d["name"] for d in dimensions[:2]]
    assert first_page.index(f"“{names[0]}”") < first_page.index(f"“{names[1]}”")
    cards = rest.split("At most five gaps, ordered by")[1]
    assert cards.index(f"1. {names[0]}") < cards.index(f"2. {names[1]}")
