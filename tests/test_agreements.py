"""The follow-up section's statistics (reports.agreements) on a real closed round: the
difference of two shares seeing an agreement as kept, its interval and test, and the
agreement table in the printed report following `clear` from the data."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from workshop_helpers import closed_round

from reports.analysis import analyse
from reports.pdf import pdf_bytes, render_report_html
from reports.report_view import COMPARE_COLUMNS, HEAT_COLUMNS
from survey.store.responses import Submission, add_responses
from survey.store.rounds import (
    choose_agreements,
    close_round,
    create_round,
    get_round,
    open_round,
)
from survey.workshop import store

SIDES = ("Sprzedaż", "Produkcja")
AGREEMENT = "Plan produkcji wysyłany w każdy poniedziałek"
DIFFER = {
    "en": "The sides differ clearly",
    "pl": "Działy wyraźnie się różnią",
}
NO_DIFFERENCE = {"en": "no clear difference", "pl": "brak wyraźnej różnicy"}


def _follow_up(db, kept_a: list[int], kept_b: list[int], earlier: int | None = None) -> int:
    """A closed round carrying one agreement of a workshop on `earlier` (a random round by
    default), answered "was kept" with the given values (1-5) by side a and side b; every
    other answer is 3."""
    earlier = closed_round(db, sides=SIDES) if earlier is None else earlier
    workshop = store.create_workshop(db, earlier, "2h", ["information"])
    agreement = store.add_agreement(db, workshop, AGREEMENT, "b", "2026-12-31", "Mail")
    round_id = create_round(db, "Po warsztacie", "sales-production", *SIDES)
    choose_agreements(db, round_id, [agreement])
    questionnaire = open_round(db, round_id).questionnaire
    answers = dict.fromkeys(questionnaire.item_keys(), 3)
    key = ("agreement", agreement, "kept")
    add_responses(
        db,
        round_id,
        [Submission("a", answers | {key: v}) for v in kept_a]
        + [Submission("b", answers | {key: v}) for v in kept_b],
    )
    close_round(db, round_id)
    return round_id


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _agreement_chapter(db, round_id: int, report: dict, lang: str) -> str:
    questionnaire = get_round(db, round_id).questionnaire
    text = _text(pdf_bytes(render_report_html(report, questionnaire, lang)))
    title = {"en": "Agreements from the workshop", "pl": "Uzgodnienia z warsztatu"}[lang]
    chapter = text[text.index(title) :]
    return chapter[: chapter.index({"en": "Gaps since", "pl": "Różnice od"}[lang])]


def test_all_kept_against_none_kept_gets_newcombes_interval_and_an_exact_test(db):
    report = analyse(db, _follow_up(db, [5] * 10, [1] * 10))
    difference = report["agreements"][0]["difference"]
    assert difference["diff"] == 1
    # Newcombe's hybrid score interval (method 10) by hand, z = 1.959964, z² = 3.841459.
    # Wilson for 10/10: lower = n / (n + z²) = 10 / 13.841459 = 0.722467, upper = 1.
    # Wilson for 0/10: lower = 0, upper = z² / (n + z²) = 3.841459 / 13.841459 = 0.277533.
    # L = d − √((p1 − l1)² + (u2 − p2)²) = 1 − √(0.277533² + 0.277533²)
    #   = 1 − 0.277533 · 1.414214 = 1 − 0.392491 = 0.607509;  U = d + √(0² + 0²) = 1.
    # (Not Wilson's 0.72 of one share: the interval of a difference is wider.)
    low, high = difference["ci95"]
    assert low == pytest.approx(0.607509, abs=1e-6)
    assert high == pytest.approx(1.0)
    # Fisher's exact test, two-sided: only the two most extreme tables of 20 people with
    # 10 kept split 10 and 10, each of probability 1 / C(20, 10) = 1 / 184756.
    assert difference["test"] == "fisher"
    assert difference["p"] == pytest.approx(2 / 184756)
    assert difference["clear"] is True
    method = report["method"]["agreements"]
    assert "Newcombe" in method["interval"] and "Fisher" in method["test"]


def test_equal_shares_of_all_kept_are_tested_not_left_without_a_p(db):
    report = analyse(db, _follow_up(db, [5] * 10, [4] * 10))
    difference = report["agreements"][0]["difference"]
    assert difference["diff"] == 0 and difference["p"] == pytest.approx(1)
    low, high = difference["ci95"]
    assert low < 0 < high and difference["clear"] is False


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_the_agreement_table_says_the_sides_differ_only_when_the_data_say_clear(db, lang):
    round_id = _follow_up(db, [5] * 10, [1] * 10)
    report = analyse(db, round_id)
    assert report["agreements"][0]["difference"]["clear"] is True
    clear = _agreement_chapter(db, round_id, report, lang)
    assert DIFFER[lang] in clear and NO_DIFFERENCE[lang] not in clear
    report["agreements"][0]["difference"]["clear"] = False
    unclear = _agreement_chapter(db, round_id, report, lang)
    assert DIFFER[lang] not in unclear and NO_DIFFERENCE[lang] in unclear
    assert "+100" in clear and "(+61 … +100)" in clear  # the difference and its interval


def _blind_spot_round(db) -> int:
    """A closed round where side a rates itself 4.5 and side b rates it 1.5 on average,
    ten a side; every other answer is 3."""
    round_id = create_round(db, "Warsztat", "sales-production", *SIDES)
    keys = open_round(db, round_id).questionnaire.item_keys()
    people = []
    for i in range(10):
        answers = dict.fromkeys(keys, 3)
        own = {k: 4 + i % 2 for k in keys if k[2] == "self"}
        seen = {k: 1 + i % 2 for k in keys if k[2] == "other"}
        people += [Submission("a", answers | own), Submission("b", answers | seen)]
    add_responses(db, round_id, people)
    close_round(db, round_id)
    return round_id


@pytest.mark.parametrize(("lang", "smaller"), [("en", "smaller"), ("pl", "mniejsza")])
def test_both_pages_of_changes_say_the_same_about_the_same_change(db, lang, smaller):
    """The follow-up's changes since the workshop's round and the before-and-after page
    against that same round: the same figures, the same verdicts, the same words."""
    earlier = _blind_spot_round(db)
    round_id = _follow_up(db, [5] * 10, [1] * 10, earlier)
    report = analyse(db, round_id, compare_with=earlier)
    since = report["agreements"][0]["since"]["dimensions"]
    assert report["compare"]["dimensions"] == since
    blind_spot = since["information"]["a.blind_spot"]
    assert blind_spot["before"] == pytest.approx(3) and blind_spot["after"] == 0
    assert blind_spot["clear"] is True and blind_spot["direction"] == "smaller"
    assert (
        report["method"]["compare"]["family_size"] == report["method"]["gap_changes"]["family_size"]
    )
    questionnaire = get_round(db, round_id).questionnaire
    text = _text(pdf_bytes(render_report_html(report, questionnaire, lang)))
    titles = {"en": ("Gaps since", "Before and after"), "pl": ("Różnice od", "Przed i po")}[lang]
    follow_up = text.split(titles[0])[1].split(titles[1])[0]
    method_page = {"en": "Method Definitions", "pl": "Metoda Definicje"}[lang]
    compared = text.split(method_page)[0].split(titles[1])[-1]
    # The follow-up shows every gap, the comparison the gaps between the sides only: each
    # page carries the word on exactly its clear smaller changes (and once in its note).
    for page, columns in ((follow_up, HEAT_COLUMNS), (compared, COMPARE_COLUMNS)):
        words = sum(since[d][key]["direction"] == "smaller" for d in since for key in columns)
        assert words > 0 and page.count(smaller) == words + 1
        assert "+3.00 → +0.00" in page or "+3,00 → +0,00" in page
        assert "not tested" not in page and "nie sprawdzamy" not in page
