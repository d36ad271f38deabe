"""Skipped answers shown (issue 19, item 5): each cell's shares of people who skipped and
who said "don't know", and a warning in words on a gap whose two views' skipped shares
differ markedly: by more than 10 points and by more than chance, Fisher's exact test
p < 0.05 (reports.missing); read from the JSON and the real PDF."""

from __future__ import annotations

import io
import random
import re

import pytest
from pypdf import PdfReader
from scipy.stats import fisher_exact

from reports.aggregates import read_round
from reports.analysis import DEFAULT_SEED, analyse, analyse_data
from reports.missing import SKIP_LEVEL, SKIP_WARNING_ABOVE
from reports.pdf import render_pdf
from survey.store.questionnaire import load
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, get_round, open_round

QUESTIONNAIRE = load("sales-production")
DIMENSION = "information"
FIRST_ITEM = QUESTIONNAIRE.dimension(DIMENSION).items[0].id


def skip_round(db, skippers: int, dont_knows: int = 0, per_side: int = 10) -> int:
    """`skippers` of side a leave one own-view statement of DIMENSION empty; `dont_knows`
    of side b answer "don't know" to one statement of their view of side a."""
    subs = []
    for side in "ab":
        for person in range(per_side):
            answers = dict.fromkeys(QUESTIONNAIRE.item_keys(), 2 + person % 3)
            if side == "a" and person < skippers:
                del answers[(DIMENSION, FIRST_ITEM, "self")]
            if side == "b" and person < dont_knows:
                answers[(DIMENSION, FIRST_ITEM, "other")] = None
            subs.append(Submission(side, answers))
    round_id = create_round(db, f"R{skippers}", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    add_responses(db, round_id, subs)
    close_round(db, round_id)
    return round_id


def _info(report):
    return next(d for d in report["dimensions"] if d["id"] == DIMENSION)


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_each_cell_shows_the_shares_who_skipped_and_who_said_dont_know(db):
    info = _info(analyse(db, skip_round(db, skippers=3, dont_knows=2)))
    own, seen = info["cells"]["a.self"], info["cells"]["b.other"]
    assert own["skipped_share"] == pytest.approx(3 / 10) and own["dont_know_share"] == 0
    assert seen["skipped_share"] == 0 and seen["dont_know_share"] == pytest.approx(2 / 10)
    assert own["n"] == 10  # the skippers answered the other statements: they count


def test_a_gap_whose_views_were_skipped_unevenly_carries_a_warning(db):
    gaps = _info(analyse(db, skip_round(db, skippers=10, per_side=20)))["gaps"]
    assert gaps["a.blind_spot"]["skip_warning"] is True  # 50 % against 0 %
    assert gaps["a.felt_misjudgement"]["skip_warning"] is True  # same people, 50 % vs 0 %
    assert gaps["a.meta_error"]["skip_warning"] is False  # neither view skipped
    assert gaps["b.blind_spot"]["skip_warning"] is False


def test_the_json_gives_the_figures_behind_the_warning(db):
    report = analyse(db, skip_round(db, skippers=10, per_side=20))
    gap = _info(report)["gaps"]["a.blind_spot"]
    assert gap["skip_difference"] == pytest.approx(0.5)  # a's own view minus b's view of a
    assert gap["skip_p"] == pytest.approx(fisher_exact([[10, 10], [0, 20]]).pvalue)
    assert gap["skip_p"] < 0.001
    unwarned = _info(report)["gaps"]["b.blind_spot"]
    assert unwarned["skip_difference"] == 0 and unwarned["skip_p"] == 1
    assert report["method"]["skip_above"] == SKIP_WARNING_ABOVE == 0.10
    assert report["method"]["skip_level"] == SKIP_LEVEL == 0.05


@pytest.mark.parametrize(
    "skippers,per_side,warned",
    [
        (3, 10, False),  # 30 points, but Fisher's p = 0.21: chance does this at 10 a side
        (25, 200, True),  # 12.5 points and p far below 0.05
        (20, 200, False),  # p far below 0.05, but exactly 10 points: not more
        (1, 10, False),  # neither
    ],
)
def test_the_warning_needs_more_than_ten_points_and_more_than_chance(
    db, skippers, per_side, warned
):
    gap = _info(analyse(db, skip_round(db, skippers=skippers, per_side=per_side)))["gaps"]
    assert gap["a.blind_spot"]["skip_warning"] is warned
    assert gap["a.felt_misjudgement"]["skip_warning"] is warned


def test_chance_differences_in_small_rounds_rarely_warn(db):
    """Rounds of 6 a side in which everyone leaves each statement empty with the same
    chance (about 1 in 5 people skip a view): any warning is a false alarm. The size-only
    rule warned on most gaps (one person is 17 points); the rule warns on few."""
    rng = random.Random(19)
    keys = QUESTIONNAIRE.item_keys()
    warned = shown = 0
    for index in range(30):
        subs = []
        for side in "ab":
            for _ in range(6):
                answers = {key: rng.randint(1, 5) for key in keys if rng.random() >= 0.05}
                subs.append(Submission(side, answers))
        round_id = create_round(db, f"C{index}", "sales-production", "Sprzedaż", "Produkcja")
        open_round(db, round_id)
        add_responses(db, round_id, subs)
        close_round(db, round_id)
        round_ = get_round(db, round_id)
        data = read_round(db, round_id, round_.questionnaire)
        report = analyse_data(round_, data, DEFAULT_SEED, intervals=False)
        gaps = [g for d in report["dimensions"] for g in d["gaps"].values() if not g["suppressed"]]
        shown += len(gaps)
        warned += sum(1 for g in gaps if g["skip_warning"])
    assert shown > 500
    assert warned / shown < SKIP_LEVEL, (warned, shown)


def test_the_pdf_shows_the_shares_and_the_warning_in_polish(db):
    round_id = skip_round(db, skippers=10, dont_knows=2, per_side=20)
    text = _pdf_text(render_pdf(db, round_id, lang="pl"))
    assert "pominięte" in text
    assert (
        "Czytać ostrożnie: Martwe pole działu „Sprzedaż” — odsetek osób, które pominęły co "
        "najmniej jedno stwierdzenie: 50% (Dział „Sprzedaż” o sobie), 0% (Dział „Produkcja” o dziale "
        "„Sprzedaż”). Tak odległe odsetki (ponad 10 punktów procentowych, a według dokładnego "
        "testu Fishera dalej od siebie, niż zdarza się przypadkiem)" in text
    )
    assert "odsetek osób z działu, które zostawiły bez odpowiedzi" in text  # the note
    # The rule, on the method page: both conditions and the level.
    assert "o ponad 10 punktów procentowych i bardziej, niż zdarza się przypadkiem" in text
    assert "dokładny test Fishera dla dwóch odsetków, p poniżej 0,05" in text
    assert "†" in text  # the heat map's mark


def test_the_pdf_shows_the_shares_and_the_warning_in_english(db):
    text = _pdf_text(render_pdf(db, skip_round(db, skippers=10, per_side=20), lang="en"))
    assert "skipped" in text
    assert (
        "Blind spot of Sprzedaż — left a statement unanswered: 50% (Sprzedaż about itself), "
        "0% (Produkcja about Sprzedaż). Shares this far apart (more than 10 points, and further "
        "than chance makes them by Fisher's exact test)" in text
    )
    assert (
        "by more than 10 percentage points, and further than chance makes them (Fisher's "
        "exact test of the two shares, p below 0.05, gap by gap)" in text
    )


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_a_chance_difference_in_a_small_round_prints_no_warning(db, lang):
    """3 of 10 against 0 of 10 is 30 points, and chance (Fisher's p = 0.21)."""
    text = _pdf_text(render_pdf(db, skip_round(db, skippers=3), lang=lang))
    assert "left a statement unanswered:" not in text
    assert "pominęły co najmniej jedno stwierdzenie:" not in text
    assert "30%" in text  # the share itself is still shown in its cell


def test_without_skips_no_warning_is_printed(db):
    text = _pdf_text(render_pdf(db, skip_round(db, skippers=0), lang="en"))
    assert "left a statement unanswered:" not in text
