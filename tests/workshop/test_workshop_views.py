"""The workshop over HTTP without JavaScript: phones join and guess with plain forms, the
projector shows counts and never a value before the reveal, the downloads are real files."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re

import pytest
from pypdf import PdfReader

from survey.store.questionnaire import load
from survey.store.rounds import get_round
from survey.workshop import store


@pytest.fixture
def workshop(db, closed_round_id):
    return store.create_workshop(db, closed_round_id, "2h", ["information", "respect"])


def _phone(app, code, side):
    phone = app.test_client()
    assert phone.post(f"/w/{code}/side", data={"side": side}).status_code == 302
    return phone


def _step_to_first_dimension(presenter, workshop):
    presenter.post(f"/console/workshops/{workshop.id}/step", data={"to": "next"})


def test_the_console_starts_a_workshop_from_a_closed_round(presenter, db, closed_round_id):
    page = presenter.get(f"/console/rounds/{closed_round_id}").get_data(as_text=True)
    assert f"/console/rounds/{closed_round_id}/workshops" in page
    form = presenter.get(
        f"/console/rounds/{closed_round_id}/workshops", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "choose the dimensions" in form  # no clear finding in random answers
    sent = presenter.post(
        f"/console/rounds/{closed_round_id}/workshops",
        data={"variant": "half-day", "dimensions": ["respect", "information"]},
    )
    (made,) = store.workshops_of_round(db, closed_round_id)
    assert sent.headers["Location"] == f"/console/workshops/{made.id}"
    assert made.dimensions == ["respect", "information"] and made.variant == "half-day"
    welcome = presenter.get(sent.headers["Location"]).get_data(as_text=True)
    assert made.join_code in welcome and "<svg" in welcome and "/w/" + made.join_code in welcome


def test_the_presenter_view_needs_a_console_login(app, workshop):
    response = app.test_client().get(f"/console/workshops/{workshop.id}")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_phones_guess_with_a_plain_form_and_the_projector_sees_only_counts(
    app, presenter, db, workshop
):
    _step_to_first_dimension(presenter, workshop)
    phones = [_phone(app, workshop.join_code, "a") for _ in range(3)]
    guess_page = phones[0].get(f"/w/{workshop.join_code}").get_data(as_text=True)
    assert 'name="value"' in guess_page and "<script" in guess_page  # works without it too
    for phone, value in zip(phones, (1, 2, 2), strict=True):
        sent = phone.post(
            f"/w/{workshop.join_code}/guess", data={"dimension": "information", "value": value}
        )
        assert sent.status_code == 302
    state = phones[0].get(f"/w/{workshop.join_code}/state.json").get_json()
    assert state["dimension"] == "information" and state["guessed"] == {"a": 3, "b": 0}
    assert presenter.get(f"/w/{workshop.join_code}/state.json").get_json() == state
    assert set(state) == {"step", "revealed", "dimension", "guessed", "dots"}
    projector = presenter.get(f"/console/workshops/{workshop.id}").get_data(as_text=True)
    assert 'data-count="a">3<' in projector
    assert "reveal-chart" not in projector and "1,7" not in projector


def test_a_phone_guesses_once_per_dimension(app, presenter, db, workshop):
    _step_to_first_dimension(presenter, workshop)
    phone = _phone(app, workshop.join_code, "b")
    for _ in range(2):
        phone.post(f"/w/{workshop.join_code}/guess", data={"dimension": "information", "value": 4})
    assert store.guess_counts(db, workshop.id)["information"]["b"] == [0, 0, 0, 1, 0]
    page = phone.get(f"/w/{workshop.join_code}").get_data(as_text=True)
    assert 'name="value"' not in page


def test_a_guess_without_a_value_gets_a_message_in_polish_and_changes_nothing(
    app, presenter, db, workshop
):
    _step_to_first_dimension(presenter, workshop)
    phone = _phone(app, workshop.join_code, "a")
    sent = phone.post(
        f"/w/{workshop.join_code}/guess",
        data={"dimension": "information"},
        headers={"Accept-Language": "pl"},
        follow_redirects=True,
    )
    assert "Wybierz liczbę od 1 do 5." in sent.get_data(as_text=True)
    assert store.guess_counts(db, workshop.id) == {}


def test_an_unknown_join_code_is_a_clear_404(app):
    response = app.test_client().get("/w/AAAAAA", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "no workshop with this code" in response.get_data(as_text=True)


def test_an_unknown_join_code_is_a_404_in_polish(app):
    response = app.test_client().get("/w/AAAAAA", headers={"Accept-Language": "pl"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Nie ma warsztatu o tym kodzie. Sprawdź kod na ekranie." in page
    assert "no workshop" not in page


def test_a_guess_sent_after_the_reveal_is_refused_in_polish_and_not_counted(
    app, presenter, db, workshop
):
    _step_to_first_dimension(presenter, workshop)
    phone = _phone(app, workshop.join_code, "a")
    assert 'name="value"' in phone.get(f"/w/{workshop.join_code}").get_data(as_text=True)
    presenter.post(
        f"/console/workshops/{workshop.id}/reveal"
    )  # while the phone still shows the form
    late = phone.post(
        f"/w/{workshop.join_code}/guess",
        data={"dimension": "information", "value": 4},
        headers={"Accept-Language": "pl"},
    )
    page = late.get_data(as_text=True)
    assert late.status_code == 400
    assert "Odmowa: Wyniki dla tego obszaru są już na ekranie." in page
    assert "already on the screen" not in page
    assert store.guess_counts(db, workshop.id) == {}


def _in_room(presenter, workshop, a, b):
    sent = presenter.post(
        f"/console/workshops/{workshop.id}/room", data={"in_room-a": a, "in_room-b": b}
    )
    assert sent.status_code == 302


def test_the_reveal_holds_back_a_side_below_the_threshold(app, presenter, db, workshop):
    _step_to_first_dimension(presenter, workshop)
    _in_room(presenter, workshop, 6, 6)
    for side, count in (("a", 3), ("b", 5)):
        for _ in range(count):
            phone = _phone(app, workshop.join_code, side)
            phone.post(
                f"/w/{workshop.join_code}/guess", data={"dimension": "information", "value": 2}
            )
    presenter.post(f"/console/workshops/{workshop.id}/reveal")
    page = presenter.get(
        f"/console/workshops/{workshop.id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "reveal-chart" in page
    assert "held back: 3 people guessed, fewer than 5" in page
    assert re.search(r"2\.0 <span class=\"n\">\(5 guesses\)", page)


def test_agreements_dots_and_downloads(app, presenter, db, workshop):
    for _ in range(3):  # welcome, two dimensions, then the agreements block
        presenter.post(f"/console/workshops/{workshop.id}/step", data={"to": "next"})
    recorded = presenter.post(
        f"/console/workshops/{workshop.id}/agreements",
        data={
            "what": "Wspólny plan tygodniowy",
            "responsible": "both",
            "role": "",
            "due_on": "2026-12-31",
            "evidence": "=notatka w kalendarzu",
        },
    )
    assert recorded.status_code == 302
    (agreement,) = store.agreements(db, workshop.id)
    presenter.post(f"/console/workshops/{workshop.id}/step", data={"to": "next"})  # the vote
    phone = _phone(app, workshop.join_code, "a")
    assert f"dots-{agreement.id}" in phone.get(f"/w/{workshop.join_code}").get_data(as_text=True)
    phone.post(f"/w/{workshop.join_code}/dots", data={f"dots-{agreement.id}": 3})
    phone.post(f"/w/{workshop.join_code}/dots", data={f"dots-{agreement.id}": 3})  # once only
    assert store.agreements(db, workshop.id)[0].dots == 3

    base = f"/console/workshops/{workshop.id}/download/"
    csv_text = presenter.get(base + "agreements.csv").get_data().decode("utf-8-sig")
    assert "'=notatka w kalendarzu" in csv_text
    data = json.loads(presenter.get(base + "agreements.json").get_data())
    assert data["agreements"][0] | {"id": None} == {
        "id": None,
        "what": "Wspólny plan tygodniowy",
        "responsible": "both",
        "responsible_label": "Oba działy",
        "role": "",
        "due_on": "2026-12-31",
        "evidence": "=notatka w kalendarzu",
        "dots": 3,
        "lang": "pl",
    }
    pdf = PdfReader(io.BytesIO(presenter.get(base + "agreements.pdf").get_data()))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert (
        "Wspólny plan" in text and "Za dział „Sprzedaż”" in text and "Za dział „Produkcja”" in text
    )


# (field, character typed into it, page language, the start of the refusal on the page)
UNSAFE_AGREEMENT_TEXTS = [
    ("what", "\u202e", "pl", "Opis tego, co się zmieni, zawiera znaki sterujące"),
    ("role", "\u2067", "pl", "Rola zawiera znaki sterujące lub znaki kierunku tekstu"),
    ("evidence", "\x00", "pl", "Opis tego, po czym oba działy to poznają, zawiera znaki"),
    ("what", "\x07", "en", "What will change holds control or text-direction characters"),
    ("evidence", "\x1b", "en", "How both sides will know holds control or text-direction"),
]


@pytest.mark.parametrize("field,character,lang,message", UNSAFE_AGREEMENT_TEXTS)
def test_u1_an_agreement_with_control_or_bidi_characters_is_refused_in_the_persons_language(
    presenter, db, workshop, field, character, lang, message
):
    """U1: agreements kept U+202E, U+2067, NUL, BEL and ESC, and handed them on to the
    follow-up round's respondents and the CSV."""
    agreement = {
        "what": "Wspólny plan",
        "responsible": "both",
        "role": "Kierownik",
        "due_on": "2026-12-31",
        "evidence": "Notatka",
    }
    agreement[field] = f"Plan{character} tygodniowy"
    refused = presenter.post(
        f"/console/workshops/{workshop.id}/agreements",
        data=agreement,
        headers={"Accept-Language": lang},
    )
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    assert store.agreements(db, workshop.id) == []


