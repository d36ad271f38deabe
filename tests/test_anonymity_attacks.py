"""Anonymity attacks, one test each: every test fails if its attack works.

Also part of this list, tested where the feature lives:
- the full database file and the app's log after 20 responses hold no code, order of
  arrival or time of day: tests/test_respond_anonymity.py;
- participation is never live, and below the threshold only "fewer than N":
  tests/console/test_participation.py.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

import httpx
import pytest

from reports.analysis import analyse
from survey.demo import simulate
from survey.errors import SurveyError, WrongState
from survey.participation import participation
from survey.responses import Submission, add_responses
from survey.rounds import close_round, create_round, get_round, open_round, update_round
from survey.slots import insert_comment
from survey.transfer import export_rows, import_csv


def _round(db, sales: int, production: int, **settings) -> int:
    round_id = create_round(db, "R", "sales-production", "Sprzedaż", "Produkcja", **settings)
    round_ = open_round(db, round_id)
    rng = random.Random(round_id)
    add_responses(
        db,
        round_id,
        [simulate(round_.questionnaire, "a", rng) for _ in range(sales)]
        + [simulate(round_.questionnaire, "b", rng) for _ in range(production)],
    )
    return round_id


# --- Differencing across time ---------------------------------------------------------


def test_no_figure_of_a_round_can_be_had_before_it_closes(db):
    round_id = _round(db, 8, 8)
    with pytest.raises(WrongState):
        analyse(db, round_id)
    with pytest.raises(WrongState):
        export_rows(db, round_id)
    # Participation counts only what came before today: nothing from today is visible.
    assert all(side.responses is None for side in participation(db, get_round(db, round_id)))


@pytest.mark.parametrize(
    "change",
    [
        lambda db, r: add_responses(db, r, [Submission(side="a")]),
        lambda db, r: import_csv(db, r, "side\na\n"),
        lambda db, r: open_round(db, r),
        lambda db, r: update_round(db, r, threshold=9),
    ],
    ids=["add a response", "import", "reopen", "edit settings"],
)
def test_a_closed_round_cannot_be_changed(db, change):
    round_id = _round(db, 6, 6)
    close_round(db, round_id)
    before = analyse(db, round_id)
    with pytest.raises(SurveyError):
        change(db, round_id)
    assert analyse(db, round_id)["sides"] == before["sides"]
    assert json.dumps(analyse(db, round_id)["dimensions"]) == json.dumps(before["dimensions"])


# --- Small groups ----------------------------------------------------------------------


def test_a_side_below_the_threshold_leaks_no_figure_or_comment_anywhere(db):
    round_id = _round(db, 12, 4)
    insert_comment(db, round_id, "b", "need", "Tylko ja to piszę")
    close_round(db, round_id)
    report = analyse(db, round_id)
    text = json.dumps(report, ensure_ascii=False)
    assert "Tylko ja to piszę" not in text
    assert report["sides"]["b"]["n"] is None
    for dimension in report["dimensions"]:
        for key, cell in dimension["cells"].items():
            if key.startswith("b."):
                assert cell["suppressed"] and cell["mean"] is None and cell["counts"] is None
        for key, gap in dimension["gaps"].items():
            if key != "a.felt_misjudgement":
                assert gap["diff"] is None, key
    assert {row["side"] for row in export_rows(db, round_id)} == {"a"}
    (side_b,) = [s for s in participation(db, get_round(db, round_id)) if s.side == "b"]
    assert side_b.responses is None


def test_comparing_with_a_round_whose_side_was_small_reveals_nothing_of_it(db):
    earlier = _round(db, 12, 4)
    close_round(db, earlier)
    later = _round(db, 12, 12)
    close_round(db, later)
    compare = analyse(db, later, compare_with=earlier)["compare"]
    for gaps in compare["dimensions"].values():
        for key, entry in gaps.items():
            if key != "a.felt_misjudgement":  # the only gap made of side a's answers alone
                assert entry["before"] is None and entry["change"] is None, key


def test_thresholds_cannot_be_lowered_once_the_round_is_open(db):
    round_id = _round(db, 3, 3, threshold=6, comment_threshold=12)
    for change in ({"threshold": 5}, {"comment_threshold": 11}, {"threshold": 3}):
        with pytest.raises(SurveyError):
            update_round(db, round_id, **change)
    assert (get_round(db, round_id).threshold, get_round(db, round_id).comment_threshold) == (6, 12)


# --- The production server's own log ----------------------------------------------------


def test_the_production_server_logs_no_code_address_or_respondent_path(tmp_path, monkeypatch):
    from respondent_helpers import csrf_token
    from test_durability import RADIO, Server, open_round_with_codes

    database, codes = open_round_with_codes(tmp_path, monkeypatch, "pulse", 3)
    log = tmp_path / "server.log"
    with log.open("w") as sink:
        server = Server(database, os.environ.copy(), stderr=sink)
        try:
            for code in codes:
                with httpx.Client(base_url=server.url) as browser:
                    assert browser.get(f"/r/{code}").status_code == 302
                    page = browser.get("/page/1")
                    data = {name: "3" for name in RADIO.findall(page.text)}
                    browser.post("/page/1", data={**data, "csrf_token": csrf_token(page.text)})
                    browser.get("/r/AAAA-BBBB-CCCC")  # a wrong code too
            time.sleep(0.5)
        finally:
            server.kill()
    text = log.read_text()
    assert "Booting worker" in text  # the log is really captured
    for code in codes:
        assert code not in text and code.replace("-", "") not in text
    assert "AAAA-BBBB-CCCC" not in text and "127.0.0.1 " not in text and "/r/" not in text
    assert not re.search(r"GET|POST", text)
