"""Issue 21, items 3 and 6: the first page's box "How the groups were made", read from the real
Polish PDF: every sentence in Polish (the catalogue entries carry the report's context), each
count with its Polish plural form (1 kod, 2 kody, 5 kodów)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from report_fixtures import build_analysis

from reports.pdf import pdf_bytes, render_report_html
from survey.store.questionnaire import load

QUESTIONNAIRE = load("sales-production")


def _first_page(disclosures: list[dict]) -> str:
    analysis = build_analysis("pl")
    analysis["disclosures"] = disclosures
    data = pdf_bytes(render_report_html(analysis, QUESTIONNAIRE, "pl"))
    return re.sub(r"\s+", " ", PdfReader(io.BytesIO(data)).pages[0].extract_text())


@pytest.fixture(scope="module")
def first_page() -> str:
    return _first_page(
        [
            {"kind": "codes_after_opening", "side": "a", "count": 1},
            {"kind": "codes_after_opening", "side": "b", "count": 2},
            {"kind": "import", "side": "a", "count": 1},
            {"kind": "import", "side": "b", "count": 22},
            {"kind": "no_headcount", "side": "b", "count": None},
        ]
    )


def test_the_polish_box_on_how_the_groups_were_made_has_no_english(first_page):
    assert "Jak powstały grupy" in first_page
    for english in ("How the groups", "invite code", "were made", "imported", "headcount"):
        assert english not in first_page


def test_the_polish_box_gives_each_count_its_plural_form(first_page):
    assert "Sprzedaż: 1 kod zaproszenia utworzono po otwarciu badania." in first_page
    assert "Produkcja: 2 kody zaproszeń utworzono po otwarciu badania." in first_page
    assert "Sprzedaż: 1 odpowiedź zaimportowano z pliku" in first_page
    assert "Produkcja: 22 odpowiedzi zaimportowano z pliku" in first_page
    assert "Produkcja: nie podano liczby osób" in first_page


@pytest.mark.parametrize(
    ("count", "words"), [(5, "5 kodów zaproszeń"), (12, "12 kodów zaproszeń"), (24, "24 kody")]
)
def test_the_number_of_late_codes_takes_the_polish_form_for_its_number(count, words):
    page = _first_page([{"kind": "codes_after_opening", "side": "b", "count": count}])
    assert f"Produkcja: {words}" in page
    assert not re.search(r"(?<!\d)[234] kodów|(?<!\d)1 kodów", page)


def test_a_finding_and_its_numbers_are_two_sentences_apart():
    """Issue 21, item 6: "… 1,33).(n = 11 · 13)" lacked its space (in the HTML the PDF is
    drawn from, where a line break cannot hide it, and in the PDF)."""
    html = render_report_html(build_analysis("pl"), QUESTIONNAIRE, "pl")
    # One piece: a no-break space after the sentence and inside "(n = 30 · 22)".
    assert re.search(r"\)\.&nbsp;\(n\xa0=\xa0\d+\xa0·\xa0\d+\)", html)
    assert not re.search(r"\)\.\(n", html)
    pages = PdfReader(io.BytesIO(pdf_bytes(html))).pages
    text = " ".join(page.extract_text() for page in pages)
    assert re.search(r"\)\.\s\(n\s=\s\d+", text) and not re.search(r"\)\.\(n", text)
