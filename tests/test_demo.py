import datetime as dt
import logging
import random
import statistics

from survey.demo import SELF_BIAS, TRUE_LEVEL, create_demo, simulate
from survey.store import invites
from survey.store.participation import spent_codes
from survey.store.questionnaire import load
from survey.store.responses import count_by_side
from survey.store.rounds import get_round


def _mean(submissions, dimension, perspective):
    values = [
        v
        for s in submissions
        for (d, _i, p), v in s.answers.items()
        if d == dimension and p == perspective and v is not None
    ]
    return statistics.mean(values)


def _both_sides(seed: int, people: int = 200):
    """Many simulated people per side, so planted gaps stand out from the noise."""
    questionnaire = load("sales-production")
    rng = random.Random(seed)
    return tuple([simulate(questionnaire, side, rng) for _ in range(people)] for side in "ab")


def test_demo_plants_a_blind_spot_and_pessimistic_meta_views():
    sales, production = _both_sides(7)
    # Sales thinks it understands production's limits; production disagrees.
    assert _mean(sales, "understanding", "self") - _mean(production, "understanding", "other") > 1
    # Sales expects to be judged more harshly than production actually judges it.
    assert _mean(sales, "customer", "meta") < _mean(production, "customer", "other")
    # Where nothing is planted, the two views stay close.
    assert (
        abs(_mean(sales, "shared_goals", "self") - _mean(production, "shared_goals", "other")) < 0.6
    )


def test_simulated_answers_stay_on_the_scale():
    questionnaire = load("pulse")
    rng = random.Random(3)
    for _ in range(50):
        submission = simulate(questionnaire, "b", rng)
        assert all(v is None or 1 <= v <= 5 for v in submission.answers.values())


def test_every_planted_gap_is_on_a_dimension_of_the_questionnaire():
    ids = {d.id for d in load("sales-production").dimensions}
    for table in (TRUE_LEVEL, SELF_BIAS):
        for side in ("a", "b"):
            assert set(table[side]) <= ids, set(table[side]) - ids


def test_demo_plants_both_kinds_of_finding_for_production_too():
    sales, production = _both_sides(11)
    # A blind spot: production thinks it is flexible toward customers; sales disagrees.
    assert _mean(production, "customer", "self") - _mean(sales, "customer", "other") > 1
    # Seen better than it thinks: sales rates production's shared goals well.
    assert _mean(sales, "shared_goals", "other") - _mean(production, "shared_goals", "meta") > 0.6


def test_demo_rounds_close_months_apart_with_codes_issued_and_used(db):
    spring, autumn = create_demo(db, respondents=8)
    spring, autumn = get_round(db, spring), get_round(db, autumn)
    gap = dt.date.fromisoformat(autumn.closed_on) - dt.date.fromisoformat(spring.closed_on)
    assert gap.days >= 8 * 7
    assert spring.opened_on < spring.closed_on
    for round_ in (spring, autumn):
        assert invites.issued_counts(db, round_.id) == {"a": 14, "b": 17}  # the headcounts
        assert count_by_side(db, round_.id) == {"a": 8, "b": 8}
        assert spent_codes(db, round_) == {"a": 8, "b": 8}


def test_weasyprint_progress_lines_are_silenced():
    import reports.pdf  # noqa: F401  (sets the level on import)

    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
