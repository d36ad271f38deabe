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
    # The difference and its interval: a clear one's adjusted for the selection (of one
    # agreement, one clear: level 1 - 1 * 0.05 / 1, the 95 % one), an unclear one's plain.
    adjusted = {"en": "(interval adjusted for the selection +61 to +100)",
                "pl": "(przedział skorygowany o wybór od +61 do +100)"}[lang]  # fmt: skip
    plain = {"en": "(95% interval +61 to +100)", "pl": "(przedział 95% od +61 do +100)"}[lang]
    assert "+100" in clear and adjusted in clear and plain not in clear
    assert plain in unclear and adjusted not in unclear


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


def test_newcombes_interval_at_the_selection_level_is_wider(db):
    """At level 0.975 (one of two differences clear): z = 2.241403, z² = 5.023886.
    Wilson for 0/10: upper = z² / (n + z²) = 5.023886 / 15.023886 = 0.334393;
    L = 1 − √(0.334393² + 0.334393²) = 1 − 0.472901 = 0.527099; U = 1."""
    from reports import stats

    low, high = stats.newcombe_interval(10, 10, 0, 10, confidence=0.975)
    assert low == pytest.approx(0.527097, abs=1e-5) and high == pytest.approx(1.0)
    assert stats.newcombe_interval(10, 10, 0, 10) == pytest.approx((0.607509, 1.0), abs=1e-6)


def test_a_clear_change_among_unclear_ones_gets_a_wider_interval():
    """Two changes, one clear: R = 1 of m = 2, level 1 − 1 · 0.05 / 2 = 0.975. The clear
    change's 95 % half-width 0.5 is σ · 1.959964, so at 0.975 it is 0.5 / 1.959964 ·
    2.241403 = 0.571797 (z of 0.9875 by scipy's normal quantile)."""
    from scipy.stats import norm

    from reports.changes import decide_changes

    def change(value: float, low: float, high: float, p: float) -> dict:
        fields = {"before": 0.0, "after": value, "change": value, "ci95": [low, high], "p": p}
        return fields | {"q": None, "clear": False, "direction": None, "suppressed": False}

    clear, unclear = change(1.0, 0.5, 1.5, 0.0001), change(0.1, -0.4, 0.6, 0.7)
    method = decide_changes([{"dimensions": {"x": {"a": clear, "b": unclear}}}], "two")
    assert clear["clear"] is True and unclear["clear"] is False
    assert method["selection_level"] == pytest.approx(0.975)
    half = 0.5 / norm.ppf(0.975) * norm.ppf(0.9875)
    assert half == pytest.approx(0.571797, abs=1e-6)
    assert clear["ci_selected"] == pytest.approx([1.0 - half, 1.0 + half])
    assert unclear.get("ci_selected") is None


@pytest.mark.parametrize(
    ("lang", "adjusted", "plain"),
    [
        ("en", "interval adjusted for the selection {low} to {high}", "95% interval {low} to {high}"),
        ("pl", "przedział skorygowany o wybór od {low} do {high}", "przedział 95% od {low} do {high}"),
    ],
)  # fmt: skip
def test_clear_changes_and_agreements_print_their_intervals_adjusted_for_the_selection(
    db, lang, adjusted, plain
):
    """Every printed interval of a clear difference, in the follow-up's agreement table and
    its changes since the workshop's round, is the one adjusted for the selection and says
    so; an unclear change's is its plain 95 % one, labelled plainly."""
    from reports.pdf import _signed

    earlier = _blind_spot_round(db)
    round_id = _follow_up(db, [5] * 10, [1] * 10, earlier)
    report = analyse(db, round_id)
    agreement = report["agreements"][0]["difference"]
    since = report["agreements"][0]["since"]["dimensions"]["information"]
    clear, unclear = since["a.blind_spot"], since["b.blind_spot"]
    assert agreement["clear"] and clear["clear"] and not unclear["clear"]
    text = _text(pdf_bytes(render_report_html(report, get_round(db, round_id).questionnaire, lang)))
    titles = {"en": ("Agreements from the workshop", "Method"), "pl": ("Uzgodnienia z warsztatu", "Metoda")}[lang]  # fmt: skip
    follow_up = text.split(titles[0])[1].split(titles[1])[0]

    def said(template: str, interval: list[float], digits: int = 2, scale: int = 1) -> str:
        low, high = (_signed(x * scale, digits, lang) for x in interval)
        return template.format(low=low, high=high)

    assert said(adjusted, agreement["ci_selected"], 0, 100) in follow_up
    assert said(adjusted, clear["ci_selected"]) in follow_up
    assert said(plain, clear["ci95"]) not in follow_up
    assert said(plain, unclear["ci95"]) in follow_up
    # The method page says it per family (here every tested difference is clear: R = m).
    assert report["method"]["agreements"]["selection_level"] == pytest.approx(0.95)
    leaves = {"en": "every tested difference of it is clear, so the adjustment leaves their "
              "intervals at 95%", "pl": "wszystkie sprawdzane w niej różnice są wyraźne, więc "
              "korekta zostawia ich przedziały na poziomie 95%"}[lang]  # fmt: skip
    assert text.count(leaves) == 2  # the agreements and the changes since the workshop
