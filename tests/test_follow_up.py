"""The follow-up round end to end (issue 12, item 5): a workshop on a closed round records
agreements in the console; HR creates a later round with the same sides and carries them;
respondents answer through the respondent pages; the closed round's JSON and PDF report
show, per agreement, each side's share that sees it as kept and the gap changes since."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader
from respondent_helpers import csrf_token, new_code, post_page, question_pages, thanked
from workshop_helpers import closed_round

from survey.store.accounts import add_user
from survey.store.rounds import get_round, list_rounds

PASSWORD = "follow-up test password"
SIDES = ("Sprzedaż", "Produkcja")
KEPT = "Plan produkcji wysyłany w każdy poniedziałek"
DISPUTED = "Zmiany zamówień tylko do środy"


def _hr(app):
    client = app.test_client()
    response = client.post("/console/login", data={"email": "hr@example.com", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _pdf_text(body: bytes) -> str:
    pages = PdfReader(io.BytesIO(body)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _answer(client, app, round_id: int, side: str, dimension_value: str, kept: dict[str, str]):
    """One respondent through every page: each question `dimension_value`, then the
    agreements page (the page after the dimensions) with `kept` per agreement id."""
    assert client.get(f"/r/{new_code(app, round_id, side)}").status_code == 302
    questionnaire = get_round_of(app, round_id).questionnaire
    pages = question_pages(questionnaire)
    for page, dimensions in enumerate(pages, start=1):
        data = {
            f"{dimension.id}.{item.id}.{p}": dimension_value
            for dimension in dimensions
            for item in dimension.items
            for p in ("self", "other", "meta")
        }
        assert post_page(client, f"/page/{page}", data).status_code == 302
    agreements_page = f"/page/{len(pages) + 1}"
    html = client.get(agreements_page).get_data(as_text=True)
    assert "Uzgodnienia z warsztatu" in html and KEPT in html
    data = {f"agreement.{aid}.kept": value for aid, value in kept.items()}
    assert post_page(client, agreements_page, data).status_code == 302
    assert post_page(client, "/comments", {}).status_code == 302
    review = client.get("/review").get_data(as_text=True)
    assert DISPUTED in review
    response = client.post("/submit", data={"csrf_token": csrf_token(review)})
    assert thanked(response)


def get_round_of(app, round_id):
    from survey.store.connection import open_db

    db = open_db(app.config["DATABASE"])
    try:
        return get_round(db, round_id)
    finally:
        db.conn.close()


@pytest.fixture
def follow_up(db, make_app):
    """Workshop, agreements, follow-up round answered and closed: (console client, round
    id, agreement ids, the workshop's round id)."""
    add_user(db, "hr@example.com", "hr", PASSWORD)
    console_app = make_app(WTF_CSRF_ENABLED=False)
    hr = _hr(console_app)
    first = closed_round(db, sides=SIDES)
    response = hr.post(
        f"/console/rounds/{first}/workshops",
        data={"variant": "2h", "dimensions": ["information", "respect"]},
    )
    workshop = response.headers["Location"].rsplit("/", 1)[-1]
    for what, who in ((KEPT, "b"), (DISPUTED, "a")):
        hr.post(
            f"/console/workshops/{workshop}/agreements",
            data={"what": what, "responsible": who, "due_on": "2026-12-31", "evidence": "Mail"},
        )
    form = hr.get("/console/rounds/new").get_data(as_text=True)
    ids = re.findall(r'name="agreements" type="checkbox" value="([0-9a-f]+)"', form)
    assert len(ids) == 2 and KEPT in form and DISPUTED in form
    response = hr.post(
        "/console/rounds/new",
        data={
            "questionnaire": "sales-production",
            "name": "Po warsztacie",
            "lang": "pl",
            "side_a": SIDES[0],
            "side_b": SIDES[1],
            "threshold": "5",
            "comment_threshold": "10",
            "agreements": ids,
        },
    )
    assert response.status_code == 302
    round_id = list_rounds(db)[-1].id
    assert hr.post(f"/console/rounds/{round_id}/open").status_code == 302
    kept_id, disputed_id = ids
    respondents = make_app()
    # Sales sees both kept (5); production sees the first kept 4 times in 6, and on the
    # second mostly answers don't know: below the threshold of 5 answers.
    for _ in range(6):
        _answer(respondents.test_client(), respondents, round_id, "a", "4", dict.fromkeys(ids, "5"))
    for first_value, second_value in zip("545251", ("1", "1", "dk", "dk", "dk", "dk"), strict=True):
        kept = {kept_id: first_value, disputed_id: second_value}
        _answer(respondents.test_client(), respondents, round_id, "b", "2", kept)
    assert hr.post(f"/console/rounds/{round_id}/close").status_code == 302
    return hr, round_id, ids, first


def test_a_follow_up_report_shows_each_agreement_per_side_beside_the_gap_changes(follow_up):
    hr, round_id, (kept_id, disputed_id), first = follow_up
    response = hr.get(f"/console/rounds/{round_id}/report/download?file=json")
    report = json.loads(response.get_data(as_text=True))
    kept, disputed = report["agreements"]
    assert (kept["id"], kept["what"], kept["responsible"]) == (kept_id, KEPT, SIDES[1])
    assert kept["sides"]["a"]["kept_share"] == 1 and kept["sides"]["a"]["n"] == 6
    assert kept["sides"]["b"]["kept_share"] == pytest.approx(4 / 6)
    assert kept["sides"]["b"]["n"] == 6
    low, high = kept["sides"]["b"]["ci95"]
    assert low < 4 / 6 < high
    difference = kept["difference"]
    assert difference["diff"] == pytest.approx(1 - 4 / 6)
    # Six a side: Fisher's exact test cannot call 6/6 against 4/6 clear. Of the tables
    # with 10 of 12 kept, 6 and 4 and its mirror 4 and 6 each have C(10,6)/C(12,6) = 210/924.
    assert difference["test"] == "fisher" and difference["clear"] is False
    assert difference["p"] == pytest.approx(420 / 924)
    assert disputed["sides"]["a"]["kept_share"] == 1
    assert disputed["sides"]["b"]["suppressed"] is True
    assert disputed["sides"]["b"]["kept_share"] is None and disputed["sides"]["b"]["n"] is None
    assert disputed["difference"]["suppressed"] is True
    since = kept["since"]
    assert since["round"]["id"] == first and disputed["since"] == since
    assert set(since["dimensions"]) == {d["id"] for d in report["dimensions"]}
    for dimension in report["dimensions"]:
        for key, gap in dimension["gaps"].items():
            change = since["dimensions"][dimension["id"]][key]
            if not change["suppressed"]:
                assert change["after"] == gap["diff"]
                low, high = change["ci95"]
                assert low <= change["change"] <= high
                assert change["clear"] == (change["direction"] is not None)
    assert report["method"]["agreements"]["family_size"] == 1  # one testable difference


@pytest.mark.parametrize(
    ("file", "title", "kept_word", "suppressed"),
    [
        ("pdf-en", "Agreements from the workshop", "kept", "fewer than 5"),
        ("pdf-pl", "Uzgodnienia z warsztatu", "dotrzyman", "mniej niż 5"),
    ],
)
def test_the_follow_up_pdf_shows_the_agreements_in_both_languages(
    follow_up, file, title, kept_word, suppressed
):
    hr, round_id, _ids, _first = follow_up
    body = hr.get(f"/console/rounds/{round_id}/report/download?file={file}").get_data()
    text = _pdf_text(body)
    section = text[text.index(title) :]
    assert KEPT in section and DISPUTED in section
    assert kept_word in section and suppressed in section
    assert "100" in section  # the shares seeing the first agreement as kept
    assert "Warsztat" in section  # the workshop's round, the changes are measured from


def test_a_draft_offers_only_agreements_of_rounds_with_the_same_sides(db, make_app):
    from survey.store.rounds import create_round
    from survey.workshop import store

    add_user(db, "hr@example.com", "hr", PASSWORD)
    hr = _hr(make_app(WTF_CSRF_ENABLED=False))
    workshop = store.create_workshop(db, closed_round(db, sides=SIDES), "2h", ["information"])
    agreement = store.add_agreement(db, workshop, KEPT, "a", "2026-12-31", "Mail")
    other = create_round(db, "Serwis", "sales-production", SIDES[0], "Serwis")
    assert KEPT not in hr.get(f"/console/rounds/{other}/edit").get_data(as_text=True)
    draft = create_round(db, "Wiosna", "sales-production", *SIDES)
    page = hr.get(f"/console/rounds/{draft}/edit").get_data(as_text=True)
    assert KEPT in page
    settings = {
        "name": "Wiosna",
        "lang": "pl",
        "side_a": SIDES[0],
        "side_b": SIDES[1],
        "threshold": "5",
        "comment_threshold": "10",
    }
    hr.post(f"/console/rounds/{draft}/edit", data=settings | {"agreements": [agreement]})
    page = hr.get(f"/console/rounds/{draft}/edit").get_data(as_text=True)
    assert re.search(rf'checked[^>]*value="{agreement}"|value="{agreement}"[^>]*checked', page)
    # Changing a side while keeping the agreement is refused as a whole: nothing changes.
    response = hr.post(
        f"/console/rounds/{draft}/edit",
        data=settings | {"side_b": "Serwis", "agreements": [agreement]},
    )
    assert response.status_code == 200
    assert get_round(db, draft).side_b == SIDES[1]
