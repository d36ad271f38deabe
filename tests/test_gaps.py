"""The gap model (reports.gaps): each kind of gap subtracts the cells it names, and its
label reaches the printed report in both languages."""

from __future__ import annotations

import pytest
from report_fixtures import LABELS, build_analysis

from reports.gaps import GAP_KINDS, certainty
from reports.pdf import render_report_html, translations
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
