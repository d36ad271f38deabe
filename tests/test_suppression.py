"""Differencing attacks on real reports (issue 20, D1) and complementary suppression
(reports.suppression): each test runs an attack on the JSON or the PDF of a real round,
and fails if the attack gets a person's answers. Rounds of 6 a side, threshold 5."""

from __future__ import annotations

import io
import itertools
import random
import re

import pytest
from pypdf import PdfReader

from reports import stats
from reports.analysis import analyse
from reports.pdf import render_pdf
from survey.store.questionnaire import load
from survey.store.responses import Submission, add_responses
from survey.store.rounds import choose_agreements, close_round, create_round, open_round
from survey.workshop import store

QUESTIONNAIRE = load("sales-production")
SIDES = ("Sprzedaż", "Produkcja")
DIMENSION = "information"
ITEMS = [item.id for item in QUESTIONNAIRE.dimension(DIMENSION).items]
NAME_PL = QUESTIONNAIRE.dimension(DIMENSION).name["pl"]
# Side a's own and expected views; the last person (the victim) skips the expected view
# of DIMENSION: own view n = 6, expected view n = 5, pairs n = 5.
A_VIEWS = [(4, 3), (3, 3), (4, 2), (3, 3), (4, 3), (2, None)]
VICTIM_SELF = 2.0
FELT_OF_THE_FIVE = 0.8  # mean of 1, 0, 2, 0, 1


def _answers(self_value, meta_value, other_value=3, skip_meta_here=True):
    """Every statement in every perspective; `meta_value` None skips DIMENSION's
    expected view (elsewhere the person answers 2)."""
    answers = {}
    for key in QUESTIONNAIRE.item_keys():
        dimension, _, perspective = key
        value = {"self": self_value, "other": other_value, "meta": meta_value}[perspective]
        if value is None:
            if dimension == DIMENSION and skip_meta_here:
                continue
            value = 2
        answers[key] = value
    return answers


def _round(db, subs, name="Jesień", agreements=()):
    round_id = create_round(db, name, "sales-production", *SIDES)
    if agreements:
        choose_agreements(db, round_id, list(agreements))
    open_round(db, round_id)
    add_responses(db, round_id, subs)
    close_round(db, round_id)
    return round_id


def _side_b(values=(2, 3, 4, 3, 5, 4)):
    return [Submission("b", _answers(v, v, other_value=v)) for v in values]


def d1_round(db, dont_know=False, name="Jesień", agreements=()):
    subs = []
    for own, expected in A_VIEWS:
        answers = _answers(own, expected)
        if expected is None and dont_know:  # "don't know" to every expected-view statement
            answers.update({(DIMENSION, item, "meta"): None for item in ITEMS})
        subs.append(Submission("a", answers))
    return _round(db, subs + _side_b(), name=name, agreements=agreements)


def _dimension(report, dimension_id=DIMENSION):
    return next(d for d in report["dimensions"] if d["id"] == dimension_id)


def d1_attack(cells, felt):
    """6·own − 5·(expected + felt misjudgement): the one person outside the pairs, or
    None when a figure it needs is not shown."""
    own, expected = cells["a.self"], cells["a.meta"]
    if None in (own["mean"], expected["mean"], felt["diff"]):
        return None
    if own["n"] - felt["n"] != 1 or expected["n"] != felt["n"]:
        return None
    return own["n"] * own["mean"] - felt["n"] * (expected["mean"] + felt["diff"])


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


# --- D1: the felt misjudgement against its two cells ----------------------------------


