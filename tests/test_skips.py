"""Skipped answers shown (issue 19, item 5): each cell's shares of people who skipped and
who said "don't know", and a warning in words on a gap whose two views' skipped shares
differ by more than 10 points (reports.missing); read from the JSON and the real PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reports.analysis import analyse
from reports.missing import SKIP_WARNING_ABOVE
from reports.pdf import render_pdf
from survey.store.questionnaire import load
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, open_round

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
    gaps = _info(analyse(db, skip_round(db, skippers=3)))["gaps"]
    assert gaps["a.blind_spot"]["skip_warning"] is True  # 30 % against 0 %
    assert gaps["a.felt_misjudgement"]["skip_warning"] is True  # same people, 30 % vs 0 %
    assert gaps["a.meta_error"]["skip_warning"] is False  # neither view skipped
    assert gaps["b.blind_spot"]["skip_warning"] is False


@pytest.mark.parametrize("skippers,warned", [(1, False), (2, True)])
def test_the_warning_needs_more_than_ten_points(db, skippers, warned):
    assert SKIP_WARNING_ABOVE == 0.10
    gap = _info(analyse(db, skip_round(db, skippers=skippers)))["gaps"]["a.blind_spot"]
    assert gap["skip_warning"] is warned  # 1 of 10 is exactly 10 points: not more


def test_the_pdf_shows_the_shares_and_the_warning_in_polish(db):
    text = _pdf_text(render_pdf(db, skip_round(db, skippers=3, dont_knows=2), lang="pl"))
    assert "pominięte" in text
    assert (
        "Czytać ostrożnie: Martwe pole działu „Sprzedaż” — odsetek osób, które pominęły co "
        "najmniej jedno stwierdzenie: 30% (Dział „Sprzedaż” o sobie), 0% (Dział „Produkcja” o dziale "
        "„Sprzedaż”)" in text
    )
    assert "odsetek osób z działu, które zostawiły bez odpowiedzi" in text  # the note
    assert "o ponad 10 punktów procentowych" in text  # the rule, on the method page
    assert "†" in text  # the heat map's mark


def test_the_pdf_shows_the_shares_and_the_warning_in_english(db):
    text = _pdf_text(render_pdf(db, skip_round(db, skippers=3), lang="en"))
    assert "skipped" in text
    assert (
        "Blind spot of Sprzedaż — left a statement unanswered: 30% (Sprzedaż about itself), "
        "0% (Produkcja about Sprzedaż)" in text
    )


def test_without_skips_no_warning_is_printed(db):
    text = _pdf_text(render_pdf(db, skip_round(db, skippers=0), lang="en"))
    assert "left a statement unanswered:" not in text
