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
from survey.store.errors import SurveyError, WrongState
from survey.store.participation import participation
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, get_round, open_round, update_round
from survey.store.slots import insert_comment
from survey.store.transfer import export_rows, import_csv


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
            # S10: a broken request line made gunicorn log "Invalid request from ip=…".
            import socket

            host, port = server.url.removeprefix("http://").split(":")
            with socket.create_connection((host, int(port)), timeout=5) as raw:
                raw.sendall(b"BROKEN\x01 / HTTP/1.1\r\n\r\n")
                assert raw.recv(100).startswith(b"HTTP/1.1 400")
            time.sleep(0.5)
        finally:
            server.kill()
    text = log.read_text()
    assert "Booting worker" in text  # the log is really captured
    for code in codes:
        assert code not in text and code.replace("-", "") not in text
    assert "AAAA-BBBB-CCCC" not in text and "/r/" not in text
    # The address appears only where gunicorn says where it listens, never for a client.
    assert [
        line for line in text.splitlines() if "127.0.0.1" in line and "Listening" not in line
    ] == []
    assert "Invalid request refused" in text and "ip=" not in text
    assert not re.search(r"GET|POST", text)


# --- Issue 11: whoever holds a slip, the console or the database --------------------------


def _seen_by_a_stranger(app, code: str) -> tuple:
    """Everything a browser without the respondent's cookies sees when opening a link."""
    client = app.test_client()
    first = client.get(f"/r/{code}")
    page = client.get(first.headers.get("Location", "/"))
    body = re.sub(r'value="[^"]+"', 'value=""', page.get_data(as_text=True))
    return first.status_code, first.headers.get("Location"), sorted(first.headers.keys()), body


def test_a2_a_used_and_an_unused_code_look_the_same_to_anyone_but_their_browser(
    app, db, db_path, open_round_id
):
    """A2: GET /r/<code> answered 302 for an unused and 410 for a used code, to anyone."""
    from pathlib import Path

    from respondent_helpers import answer_everything, new_code

    used, unused = new_code(app, open_round_id), new_code(app, open_round_id)
    sender = app.test_client()
    answer_everything(sender, app, open_round_id, used)
    file_before = Path(db_path).read_bytes()
    assert _seen_by_a_stranger(app, used) == _seen_by_a_stranger(app, unused)
    assert Path(db_path).read_bytes() == file_before  # and opening a link writes nothing
    # Only the browser that sent it is thanked again.
    again = sender.get(f"/r/{used}")
    assert again.status_code == 200
    assert "Twoje odpowiedzi już do nas dotarły" in again.get_data(as_text=True)


def test_a5_no_response_carries_a_day_only_a_count_per_side_at_the_start_of_the_day(
    app, db, db_path, monkeypatch
):
    """A5: participation went 6 → 7 on day 2, and the one response dated day 2 was the
    person seen answering that day. Now no response has a date at all."""
    import datetime as dt

    from respondent_helpers import answer_everything, new_code

    from survey.store.rounds import Round

    round_id = create_round(db, "R", "pulse", "Sala", "Kuchnia", headcount_a=10, threshold=3)
    open_round(db, round_id)
    day1, day2 = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    for day, count in ((day1, 6), (day2, 1)):
        monkeypatch.setattr(Round, "today", lambda self, day=day: day)
        for _ in range(count):
            answer_everything(app.test_client(), app, round_id, new_code(app, round_id))
    (side_a, _b) = participation(db, get_round(db, round_id))
    assert side_a.responses == 6  # as of the start of day 2
    rows = db.execute("SELECT * FROM response_slots WHERE filled").fetchall()
    assert len(rows) == 7
    for day in (day1, day2):
        assert all(day.isoformat() not in str(value) for row in rows for value in row)
    assert db.execute("SELECT side, day, at_day_start FROM day_counts").fetchall() == [
        ("a", day2.isoformat(), 6)
    ]


def test_a6_padding_a_small_group_is_limited_audited_and_disclosed(app, db, run_cli, tmp_path):
    """A6: with 1 real person in side b, HR made 9 more codes after opening and answered
    them; an import left no trace. Now codes stop at headcount + spare, and codes made
    after opening and imports are logged and printed on the report's first page."""
    from pypdf import PdfReader

    from reports.pdf import write_pdf
    from survey.store import invites

    key = app.config["INVITE_KEY"]
    round_id = create_round(
        db, "R", "pulse", "Sala", "Kuchnia", lang="en", headcount_a=8, headcount_b=1,
        threshold=3, comment_threshold=3,
    )  # fmt: skip
    invites.generate(db, round_id, "b", 1, key)
    open_round(db, round_id)
    with pytest.raises(SurveyError, match="at most 3 codes"):
        invites.generate(db, round_id, "b", 9, key)
    invites.generate(db, round_id, "b", 2, key)  # within the spare, but after opening
    csv = tmp_path / "more.csv"
    csv.write_text("side\nb\nb\na\n")
    assert run_cli("import", str(round_id), str(csv)).exit_code == 0
    audit = [
        row[0] for row in db.execute("SELECT action FROM audit_log WHERE round_id = ?", [round_id])
    ]
    assert "responses.import" in audit
    close_round(db, round_id)
    assert analyse(db, round_id)["disclosures"] == [
        {"kind": "codes_after_opening", "side": "b", "count": 2},
        {"kind": "import", "side": "a", "count": 1},
        {"kind": "import", "side": "b", "count": 2},
    ]
    write_pdf(db, round_id, tmp_path / "r.pdf", lang="en")
    first_page = " ".join(PdfReader(tmp_path / "r.pdf").pages[0].extract_text().split())
    assert "Kuchnia: 2 invite codes were made after the survey opened" in first_page
    assert "Kuchnia: 2 responses were imported from a file" in first_page