@pytest.mark.parametrize("dont_know", [False, True], ids=["skips", "dont_know"])
def test_d1_a_person_outside_the_pairs_cannot_be_recovered_from_the_json(db, dont_know):
    report = analyse(db, d1_round(db, dont_know=dont_know))
    info = _dimension(report)
    cells, felt = info["cells"], info["gaps"]["a.felt_misjudgement"]
    # The two cells stay (6 and 5 people, both at least the threshold) ...
    assert (cells["a.self"]["n"], cells["a.meta"]["n"]) == (6, 5)
    assert cells["a.self"]["mean"] == pytest.approx(20 / 6)
    # ... but the figure on the 5 pairs is held back, and the attack gets nothing.
    assert d1_attack(cells, felt) is None
    assert felt["suppressed"] and felt["diff"] is None and felt["p"] is None
    assert felt["reason"] == "would single out fewer than 5 people"
    assert {
        "side": "a",
        "dimension": DIMENSION,
        "part": "a.felt_misjudgement",
        "figure": "felt_misjudgement",
        "reason": "would single out fewer than 5 people",
    } in report["suppressed"]
    # Held back before the decision rule: the family has no gap of its pairs (the four
    # left are side a's other dimensions; side b's own and expected views agree: no test).
    assert report["method"]["paired_family_size"] == 4
    # In the other dimensions all six answered both views: nothing is held back there.
    assert _dimension(report, "respect")["gaps"]["a.felt_misjudgement"]["n"] == 6
    if dont_know:  # the shares of the meta cell are the whole side's and say so
        assert cells["a.meta"]["dont_know_share"] == pytest.approx(1 / 6)
        assert cells["a.meta"]["skipped_share"] == 0
    else:
        assert cells["a.meta"]["skipped_share"] == pytest.approx(1 / 6)


def test_d1_two_people_outside_the_pairs_are_held_back_too_and_five_are_not(db):
    """1 to threshold − 1 people between the figures: held back; a whole group of 5: shown."""
    for skipping, shown in ((2, False), (4, False), (5, True)):
        subs = [Submission("a", _answers(4, 3)) for _ in range(10 - skipping)]
        subs += [Submission("a", _answers(3, None)) for _ in range(skipping)]
        report = analyse(db, _round(db, subs + _side_b(), name=f"R{skipping}"))
        felt = _dimension(report)["gaps"]["a.felt_misjudgement"]
        assert felt["suppressed"] is not shown, skipping
        if shown:
            assert felt["n"] == 5 and felt["diff"] == pytest.approx(1.0)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_d1_the_pdf_prints_both_cells_but_not_the_felt_misjudgement_of_the_pairs(db, lang):
    text = _pdf_text(render_pdf(db, d1_round(db), lang=lang))
    decimal = "," if lang == "pl" else "."
    own, expected = f"3{decimal}33", f"2{decimal}80"
    felt = f"+0{decimal}80"
    assert own in text and expected in text  # the two cells are printed ...
    # ... and the heat map would print the pairs' felt misjudgement with its n = 5.
    assert not re.search(re.escape(felt) + r"\s*✓?\s*n = 5\b", text)
    if lang == "pl":
        assert (
            f"{NAME_PL}, Poczucie złej oceny w dziale „Sprzedaż”: ukryte, wskazałoby mniej "
            "niż 5 osób" in text
        )
        assert "wskazałaby mniej niż 5 osób" in text  # the rule, on the method page
    else:
        assert "held back, it would single out fewer than 5 people" in text


# --- Item-level differencing: the answer bar against the average ----------------------


def item_round(db):
    """Side a: five people answer every own-view statement alike; the victim answers only
    the first one (5) and skips the others."""
    subs = [Submission("a", _answers(v, v)) for v in (2, 3, 4, 3, 2)]
    victim = _answers(1, 1)
    for item in ITEMS[1:]:
        del victim[(DIMENSION, item, "self")]
    victim[(DIMENSION, ITEMS[0], "self")] = 5
    return _round(db, subs + [Submission("a", victim)] + _side_b())


def item_attack(cell, items):
    """With k statements, a person who answered one weighs 1 in the average but 1/k of a
    person in the answer counts: x = (k·mean·n − total of answers) / (k − 1)."""
    if cell["counts"] is None or cell["mean"] is None:
        return None
    total = sum(value * count for value, count in enumerate(cell["counts"], start=1))
    if sum(cell["counts"]) != items * (cell["n"] - 1) + 1:
        return None
    return (items * cell["mean"] * cell["n"] - total) / (items - 1)


def test_d1_a_person_answering_one_statement_cannot_be_recovered_from_the_answer_bar(db):
    report = analyse(db, item_round(db))
    info = _dimension(report)
    cell = info["cells"]["a.self"]
    assert cell["n"] == 6 and cell["mean"] == pytest.approx((2 + 3 + 4 + 3 + 2 + 5) / 6)
    assert item_attack(cell, len(ITEMS)) is None
    assert cell["counts"] is None and cell["dont_know"] is None
    # The reliability rests on the 5 who answered every statement: held back too.
    assert info["reliability"]["a.self"] is None
    held = {(e["part"], e.get("figure")) for e in report["suppressed"] if e.get("dimension")}
    assert {("a.self", "answer_counts"), ("a.self", "reliability")} <= held
    # Views everybody answered in full keep their bars and reliabilities.
    assert info["cells"]["a.meta"]["counts"] is not None
    assert info["reliability"]["b.self"] is not None


