"""The PDF gap report, read back from the real PDF (pypdf), rendered from contract-shaped
analyses (tests/report_fixtures.py)."""

from __future__ import annotations

import copy
import io
import re
import sys
import types

import pytest
from pypdf import PdfReader
from report_fixtures import NULL_MEANS, SCRIPT_COMMENT, WORSE_MEANS, build_analysis

from reports.pdf import pdf_bytes, render_report_html, write_pdf
from reports.report_view import HEAT_COLUMNS
from survey.store.questionnaire import load
from survey.store.rounds import close_round

QUESTIONNAIRE = load("sales-production")


def _pdf(analysis: dict, lang: str) -> bytes:
    return pdf_bytes(render_report_html(analysis, QUESTIONNAIRE, lang))


def _text(data: bytes) -> str:
    """All pages' text with runs of white space folded, as a reader would search it."""
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.fixture(scope="module")
def polish():
    analysis = build_analysis("pl", compare=True)
    data = _pdf(analysis, "pl")
    return analysis, data, _text(data)


@pytest.fixture(scope="module")
def suppressed():
    analysis = build_analysis("pl", suppress_b=True)
    return analysis, _text(_pdf(analysis, "pl"))


def test_report_names_both_sides_every_dimension_the_top_gap_and_the_guide(polish):
    analysis, _, text = polish
    assert "Sprzedaż" in text and "Produkcja" in text
    for dimension in analysis["dimensions"]:
        assert dimension["name"] in text
    top = analysis["top_gaps"][0]
    top_name = next(d["name"] for d in analysis["dimensions"] if d["id"] == top["dimension"])
    assert f"1. {top_name}" in text
    assert "Przewodnik dla osoby prowadzącej" in text
    assert "Widzą was lepiej, niż myślicie" in text
    # A single cell below the threshold (the last dimension's b.meta) is named, not drawn.
    assert "mniej niż 5 odpowiedzi – nie pokazujemy" in text
    # The discussion questions come from the questionnaire file.
    assert QUESTIONNAIRE.dimension(top["dimension"]).discussion["pl"][0] in text


def test_polish_letters_survive_text_extraction(polish):
    text = polish[2]
    for phrase in (
        QUESTIONNAIRE.dimension("information").name["pl"],
        "Spis treści",
        "źle się z tym czujemy",
        "Jesień",
    ):
        assert phrase in text
    assert set("ąćęłńóśźż") <= set(text.lower())