def test_the_handout_and_the_slides_are_printable(presenter, workshop):
    base = f"/console/workshops/{workshop.id}/download/"
    handout = PdfReader(io.BytesIO(presenter.get(base + "handout.pdf?lang=en").get_data()))
    assert len(handout.pages) == 1
    text = handout.pages[0].extract_text()
    assert "What the data cannot tell" in text and "No gap in this round is clear" in text
    slides = PdfReader(io.BytesIO(presenter.get(base + "slides.pdf?lang=en").get_data()))
    assert len(slides.pages) == len(workshop.dimensions)
    names = [load("sales-production").dimension(d).name["en"] for d in workshop.dimensions]
    assert names[0] in slides.pages[0].extract_text().replace("\n", " ")
    assert names[1] in slides.pages[1].extract_text().replace("\n", " ")


def test_clear_findings_lead_and_the_handout_says_them_in_plain_words(
    presenter, db, closed_round_id
):
    from reports.analysis import analyse

    analysis = analyse(db, closed_round_id)
    analysis["findings"] = [
        {"dimension": "respect", "gap": "a.meta_error", "diff": -0.84, "ci95": [-1.3, -0.31]},
        {"dimension": "customer", "gap": "b.blind_spot", "diff": 0.6, "ci95": [0.2, 1.0]},
    ]
    figures = store.workshop_figures(get_round(db, closed_round_id), analysis)
    assert store.suggested_dimensions(figures, 3) == ["respect", "customer"]
    made = store.create_workshop(db, closed_round_id, "2h", ["respect", "customer"], analysis)
    base = f"/console/workshops/{made.id}/download/"
    text = " ".join(
        PdfReader(io.BytesIO(presenter.get(base + "handout.pdf?lang=en").get_data()))
        .pages[0]
        .extract_text()
        .split()
    )
    assert (
        f"{load('sales-production').dimension('respect').name['en']}: Produkcja rates Sprzedaż 0.8 points better than Sprzedaż"
        " expected (95% interval 0.3 to 1.3)." in text
    )
    assert "Produkcja rates itself 0.6 points higher than Sprzedaż rates it" in text
    polish = PdfReader(io.BytesIO(presenter.get(base + "handout.pdf?lang=pl").get_data()))
    assert "o 0,8 pkt lepiej" in " ".join(polish.pages[0].extract_text().split())