def test_d1_the_pdf_says_the_answer_bar_is_held_back(db):
    text = _pdf_text(render_pdf(db, item_round(db), lang="pl"))
    assert "odpowiedzi nie pokazujemy: razem ze średnią wskazałyby mniej niż 5 osób" in text
    assert "odpowiedzi: Dział „Sprzedaż” o sobie: ukryte, wskazałoby mniej niż 5 osób" in text
    assert "rzetelność: Dział „Sprzedaż” o sobie: ukryte, wskazałoby mniej niż 5 osób" in text
    # Comments held back below the comment threshold (10) are named with it, not with 5.
    assert "Sprzedaż: komentarze: mniej niż 10 osób" in text


# --- Alpha: a dimension's alpha pooled over both sides ---------------------------------


def test_d1_the_pooled_alpha_does_not_carry_a_group_below_the_threshold(db):
    """Side b: only the victim answers every own-view statement of DIMENSION (the others
    say "don't know" to one), so b's own alpha is held back (1 < 5). Side a answers each
    view alike in every statement, so its bar gives its answer vectors exactly. Pooling
    the victim's vector into the dimension's alpha would then give it away: the attack
    tries all 625 vectors against the published alpha."""
    victim = (5, 2, 4, 1)
    subs = [Submission("a", _answers(v, v)) for v in (1, 2, 3, 4, 5, 3)]
    for value in (2, 3, 4, 3, 5):
        answers = _answers(value, value, other_value=value)
        answers[(DIMENSION, ITEMS[-1], "self")] = None
        subs.append(Submission("b", answers))
    answers = _answers(3, 3)
    answers.update({(DIMENSION, item, "self"): v for item, v in zip(ITEMS, victim, strict=True)})
    subs.append(Submission("b", answers))
    info = _dimension(analyse(db, _round(db, subs)))
    assert info["cells"]["b.self"]["n"] == 6  # b's own view is shown ...
    assert info["reliability"]["b.self"] is None  # ... its alpha over 1 person is not
    own_a = info["cells"]["a.self"]
    known = [
        (value,) * len(ITEMS)
        for value, count in enumerate(own_a["counts"], start=1)
        for _ in range(count // len(ITEMS))
    ]
    candidates = {
        sum(vector) / len(vector)
        for vector in itertools.product(range(1, 6), repeat=len(ITEMS))
        if (alpha := stats.cronbach_alpha([*known, vector], [1] * (len(known) + 1))) is not None
        and info["alpha"] is not None
        and abs(alpha - info["alpha"]) < 1e-9
    }
    assert candidates != {sum(victim) / len(victim)}
    assert info["alpha"] == pytest.approx(info["reliability"]["a.self"]["alpha"])


# --- Across a round and its comparison or follow-up ------------------------------------


def test_d1_a_comparison_does_not_print_what_the_earlier_report_held_back(db):
    earlier = d1_round(db, name="Wiosna")
    later = _round(db, [Submission("a", _answers(4, 3)) for _ in range(6)] + _side_b())
    report = analyse(db, later, compare_with=earlier)
    old = _dimension(analyse(db, earlier))
    change = report["compare"]["dimensions"][DIMENSION]["a.felt_misjudgement"]
    felt = dict(old["gaps"]["a.felt_misjudgement"]) | {"diff": change["before"], "n": 5}
    assert d1_attack(old["cells"], felt) is None
    assert change["before"] is None and change["suppressed"]
    assert report["compare"]["dimensions"]["respect"]["a.felt_misjudgement"]["before"] is not None


def test_d1_a_follow_up_does_not_print_what_the_workshops_round_held_back(db):
    earlier = d1_round(db, name="Wiosna")
    workshop = store.create_workshop(db, earlier, "2h", [DIMENSION])
    agreement = store.add_agreement(
        db, workshop, "Plan co poniedziałek", "both", "2026-12-31", "Notatka"
    )
    key = ("agreement", agreement, "kept")
    subs = [Submission("a", _answers(4, 3) | {key: 4}) for _ in range(6)]
    subs += [Submission("b", _answers(3, 3) | {key: 2}) for _ in range(6)]
    later = _round(db, subs, agreements=[agreement])
    report = analyse(db, later)
    since = report["agreements"][0]["since"]["dimensions"][DIMENSION]["a.felt_misjudgement"]
    assert since["before"] is None and since["suppressed"]
    old = _dimension(analyse(db, earlier))
    felt = dict(old["gaps"]["a.felt_misjudgement"]) | {"diff": since["before"], "n": 5}
    assert d1_attack(old["cells"], felt) is None
    # The follow-up's PDF table of gaps since the workshop prints no "+0,80 → ...".
    text = _pdf_text(render_pdf(db, later, lang="pl"))
    assert "Różnice od badania, po którym był warsztat" in text
    assert f"+0,{int(FELT_OF_THE_FIVE * 100)} →" not in text


# --- The shares shown per cell obey the rule --------------------------------------------


def test_d1_skipped_and_dont_know_shares_are_never_shown_for_a_held_back_cell(db):
    subs = [Submission("a", _answers(4, 3)) for _ in range(4)]
    subs += [Submission("a", _answers(3, None)) for _ in range(2)]  # meta: 4 < 5 answers
    info = _dimension(analyse(db, _round(db, subs + _side_b())))
    meta = info["cells"]["a.meta"]
    assert meta["suppressed"] and meta["skipped_share"] is None
    assert meta["dont_know_share"] is None and meta["n"] is None
    own = info["cells"]["a.self"]
    assert own["skipped_share"] == 0 and own["dont_know_share"] == 0


def test_the_rule_is_stated_in_the_json(db):
    method = analyse(db, d1_round(db))["method"]
    assert "held back" in method["suppression"]


# --- The rule against sets counted from the raw answers, on random rounds ---------------


def _sets(subs, side, dimension):
    """From the submissions themselves: per view the people with a score (n), those who
    gave a number to every statement (complete), and the pairs of own and expected view."""
    items = [item.id for item in QUESTIONNAIRE.dimension(dimension).items]
    people = [s.answers for s in subs if s.side == side]
    numbers = {
        p: [sum(a.get((dimension, i, p)) is not None for i in items) for a in people]
        for p in ("self", "other", "meta")
    }
    n = {p: sum(1 for k in numbers[p] if k) for p in numbers}
    complete = {p: sum(1 for k in numbers[p] if k == len(items)) for p in numbers}
    pairs = sum(1 for own, exp in zip(numbers["self"], numbers["meta"], strict=True) if own and exp)
    return n, complete, pairs


def _singles_out(larger, smaller, threshold=5):
    return 0 < larger - smaller < threshold


@pytest.mark.parametrize("seed", range(6))
def test_d1_no_shown_figure_rests_on_a_few_fewer_people_than_its_cell(db, seed):
    """Random rounds of 6 to 12 a side where each answer is skipped or "don't know" with
    a probability drawn per round (up to 30 %): every felt misjudgement, answer bar and
    reliability the report shows rests on its cell's people or on at least 5 fewer."""
    rng = random.Random(seed)
    missing = rng.uniform(0.02, 0.3)
    subs = []
    for side in "ab":
        for _ in range(rng.randint(6, 12)):
            answers = {}
            for key in QUESTIONNAIRE.item_keys():
                roll = rng.random()
                if roll >= missing:
                    answers[key] = rng.randint(1, 5)
                elif roll < missing / 2:
                    answers[key] = None  # don't know; else skipped
            subs.append(Submission(side, answers))
    report = analyse(db, _round(db, subs, name=f"Los {seed}"))
    for dimension in report["dimensions"]:
        for side in "ab":
            n, complete, pairs = _sets(subs, side, dimension["id"])
            felt = dimension["gaps"][f"{side}.felt_misjudgement"]
            if not felt["suppressed"]:
                assert felt["n"] == pairs
                assert not _singles_out(n["self"], pairs) and not _singles_out(n["meta"], pairs)
            for perspective in ("self", "other", "meta"):
                key = f"{side}.{perspective}"
                cell = dimension["cells"][key]
                if cell["suppressed"]:
                    continue
                assert cell["n"] == n[perspective]
                if cell["counts"] is not None:
                    assert not _singles_out(n[perspective], complete[perspective]), key
                if dimension["reliability"][key]:
                    assert not _singles_out(n[perspective], complete[perspective]), key
