"""Attack P1 (issue 20): HR typed headcount 5 for a one-person side and answered 4 of its
codes itself; the figures were shown and nothing told the room. Now a headcount changed
once codes exist is in the audit log, and the report's first page (and its JSON) gives
each side's headcount, codes issued and responses side by side."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader
from respondent_helpers import answer_everything, thanked

from survey.store.rounds import close_round, get_round, list_rounds, open_round

from .conftest import generate_codes, respond

ROUND = {
    "questionnaire": "pulse",
    "name": "Jesień",
    "side_a": "Sala",
    "side_b": "Kuchnia",
    "lang": "en",
    "headcount_a": "6",
    "headcount_b": "3",  # the form allows no fewer: the thresholds are at least 3
    "threshold": "3",
    "comment_threshold": "3",
}
LABEL = {
    "en": "changed a headcount after invite codes were made",
    "pl": "zmiana liczby osób działu po wygenerowaniu kodów zaproszeń",
}


def _new_round(hr, db, **fields) -> int:
    assert hr.post("/console/rounds/new", data={**ROUND, **fields}).status_code == 302
    return list_rounds(db)[-1].id


def _codes(hr, round_id: int, side: str, count: int) -> list[str]:
    """Codes made in the console, read from the page that lists them once."""
    made = generate_codes(hr, round_id, side, count)
    assert made.status_code == 302, made.get_data(as_text=True)
    page = hr.get(made.headers["Location"]).get_data(as_text=True)
    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", page)
    assert len(codes) == count
    return codes


def _edit(hr, round_id: int, **fields) -> None:
    data = {key: value for key, value in ROUND.items() if key != "questionnaire"}
    response = hr.post(f"/console/rounds/{round_id}/edit", data={**data, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)


def _audit_rows(hr, lang: str, round_id: int) -> list[str]:
    """The rows of the round's audit page, reached from the round's page."""
    round_page = hr.get(f"/console/rounds/{round_id}?lang={lang}").get_data(as_text=True)
    assert f'href="/console/audit?round={round_id}"' in round_page
    page = hr.get(f"/console/audit?round={round_id}&lang={lang}").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_p1_a_headcount_raised_after_codes_exist_is_in_the_audit_log(hr, db, lang):
    round_id = _new_round(hr, db)
    _codes(hr, round_id, "b", 5)  # the most 3 people (plus 2 spare) allow
    _edit(hr, round_id, headcount_b="5")
    _codes(hr, round_id, "b", 2)  # now allowed: the audit log has the trace
    assert get_round(db, round_id).headcount_b == 5
    rows = [row for row in _audit_rows(hr, lang, round_id) if LABEL[lang] in row]
    assert len(rows) == 1
    assert "Kuchnia: 3 → 5" in rows[0] and "hr@example.com" in rows[0]
    assert LABEL["en" if lang == "pl" else "pl"] not in " ".join(_audit_rows(hr, lang, round_id))


def test_a_headcount_changed_before_any_code_is_only_an_ordinary_edit(hr, db):
    round_id = _new_round(hr, db)
    _edit(hr, round_id, headcount_b="5")
    assert not [row for row in _audit_rows(hr, "en", round_id) if LABEL["en"] in row]
    assert [row for row in _audit_rows(hr, "en", round_id) if "changed the settings" in row]


def test_the_rounds_audit_page_lists_that_round_only(hr, db):
    first, second = _new_round(hr, db), _new_round(hr, db, name="Wiosna")
    rows = _audit_rows(hr, "en", second)
    assert [row for row in rows if "created the round" in row] == [
        next(row for row in rows if "Wiosna" in row)
    ]
    assert not [row for row in rows if "Jesień" in row or "logged in" in row]
    assert hr.get("/console/audit?round=999").status_code == 404
    assert hr.get("/console/audit?round=x").status_code == 404
    assert first != second


def _report_files(hr, round_id: int) -> dict[str, bytes]:
    return {
        file: hr.get(
            f"/console/rounds/{round_id}/report/download", query_string={"file": file}
        ).data
        for file in ("pdf-en", "pdf-pl", "json")
    }


def _first_page(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


FIRST_PAGE = {
    "en": ("Headcount", "Invite codes issued", "Responses"),
    "pl": ("Liczba osób", "Wydane kody zaproszeń", "Odpowiedzi"),
}


def test_p1_the_first_page_shows_a_padded_side_headcount_codes_and_responses(hr, make_app, db):
    """The attack itself: Kuchnia has one person; HR types 5, makes 7 codes (5 + 2 spare),
    answers 4 of them and lets the one real person answer: 5 responses, figures shown."""
    respondents = make_app()  # the respondent pages with their CSRF tokens, as a phone
    round_id = _new_round(hr, db, headcount_b="5", threshold="5", comment_threshold="5")
    kitchen = _codes(hr, round_id, "b", 7)
    hall = _codes(hr, round_id, "a", 6)
    open_round(db, round_id)
    for code in kitchen[:5] + hall:
        assert thanked(answer_everything(respondents.test_client(), respondents, round_id, code))
    close_round(db, round_id)
    files = _report_files(hr, round_id)
    for lang in ("en", "pl"):
        page = _first_page(files[f"pdf-{lang}"])
        assert all(heading in page for heading in FIRST_PAGE[lang]), page
        assert re.search(r"Kuchnia 5 7 5 \(100\s?%\)", page), page
        assert re.search(r"Sala 6 6 6 \(100\s?%\)", page), page
    sides = json.loads(files["json"])["sides"]
    assert [(s["headcount"], s["codes_issued"], s["n"]) for s in sides.values()] == [
        (6, 6, 6),
        (5, 7, 5),
    ]


def test_p1_the_report_discloses_a_headcount_changed_after_codes(hr, db):
    round_id = _new_round(hr, db, headcount_b="5")
    _codes(hr, round_id, "b", 3)
    _edit(hr, round_id, headcount_b="3")
    _edit(hr, round_id, headcount_b="4")
    open_round(db, round_id)
    respond(db, round_id, "a", 3)
    respond(db, round_id, "b", 3)
    close_round(db, round_id)
    files = _report_files(hr, round_id)
    assert {"kind": "headcount_after_codes", "side": None, "count": 2} in json.loads(files["json"])[
        "disclosures"
    ]
    assert "Headcounts were changed 2 times after invite codes were made" in _first_page(
        files["pdf-en"]
    )
    assert "Liczbę osób zmieniano 2 razy po wygenerowaniu kodów zaproszeń" in _first_page(
        files["pdf-pl"]
    )
    assert re.search(r"Kuchnia 4 3 3 \(75\s?%\)", _first_page(files["pdf-en"]))
