import random
import statistics

from survey.demo import simulate
from survey.questionnaire import load


def _mean(submissions, dimension, perspective):
    values = [
        v
        for s in submissions
        for (d, _i, p), v in s.answers.items()
        if d == dimension and p == perspective and v is not None
    ]
    return statistics.mean(values)


def test_demo_plants_a_blind_spot_and_pessimistic_meta_views():
    questionnaire = load("sales-production")
    rng = random.Random(7)
    sales = [simulate(questionnaire, "a", rng) for _ in range(200)]
    production = [simulate(questionnaire, "b", rng) for _ in range(200)]
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
