"""Codes are downloadable as slips (PDF) and CSV only from the page that shows them once."""

from __future__ import annotations

import csv
import io
import re

import pytest
from pypdf import PdfReader

from survey.audit import entries
from survey.invites import generate


@pytest.fixture
def shown(hr, open_round_id):
    """The codes page right after generating three codes for side B."""
    page = hr.post(f"/console/rounds/{open_round_id}/invites", data={"side": "b", "count": "3"})
    html = page.get_data(as_text=True)
    return re.findall(r"<code>([A-Z0-9-]{14})</code>", html), html


def _download(hr, round_id, codes, fmt, side="b"):
    return hr.post(
        f"/console/rounds/{round_id}/invites/download",
        data={"side": side, "codes": " ".join(codes), "fmt": fmt},
    )


def test_the_codes_page_offers_both_downloads_with_the_codes(shown):
    codes, html = shown
    assert "Pobierz kartki do wydruku (PDF)" in html
    assert "Pobierz kody (CSV, do korespondencji seryjnej)" in html
    assert html.count(" ".join(codes)) == 2  # one hidden field per download form


def test_slips_pdf_carries_each_code_and_its_link(hr, db, open_round_id, shown):
    codes, _ = shown
    response = _download(hr, open_round_id, codes, "pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert all(code in text for code in codes)
    assert entries(db)[0].action == "invites.download"
    assert entries(db)[0].detail == "3 × b (pdf)"


def test_codes_csv_lists_code_link_side_and_round(hr, open_round_id, shown):
    codes, _ = shown
    response = _download(hr, open_round_id, codes, "csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["code"] for row in rows] == codes
    assert rows[0]["url"] == f"http://127.0.0.1:5000/r/{codes[0]}"
    assert rows[0]["side"] == "Produkcja" and rows[0]["round"] == "Test round"


@pytest.mark.parametrize("case", ["made up", "other side", "other round"])
def test_only_real_codes_of_that_round_and_side_are_turned_into_slips(
    hr, db, open_round_id, draft_round_id, shown, case
):
    codes, _ = shown
    if case == "made up":
        body = _download(hr, open_round_id, [*codes, "AAAA-BBBB-CCCC"], "pdf")
    elif case == "other side":
        body = _download(hr, open_round_id, codes, "pdf", side="a")
    else:
        other = generate(db, draft_round_id, "b", 1, "test-invite-key")
        body = _download(hr, open_round_id, [*codes, *other], "csv")
    assert body.status_code == 400
    assert not any(e.action == "invites.download" for e in entries(db))
