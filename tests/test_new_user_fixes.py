"""Issue 21 (what new users hit), the points checked without a browser: a too-long
comment is answered in characters (item 7), more responses than the headcount get a word
and a closed round's footnote no longer says "as of the start of today" (item 8)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from console.conftest import PASSWORD
from pypdf import PdfReader
from respondent_helpers import csrf_token, new_code

from reports.pdf import render_pdf
from survey.store.accounts import add_user
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, open_round
from survey.store.slots import COMMENT_BYTES, characters_over, comment_size

PL = {"Accept-Language": "pl"}
EN = {"Accept-Language": "en"}
CHEF = "👩‍🍳"  # woman cook: three code points, eleven bytes


@pytest.mark.parametrize(
    "text,over",
    [
        ("x" * COMMENT_BYTES, 0),
        ("x" * (COMMENT_BYTES + 1), 1),
        ("ż" * (COMMENT_BYTES // 2) + "a", 1),  # one plain letter too many
        ("a" * (COMMENT_BYTES - 1) + "ż", 1),  # the last letter takes two
        ("a" * (COMMENT_BYTES - 2) + "\r\nb", 1),  # a line break takes two bytes
        ("  " + "x" * COMMENT_BYTES + "\n  ", 0),  # stripped, as it is stored
        ("a" * (COMMENT_BYTES - 4) + CHEF, 2),  # ZWJ (3 bytes) and the cook (4) must go
    ],
)
def test_characters_over_counts_what_must_go_from_the_end(text, over):
    assert characters_over(text) == over
    cut = text.strip().replace("\r\n", "\n")
    assert comment_size(cut[: len(cut) - over]) <= COMMENT_BYTES


def test_a_too_long_comment_is_refused_in_characters_not_bytes(app, client, open_round_id):
    """1,450 characters of Polish with emoji (1,634 bytes): refused in characters."""
    client.get(f"/r/{new_code(app, open_round_id)}")
    text = ("Kuchnia i sala współpracują lepiej, gdy zamówienia są jasne 👍. " * 30)[:1450]
    over = characters_over(text)
    assert len(text) == 1450 and comment_size(text) > COMMENT_BYTES and over % 10 >= 5
    for lang, words in (
        ("pl", f"Skróć tę odpowiedź o {over} znaków"),
        ("en", f"Please shorten this answer by {over} characters"),
    ):
        client.get(f"/lang/{lang}?next=/comments")
        token = csrf_token(client.get("/comments").get_data(as_text=True))
        page = client.post("/comments", data={"harder": text, "csrf_token": token})
        assert page.status_code == 400
        page = page.get_data(as_text=True)
        assert words in page
        assert "byte" not in page and "bajt" not in page


def _round_with_more_responses_than_people(db) -> int:
    """Side A: headcount 4, 5 responses (a spare code used); side B: 6 of 8."""
    round_id = create_round(
        db, "Kuchnia 2026", "pulse", "Sala", "Kuchnia",
        headcount_a=4, headcount_b=8, threshold=3, comment_threshold=3,
    )  # fmt: skip
    open_round(db, round_id)
    add_responses(
        db,
        round_id,
        [Submission(side, {("information", "timely", "self"): 4}) for side in "a" * 5 + "b" * 6],
    )
    close_round(db, round_id)
    return round_id


@pytest.fixture
def hr_client(make_app, db):
    add_user(db, "hr@example.com", "hr", PASSWORD)
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    client.post("/console/login", data={"email": "hr@example.com", "password": PASSWORD})
    return client


@pytest.mark.parametrize("path", ["/console/rounds/{id}", "/console/"])
def test_a_closed_round_above_its_headcount_says_so_and_its_counts_are_final(db, hr_client, path):
    round_id = _round_with_more_responses_than_people(db)
    pl = hr_client.get(path.format(id=round_id), headers=PL).get_data(as_text=True)
    assert "125%" in pl and "więcej niż liczba osób w dziale" in pl
    assert pl.count("więcej niż liczba osób w dziale") == 1  # side B (75%) is not flagged
    assert "Więcej odpowiedzi niż liczba osób w dziale" in pl
    assert "ostateczna liczba odpowiedzi" in pl and "do początku dzisiejszego dnia" not in pl
    en = hr_client.get(path.format(id=round_id), headers=EN).get_data(as_text=True)
    assert "more than the headcount" in en and "start of today divided" not in en


def test_the_report_says_when_responses_exceed_the_headcount(db):
    round_id = _round_with_more_responses_than_people(db)
    reader = PdfReader(io.BytesIO(render_pdf(db, round_id, lang="pl")))
    cover = " ".join(reader.pages[0].extract_text().split())
    # The participation table (P1): side, headcount, codes issued, responses (share).
    assert "Sala 4 0 5 (125%)" in cover
    assert "Więcej odpowiedzi niż podana liczba osób" in cover
    assert cover.count("Więcej odpowiedzi") == 1


NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "ten": 10}


def test_the_readme_says_how_many_invite_links_make_demo_prints(run_cli):
    """Item 10: the README said `make demo` prints two links; it printed six."""
    result = run_cli("demo", "--no-serve", "--no-report", "--respondents", "3")
    assert result.exit_code == 0, result.output
    printed = re.findall(r"http://127\.0\.0\.1:5000/r/[A-Z0-9-]{14}", result.output)
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    said = re.search(r"prints (\w+) fresh invite links for it \((\w+) per side\)", readme)
    assert said and NUMBERS[said.group(1)] == len(printed)
    assert NUMBERS[said.group(2)] * 2 == len(printed)
