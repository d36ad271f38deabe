"""An agreement's date reads the same everywhere in a language (issue 21, item 12): on the
projector, in the agreements PDF and in the follow-up survey's question, as the follow-up
report already printed it: "15 stycznia 2027" in Polish, "January 15, 2027" in English,
never 2027-01-15."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from survey.store import carried
from survey.store.rounds import choose_agreements, create_round, get_round, open_round
from survey.workshop import store
from survey.workshop.agenda import agenda_of

from .conftest import PASSWORD

LONG = {"pl": "15 stycznia 2027", "en": "January 15, 2027"}
ISO = "2027-01-15"


@pytest.fixture
def presenter(make_app, facilitator):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = client.post("/console/login", data={"email": facilitator, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def workshop(db, closed_round_id):
    made = store.create_workshop(db, closed_round_id, "2h", ["information"])
    store.add_agreement(db, made, "Plan tygodniowy co poniedziałek", "both", ISO, "Notatka")
    kinds = [block.kind for block in agenda_of(made)]
    store.set_step(db, made, kinds.index("agreements"), len(kinds))
    return made


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_projector_and_the_agreements_pdf_print_the_day_in_words(presenter, workshop, lang):
    page = presenter.get(f"/console/workshops/{workshop.id}?lang={lang}").get_data(as_text=True)
    cells = re.findall(r'data-label="[^"]*">([^<]*2027)</td>', page)
    assert cells == [LONG[lang]]
    pdf = presenter.get(f"/console/workshops/{workshop.id}/download/agreements.pdf?lang={lang}")
    text = _text(pdf.get_data())
    assert LONG[lang] in text and ISO not in text


def test_the_follow_up_question_prints_the_day_in_words_in_each_language(db, workshop):
    round_id = create_round(db, "Wiosna", "sales-production", "Sprzedaż", "Produkcja")
    offered = carried.offered(db, get_round(db, round_id))
    choose_agreements(db, round_id, [offer.id for offer in offered])
    open_round(db, round_id)
    questionnaire = get_round(db, round_id).questionnaire
    page = carried.page(questionnaire)
    assert page is not None
    texts = page.items[0].texts[carried.KEPT]
    for lang in ("pl", "en"):
        assert LONG[lang] in texts[lang] and ISO not in texts[lang]