def _round_with_a_clear_blind_spot(db) -> int:
    """20 a side answering at random, except that Sprzedaż rates its own respect 4-5 and
    Produkcja rates Sprzedaż's 1-2: one clear blind spot, found by the report's own rule."""
    import random

    from survey.store.responses import Submission, add_responses
    from survey.store.rounds import close_round, create_round, open_round

    rng = random.Random(5)
    round_id = create_round(db, "Jasno", "sales-production", "Sprzedaż", "Produkcja", team_size=1)
    open_round(db, round_id)
    subs = []
    for side in "ab":
        for _ in range(20):
            answers = {}
            for key in get_round(db, round_id).questionnaire.item_keys():
                dimension, _item, perspective = key
                answers[key] = rng.randint(1, 5)
                if dimension == "respect" and (side, perspective) == ("a", "self"):
                    answers[key] = rng.randint(4, 5)
                if dimension == "respect" and (side, perspective) == ("b", "other"):
                    answers[key] = rng.randint(1, 2)
            subs.append(Submission(side, answers))
    add_responses(db, round_id, subs)
    close_round(db, round_id)
    return round_id


def _distances(interval, decimal: str) -> tuple[str, str]:
    low, high = sorted(abs(x) for x in interval)
    return f"{low:.1f}".replace(".", decimal), f"{high:.1f}".replace(".", decimal)


