"""The reports page: PDF and JSON downloads of a closed round, comparison, moderation."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from survey.store.audit import entries
from survey.store.moderation import hide_comment
from survey.store.rounds import close_round, create_round, get_round, open_round

from .conftest import respond


def _download(client, round_id, file, compare=""):
    return client.get(
        f"/console/rounds/{round_id}/report/download",
        query_string={"file": file, "compare": compare},
    )


def test_json_analysis_download_is_the_analysis_of_the_round(facilitator, db, closed_round_id):
    response = _download(facilitator, closed_round_id, "json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="lustro-round-{closed_round_id}-report.json"'
    )
    report = json.loads(response.get_data(as_text=True))
    assert report["round"]["id"] == closed_round_id
    assert report["sides"]["a"]["n"] == 3 and report["compare"] is None
    assert entries(db)[0].action == "report.download"
    assert entries(db)[0].figures == {"report": "json", "compare": None}


def test_a_hidden_comment_is_left_out_of_the_analysis(facilitator, db, closed_round_id):
    def comments():
        report = json.loads(_download(facilitator, closed_round_id, "json").get_data(as_text=True))
        return report["comments"]["change"]["a"]

    assert comments() == ["Sala comment"] * 3
    comment_id = db.execute(
        "SELECT id FROM comments WHERE round_id = ? AND side = 'a'", [closed_round_id]
    ).fetchone()[0]
    hide_comment(db, comment_id, "names a person")
    assert comments() == ["Sala comment"] * 2


@pytest.mark.parametrize("file,word", [("pdf-pl", "Kuchnia"), ("pdf-en", "Kuchnia")])
def test_pdf_report_downloads_in_either_language(hr, closed_round_id, file, word):
    response = _download(hr, closed_round_id, file)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Closed" in text and word in text
    lang = file[-2:]
    assert response.headers["Content-Disposition"].endswith(f'report.{lang}.pdf"')


def test_only_an_earlier_comparable_round_is_offered_and_accepted(facilitator, db, closed_round_id):
    other_sides = create_round(db, "Other sides", "pulse", "Sklep", "Magazyn", threshold=3)
    later = create_round(db, "Later", "pulse", "Sala", "Kuchnia", threshold=3, comment_threshold=3)
    for round_id in (other_sides, later):
        open_round(db, round_id)
        respond(db, round_id, "a", 3)
        respond(db, round_id, "b", 3)
        close_round(db, round_id)
    page = facilitator.get(f"/console/rounds/{later}/report").get_data(as_text=True)
    assert f'<option value="{closed_round_id}">Closed (' in page
    assert "Other sides" not in page
    compared = json.loads(_download(facilitator, later, "json", str(closed_round_id)).data)
    assert compared["compare"]["round"]["id"] == closed_round_id
    assert _download(facilitator, later, "json", str(other_sides)).status_code == 400
    assert _download(facilitator, closed_round_id, "json", str(later)).status_code == 400
    assert entries(db)[0].figures == {"report": "json", "compare": closed_round_id}


@pytest.mark.parametrize("file", ["xlsx", ""])
def test_unknown_file_kind_is_refused(facilitator, closed_round_id, file):
    assert _download(facilitator, closed_round_id, file).status_code == 400


def test_no_report_before_the_round_is_closed(facilitator, db, open_round_id):
    assert _download(facilitator, open_round_id, "json").status_code == 400
    page = facilitator.get(f"/console/rounds/{open_round_id}/report")
    assert page.headers["Location"] == f"/console/rounds/{open_round_id}"
    assert get_round(db, open_round_id).status == "open"
    assert not entries(db) or entries(db)[0].action == "login"