def test_pdf_is_tagged_has_language_and_title(polish):
    reader = PdfReader(io.BytesIO(polish[1]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "pl"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "Jesień 2026" in reader.metadata.title
    assert len(reader.pages) > 10
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def _figure_alts(node, found: list[str]) -> list[str]:
    """Alternative texts of the Figure elements under a node of the structure tree."""
    node = node.get_object()
    if node.get("/S") == "/Figure":
        found.append(str(node.get("/Alt", "")))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        if kid is not None and not isinstance(kid, int) and "/S" in kid.get_object():
            _figure_alts(kid, found)
    return found


def test_every_chart_is_a_figure_with_its_title_as_alternative_text(polish):
    analysis, data, _ = polish
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    alts = _figure_alts(root["/StructTreeRoot"], [])
    side = analysis["sides"]["a"]["label"]
    assert "Skala od 1 do 5" in alts  # the scale above each chart
    assert f"Dział „{side}” o sobie" in alts  # a bar of answers
    assert f"O dziale „{side}”" in alts  # a dot row
    for dimension in analysis["dimensions"]:  # the arrows of "seen better"
        assert dimension["name"] in alts


def test_pages_carry_numbers_and_the_round_name(polish):
    reader = PdfReader(io.BytesIO(polish[1]))
    total = len(reader.pages)
    second = reader.pages[1].extract_text()
    assert f"2 / {total}" in second and "Jesień 2026" in second
    # The contents list gives page numbers (target-counter), not just titles.
    assert re.search(r"Jak czytać ten raport[ .]*\d+", reader.pages[0].extract_text())


def test_the_held_back_list_names_a_thin_cell_in_the_report_language(polish):
    """The method page lists a view held back for too few answers by its dimension and
    view, in Polish (it printed the analysis's English reason, without either)."""
    analysis, _, text = polish
    name = analysis["dimensions"][-1]["name"]
    assert (
        f"{name}, Dział „Produkcja”: jak naszym zdaniem widzi nas dział „Sprzedaż”: mniej niż 5 odpowiedzi"
        in text
    )
    assert "fewer than" not in text


def test_compare_page_appears_only_when_compared(polish, suppressed):
    assert "Przed i po" in polish[2] and "Wiosna 2026" in polish[2]
    assert "Przed i po" not in suppressed[1]


def test_suppressed_side_gets_a_panel_and_none_of_its_figures(suppressed):
    analysis, text = suppressed
    assert "Produkcja: mniej niż 5 odpowiedzi – wyników nie pokazujemy" in text
    # Rows of figures that come from side b's answers are not there at all.
    assert "Dział „Produkcja” o sobie" not in text
    assert "Dział „Produkcja” o dziale „Sprzedaż”" not in text
    assert "jak naszym zdaniem widzi nas dział „Sprzedaż”" not in text
    # Side a's own figures still are.
    assert "Dział „Sprzedaż” o sobie" in text
    assert "W tym badaniu nie można pokazać żadnej różnicy między działami." in text


def test_comments_are_literal_text_never_markup(polish):
    analysis, _, text = polish
    assert "<script>alert(1)</script> and <b>bold</b> in one comment" in text
    html = render_report_html(analysis, QUESTIONNAIRE, "pl")
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_comments_below_the_threshold_are_not_shown(suppressed):
    text = suppressed[1]
    assert "Prognozy sprzedaży przychodzą za późno" not in text  # side b's comment
    assert "Zmiany w zamówieniu dostajemy w piątek" in text  # side a's
    assert "Nie pokazujemy: odpowiedziało mniej niż 10 osób z tego działu." in text


def test_only_the_comments_given_are_shown():
    analysis = build_analysis("en", comments=False)
    kept = copy.deepcopy(analysis)
    kept["comments"]["harder"]["a"] = ["Orders change on Friday afternoon."]
    text = _text(_pdf(kept, "en"))
    assert text.count("Orders change on Friday afternoon.") == 1
    assert SCRIPT_COMMENT not in text
    assert "Zmiany w zamówieniu" not in text


def test_english_report_is_in_english():
    """Even of a Polish round: dimension names come from the analysis's "names"."""
    data = _pdf(build_analysis("en") | {"dimensions": build_analysis("pl")["dimensions"]}, "en")
    text = _text(data)
    assert "They see you better than you think" in text
    assert "Facilitator's guide" in text
    assert QUESTIONNAIRE.dimension("information").name["en"] in text
    assert "Sales" in text and "Production" in text
    assert "Przewodnik" not in text
    assert PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"] == "en"


def test_write_pdf_renders_the_analysis_of_a_round(db, open_round_id, tmp_path, monkeypatch):
    """The CLI's entry point: analyse() (stubbed here to the contract fixture) then render."""
    close_round(db, open_round_id)
    calls = []

    def analyse(db_, round_id, compare_with=None):
        calls.append((round_id, compare_with))
        return build_analysis("en")

    monkeypatch.setitem(sys.modules, "reports.analysis", types.SimpleNamespace(analyse=analyse))
    path = write_pdf(db, open_round_id, tmp_path / "report.pdf", lang="en")
    assert calls == [(open_round_id, None)]
    assert path.read_bytes().startswith(b"%PDF-")
    assert "Facilitator's guide" in _text(path.read_bytes())


def test_report_words_never_override_the_web_pages_translations(app):
    """Flask-Babel merges every domain; report entries carry a context, so plain gettext in
    the web pages never picks them up (a short report word cannot replace a console one)."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("pl"):
        assert gettext("They see you better than you think") == "They see you better than you think"
        assert gettext("change") == "change"


def test_a_printed_report_shows_a_random_sample_of_many_comments_and_says_so():
    analysis = build_analysis("pl")
    analysis["comments"]["harder"]["a"] = [f"Komentarz numer {i}" for i in range(300)]
    text = _text(_pdf(analysis, "pl"))
    assert "Komentarz numer 24 " in text and "Komentarz numer 25 " not in text
    assert "25 z 300 komentarzy, wybranych losowo" in text


# --- the decision rule: only clear gaps get words, colours and titles ---------------------

SIZE_WORDS = ("negligible", "small", "medium", "large", "biggest", "Cliff")


@pytest.fixture(scope="module")
def null_round():
    analysis = build_analysis("en", means=NULL_MEANS, thin_cell=False)
    html = render_report_html(analysis, QUESTIONNAIRE, "en")
    return analysis, html, _text(pdf_bytes(html))


def test_a_null_rounds_report_says_it_found_nothing_clear(null_round):
    analysis, html, text = null_round
    assert analysis["findings"] == [] and not any(g["clear"] for g in analysis["top_gaps"])
    sentence = "No gap is larger than chance at these numbers; use the figures as conversation prompts only."
    assert text.count(sentence) >= 2  # the first page and the gaps chapter
    assert "Gaps: none is clear" in text
    assert "How you expect to be seen: no clear difference" in text
    assert "They see you better than you think" not in text
    assert "Start with:" not in text and "Not clear:" in text and "Clear: difference" not in text
    main = text.split("Method Definitions")[0]
    for word in (*SIZE_WORDS, "better on", "lower on", "Mirror pattern"):
        assert not re.search(rf"\b{word}\b", main), word
    assert "mirror-mark" not in html
    assert "heat-pos" not in html and "heat-neg" not in html
    assert (
        "a real gap of about 1.0 points or more is found four times in five" in text
    )  # 23 and 31 a side


def test_a_clear_felt_misjudgement_alone_is_not_reported_as_nothing_clear():
    """Felt misjudgements are in the rule's family but not among `findings`: when only one
    of them is clear, the first page must neither say that nothing is clear nor skip it."""
    analysis = build_analysis("en", means=NULL_MEANS, thin_cell=False)
    felt = analysis["dimensions"][0]["gaps"]["a.felt_misjudgement"]
    felt.update(diff=0.9, ci95=[0.4, 1.4], q=0.01, clear=True)
    assert analysis["findings"] == []
    for lang, says, not_said, next_heading in (
        ("en", "Clear as well, felt misjudgements: 1 ", "No gap is larger", "What the data"),
        ("pl", "Wyraźne są też poczucia złej oceny: 1 ", "żadna różnica nie", "Czego dane"),
    ):
        text = _text(_pdf(analysis, lang))
        summary = text.split(next_heading)[0]  # cover, contents and the first findings
        assert says in summary, lang
        assert not_said not in summary, lang
    english = _text(_pdf(analysis, "en")).split("What the data")[0]
    assert "No blind spot or perception gap is larger than chance at these numbers." in english


def test_no_word_or_colour_calls_a_gap_that_is_not_clear_large(polish):
    analysis = polish[0]
    html = render_report_html(analysis, QUESTIONNAIRE, "en")
    text = _text(pdf_bytes(html))
    main = text.split("Method Definitions")[0]  # the method page names the measures it dropped
    for word in SIZE_WORDS:
        assert not re.search(rf"\b{word}\b", main), word
    clear = {
        (d["name"], k) for d in analysis["dimensions"] for k, g in d["gaps"].items() if g["clear"]
    }
    assert clear and len(clear) < sum(len(d["gaps"]) for d in analysis["dimensions"])
    # A coloured heat-map cell is exactly a clear gap, row by row.
    rows = re.findall(r'<tr><th scope="row">(.*?)</tr>', html.split('id="overview"')[1], re.S)
    for row, dimension in zip(rows, analysis["dimensions"], strict=False):
        cells = re.findall(r'<td class="([^"]*)"', row)
        for css, key in zip(cells, HEAT_COLUMNS, strict=True):
            assert ("heat-pos" in css or "heat-neg" in css) is bool(dimension["gaps"][key]["clear"])
    # Each gap card says clear or not clear as the rule says.
    verdicts = re.findall(r'class="verdict-(clear|unclear)"', html)
    assert verdicts == ["clear" if g["clear"] else "unclear" for g in analysis["top_gaps"][:5]]


def test_page_titles_follow_the_data():
    titles = {}
    for name, means in (("better", None), ("worse", WORSE_MEANS), ("null", NULL_MEANS)):
        analysis = build_analysis("en", means=means, thin_cell=False)
        text = _text(pdf_bytes(render_report_html(analysis, QUESTIONNAIRE, "en")))
        titles[name] = text
    assert "They see you better than you think" in titles["better"]
    assert "They see you less kindly than you think" in titles["worse"]
    assert "The clearest gaps" in titles["worse"] and "The clearest gaps" not in titles["null"]
    assert "They see you" not in titles["null"]


def test_the_guide_discusses_a_dimension_once_when_two_of_its_gaps_are_clear():
    # Side a's blind spot and perception gap on the first dimension share b's view of a.
    means = [(4.3, 3.3, 4.3, 3.3, 2.3, 3.3)] + [(3.3,) * 6] * 5
    analysis = build_analysis("en", means=means, thin_cell=False)
    clear = [(f["dimension"], f["gap"]) for f in analysis["findings"]]
    assert ("information", "a.blind_spot") in clear and ("information", "a.meta_error") in clear
    text = _text(pdf_bytes(render_report_html(analysis, QUESTIONNAIRE, "en")))
    guide = text.split("Questions for the clear findings")[1].split("Method")[0]
    first_question = QUESTIONNAIRE.dimension("information").discussion["en"][0]
    assert guide.count(first_question) == 1


def test_the_report_renders_when_compiled_templates_cannot_be_kept(monkeypatch):
    """Jinja refuses a temp folder it does not own; the report then compiles afresh."""
    import reports.pdf as report_pdf

    def unsafe(**_options):
        raise RuntimeError("Cache directory is not owned by the user")

    monkeypatch.setattr(report_pdf, "FileSystemBytecodeCache", unsafe)
    report_pdf.environment.cache_clear()
    try:
        html = render_report_html(build_analysis("en"), QUESTIONNAIRE, "en")
    finally:
        report_pdf.environment.cache_clear()
    assert report_pdf._bytecode_cache() is None
    assert "In one minute" in html


# --- a round without enough answers for any figure ------------------------------------

EMPTY_SAYS = {
    "en": (
        "Not enough answers for any figure",
        "neither that there are gaps nor that there are none",
    ),
    "pl": ("Za mało odpowiedzi na jakąkolwiek liczbę", "ani że różnice są, ani że ich nie ma"),
}


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("answers", [{}, {"a": [4, 4, 3], "b": [2, 5]}], ids=["none", "few"])
def test_a_round_with_too_few_answers_gets_a_short_report_that_says_so(db, lang, answers):
    from reports.analysis import analyse
    from survey.store.responses import Submission, add_responses
    from survey.store.rounds import create_round, open_round

    round_id = create_round(db, "Pusta", "sales-production", "Sprzedaż", "Produkcja")
    keys = open_round(db, round_id).questionnaire.item_keys()
    add_responses(
        db,
        round_id,
        [Submission(side, dict.fromkeys(keys, v)) for side, vs in answers.items() for v in vs],
    )
    close_round(db, round_id)
    data = _pdf(analyse(db, round_id), lang)
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) <= 2
    text = _text(data)
    title, nothing_either_way = EMPTY_SAYS[lang]
    assert title in text and nothing_either_way in text
    assert "Pusta" in text
    # It claims nothing about gaps: not even that none is larger than chance.
    for claim in (
        "No gap is larger than chance",
        "żadna różnica nie jest większa",
        "Method",
        "Metoda",
    ):
        assert claim not in text


# --- issue 19: words the method backs ------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words", "promise"),
    [
        (
            "en",
            "no single gap can pass the report's rule, however large it is",
            "only gaps of about",
        ),
        (
            "pl",
            "żadna pojedyncza różnica nie może spełnić zasady raportu",
            "widać dopiero różnice rzędu",
        ),
    ],
)
def test_the_first_page_at_five_a_side_promises_nothing_the_test_cannot_find(
    db, lang, words, promise
):
    """Five a side: the smallest permutation p (2 / 252) is above 0.05 / family size, so no
    gap can be clear; the planning figure says so in words instead of a size in points."""
    import random as random_module

    from reports.analysis import analyse
    from survey.store.responses import Submission, add_responses
    from survey.store.rounds import create_round, open_round

    round_id = create_round(db, "Pięć", "sales-production", "Sprzedaż", "Produkcja", lang=lang)
    open_round(db, round_id)
    rng = random_module.Random(4)
    keys = QUESTIONNAIRE.item_keys()
    add_responses(
        db,
        round_id,
        [Submission(s, {k: rng.randint(1, 5) for k in keys}) for s in "ab" for _ in range(5)],
    )
    close_round(db, round_id)
    analysis = analyse(db, round_id)
    assert analysis["detectable"] is None
    html = render_report_html(analysis, QUESTIONNAIRE, lang)
    text = _text(pdf_bytes(html))
    assert words in text
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert words in re.sub(r"\s+", " ", summary).replace("&#39;", "'")  # on the first page
    assert promise not in text  # no size in points is promised anywhere


@pytest.mark.parametrize(
    ("lang", "promise", "adjusted"),
    [
        (
            "en",
            "about 1 in 20 of such findings: any one of them may still be chance",
            "interval adjusted for the selection",
        ),
        (
            "pl",
            "około 1 na 20 takich wniosków: każdy z nich z osobna nadal może być przypadkiem",
            "przedział skorygowany o wybór",
        ),
    ],
)
def test_every_chapter_that_words_a_claim_says_what_the_rule_promises(lang, promise, adjusted):
    analysis = build_analysis(lang)
    assert analysis["findings"]
    html = render_report_html(analysis, QUESTIONNAIRE, lang)
    text = _text(pdf_bytes(html))
    # The first page, the clearest gaps, how you expect to be seen, the heat map, the guide.
    assert text.count(promise) >= 5, text.count(promise)
    assert adjusted in text  # the clearest gaps print a clear gap's adjusted interval
    # The first page's finding states the adjusted range, not the plain 95 % one.
    first = analysis["findings"][0]
    assert first["ci_selected"] and first["ci_selected"] != first["ci95"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "leaves their intervals at 95%"),
        ("pl", "pozostawia ich przedziały na poziomie 95%"),
    ],
)
def test_a_family_with_every_gap_clear_says_its_intervals_stay_at_95(lang, words):
    """With every gap of the family clear the selection-adjusted level is 95 % itself: the
    method page says so instead of "95.0% instead of 95%"."""
    analysis = build_analysis(lang)
    analysis["method"]["selection"]["level"] = 0.95
    text = _text(_pdf(analysis, lang))
    assert words in text
    assert "instead of 95" not in text and "zamiast 95" not in text