def test_the_handout_prints_a_clear_findings_interval_adjusted_for_the_selection(presenter, db):
    from reports.analysis import analyse

    round_id = _round_with_a_clear_blind_spot(db)
    analysis = analyse(db, round_id)
    (finding,) = [f for f in analysis["findings"] if f["gap"] == "a.blind_spot"]
    assert finding["dimension"] == "respect"
    made = store.create_workshop(db, round_id, "2h", ["respect"], analysis)
    base = f"/console/workshops/{made.id}/download/"

    def handout(lang: str) -> str:
        pdf = PdfReader(io.BytesIO(presenter.get(base + f"handout.pdf?lang={lang}").get_data()))
        return " ".join(pdf.pages[0].extract_text().split())

    adjusted, plain = _distances(finding["ci_selected"], "."), _distances(finding["ci95"], ".")
    assert adjusted != plain  # the selection widens it
    english = handout("en")
    assert "Sprzedaż rates itself" in english
    assert f"(interval adjusted for the selection {adjusted[0]} to {adjusted[1]})." in english
    assert f"{plain[0]} to {plain[1]}" not in english and "(95% interval" not in english
    assert "it is adjusted for the selection, so wider than a plain 95% interval" in english
    polish = handout("pl")
    low, high = _distances(finding["ci_selected"], ",")
    assert f"(przedział skorygowany o wybór od {low} do {high})." in polish
    assert "(przedział 95%" not in polish
    assert "jest skorygowany o wybór, a więc szerszy niż zwykły przedział 95%" in polish


def test_markup_in_side_labels_is_shown_as_text_on_every_workshop_page(app, presenter, db):
    from workshop_helpers import closed_round

    round_id = closed_round(db, sides=("<b>Sales</b>", "<script>x()</script>"))
    made = store.create_workshop(db, round_id, "2h", ["information"])
    store.add_agreement(db, made, "<i>plan</i>", "a", "2026-12-31", "<u>minutes</u>")
    phone = app.test_client()
    pages = [phone.get(f"/w/{made.join_code}")]
    phone.post(f"/w/{made.join_code}/side", data={"side": "b"})
    for step in range(5):
        store.set_step(db, made, step, 5)
        pages += [
            phone.get(f"/w/{made.join_code}"),
            presenter.get(f"/console/workshops/{made.id}"),
        ]
    store.reveal(db, made, "information")
    store.set_step(db, made, 1, 5)
    pages.append(presenter.get(f"/console/workshops/{made.id}"))
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>x()" not in html and "<b>Sales" not in html and "<i>plan" not in html
    assert any("&lt;b&gt;Sales&lt;/b&gt;" in r.get_data(as_text=True) for r in pages)
    pdf = presenter.get(f"/console/workshops/{made.id}/download/agreements.pdf")
    assert "<i>plan</i>" in " ".join(
        PdfReader(io.BytesIO(pdf.get_data())).pages[0].extract_text().split()
    )


def test_the_welcome_slide_says_until_when_phones_can_join(presenter, workshop):
    # The code works on the day the workshop was set up and the next day.
    assert workshop.last_day == dt.date.fromisoformat(workshop.created_on) + dt.timedelta(days=1)
    page = presenter.get(f"/console/workshops/{workshop.id}", headers={"Accept-Language": "en"})
    day = workshop.last_day
    assert f"Phones can join until the end of {day:%B} {day.day}, {day.year}." in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize("a,b", [("-1", "4"), ("abc", "4"), ("4", "1000"), ("", "4")])
def test_a_bad_count_of_people_in_the_room_is_refused_in_polish_and_changes_nothing(
    presenter, db, workshop, a, b
):
    store.set_in_room(db, workshop, {"a": 6, "b": 7})
    sent = presenter.post(
        f"/console/workshops/{workshop.id}/room",
        data={"in_room-a": a, "in_room-b": b},
        headers={"Accept-Language": "pl"},
        follow_redirects=True,
    )
    assert "Wpisz, ile osób z każdego działu jest na sali: od 0 do 999." in sent.get_data(
        as_text=True
    )
    assert store.get_workshop(db, workshop.id).in_room == {"a": 6, "b": 7}


def test_a_full_side_says_so_in_polish_until_the_facilitator_counts_more_people(
    app, presenter, db, workshop, monkeypatch
):
    monkeypatch.setattr(store, "PHONES_PER_SIDE", 2)
    small = store.create_workshop(db, workshop.round_id, "2h", ["information"])
    for _ in range(2):
        _phone(app, small.join_code, "a")
    refused = app.test_client().post(
        f"/w/{small.join_code}/side", data={"side": "a"}, headers={"Accept-Language": "pl"}
    )
    assert refused.status_code == 400
    assert "Wszystkie miejsca tego działu są zajęte." in refused.get_data(as_text=True)
    presenter.post(f"/console/workshops/{small.id}/room", data={"in_room-a": 3, "in_room-b": 0})
    _phone(app, small.join_code, "a")  # the third person of sales now has a place


def _projector_pl(presenter, workshop) -> str:
    return presenter.get(
        f"/console/workshops/{workshop.id}", headers={"Accept-Language": "pl"}
    ).get_data(as_text=True)


def _guess(app, workshop, side: str, count: int) -> None:
    for _ in range(count):
        phone = _phone(app, workshop.join_code, side)
        phone.post(f"/w/{workshop.join_code}/guess", data={"dimension": "information", "value": 2})


def test_the_polish_projector_counts_guesses_with_polish_plurals(app, presenter, db, workshop):
    """Issue 21, item 6: "Kuchnia 4 już typuje" becomes "4 osoby już wytypowały"; the page
    also hands the script the forms for counts that arrive later (1, 2–4, 5+)."""
    _step_to_first_dimension(presenter, workshop)
    _guess(app, workshop, "a", 4)
    _guess(app, workshop, "b", 5)
    page = _projector_pl(presenter, workshop)
    assert re.search(
        r'data-count="a">4</span>\s*<span class="unit"[^>]*>osoby już wytypowały<', page
    )
    assert re.search(
        r'data-count="b">5</span>\s*<span class="unit"[^>]*>osób już wytypowało<', page
    )
    forms = json.loads(html.unescape(re.search(r"data-forms='([^']*)'", page).group(1)))
    assert forms == {
        "one": "osoba już wytypowała",
        "few": "osoby już wytypowały",
        "many": "osób już wytypowało",
        "other": "osoby już wytypowały",
    }
    assert "co najmniej 5 osób z tego działu" in page
    room = {"in_room-a": 4, "in_room-b": 5}
    presenter.post(f"/console/workshops/{workshop.id}/room", data=room)
    presenter.post(f"/console/workshops/{workshop.id}/reveal")
    page = _projector_pl(presenter, workshop)
    assert "ukryte: wytypowały 4 osoby, mniej niż 5" in page
    assert re.search(r"2,0 <span class=\"n\">\(5 typów\)", page)
