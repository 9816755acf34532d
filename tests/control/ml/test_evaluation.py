import numpy as np
import pytest

from control.ml.evaluation import (
    baselines_evaluate,
    calibration_table,
    evaluation_report,
    gains_curve,
    metrics_bootstrap,
    metrics_compute,
    recall_at_share_bootstrap,
    top_share_mask,
)


def test_top_share_selects_the_highest_scores():
    scores = np.array([0.1, 0.9, 0.5, 0.7])
    assert top_share_mask(scores=scores, share=0.5).tolist() == [False, True, False, True]


def test_recall_precision_and_lift_at_a_share_are_counted_exactly():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.1, 0.2, 0.3, 0.05, 0.04, 0.03])
    metrics = metrics_compute(y=y, scores=scores)
    assert metrics["recall_at_25"] == 0.5  # top 2 rows hold one of two cheaters
    assert metrics["precision_at_25"] == 0.5
    assert metrics["lift_at_25"] == pytest.approx(2.0)
    assert metrics["recall_at_50"] == 1.0


def test_bootstrap_interval_contains_the_point_estimate():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.1).astype(int)
    scores = y * 0.3 + rng.random(2000)
    point = metrics_compute(y=y, scores=np.clip(scores, 0, 1))
    ci = metrics_bootstrap(y=y, scores=np.clip(scores, 0, 1), rounds=50)
    assert ci["auc"][0] <= point["auc"] <= ci["auc"][1]
    assert ci["auc"][1] - ci["auc"][0] < 0.2


def test_gains_curve_runs_from_nothing_to_everything():
    y = np.array([1, 0, 1, 0])
    curve = gains_curve(y=y, scores=np.array([0.9, 0.1, 0.8, 0.2]), points=4)
    assert curve[0] == [0.0, 0.0] and curve[2] == [0.5, 1.0] and curve[-1] == [1.0, 1.0]


def test_random_selection_finds_its_share_and_the_rule_ranks_flagged_first():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0])
    flags = np.array([True, False, True, False, False, False, False, False])
    baselines = baselines_evaluate(y=y, rule_flags=flags)
    assert baselines["random"]["metrics"]["recall_at_25"] == 0.25
    assert baselines["old_rule"]["precision_when_flagged"] == 0.5
    assert baselines["old_rule"]["flagged_share"] == 0.25


def _stratified_random_controls(seed: int = 0) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """A population of 200,000 in two strata: 180,000 with 5 % cheaters whom the score
    hardly tells apart, 20,000 with 30 % cheaters whom it ranks well. 2,000 random
    controls from each stratum, the small one drawn with nine times the probability, as a
    stratified campaign draw does. Returns the population's own figures and the controls'
    y, scores and weights (1 / selection probability)."""
    rng = np.random.default_rng(seed)
    stratum = np.r_[np.zeros(180_000, dtype=int), np.ones(20_000, dtype=int)]
    y = (rng.random(len(stratum)) < np.where(stratum == 1, 0.30, 0.05)).astype(int)
    scores = (rng.random(len(y)) + y * np.where(stratum == 1, 0.8, 0.2)) / 1.8  # within [0, 1]
    truth = metrics_compute(y=y, scores=scores, probabilities=False)
    large = rng.choice(180_000, 2_000, replace=False)
    small = 180_000 + rng.choice(20_000, 2_000, replace=False)
    drawn = np.r_[large, small]
    probability = np.where(stratum[drawn] == 1, 2_000 / 20_000, 2_000 / 180_000)
    return truth, y[drawn], scores[drawn], 1 / probability


def test_a_stratified_random_group_weighted_by_its_selection_probabilities_stands_for_the_population():
    truth, y, scores, weights = _stratified_random_controls()
    weighted = metrics_compute(y=y, scores=scores, weights=weights, probabilities=False)
    plain = metrics_compute(y=y, scores=scores, probabilities=False)
    # The plain counts over-represent the small stratum, where cheaters are many and easy
    # to rank: they promise 0.83 of the cheaters at 25 % where the population gives 0.65.
    assert plain["recall_at_25"] - truth["recall_at_25"] > 0.12
    assert plain["precision_at_25"] - truth["precision_at_25"] > 0.3
    assert abs(weighted["recall_at_25"] - truth["recall_at_25"]) < 0.05
    assert abs(weighted["precision_at_25"] - truth["precision_at_25"]) < 0.02
    assert abs(weighted["auc"] - truth["auc"]) < 0.03
    base = baselines_evaluate(y=y, rule_flags=np.zeros(len(y), dtype=bool), weights=weights)
    assert base["random"]["base_rate"] == pytest.approx(0.075, abs=0.01)  # the population's
    assert baselines_evaluate(y=y, rule_flags=np.zeros(len(y), dtype=bool))["random"]["base_rate"] > 0.15
    low, high = recall_at_share_bootstrap(y=y, scores=scores, share=0.25, weights=weights, rounds=100)
    assert low <= weighted["recall_at_25"] <= high
    curve = gains_curve(y=y, scores=scores, weights=weights, points=4)
    assert curve[0] == [0.0, 0.0] and curve[-1] == [1.0, 1.0]
    assert curve[1][1] == pytest.approx(weighted["recall_at_25"], abs=0.02)
    assert evaluation_report(y=y, scores=scores, weights=weights)["weighted"] is True


def test_equal_weights_give_the_plain_figures_to_the_last_digit():
    _truth, y, scores, _weights = _stratified_random_controls(seed=1)
    equal = np.full(len(y), 1 / 0.05)
    assert metrics_compute(y=y, scores=scores, weights=equal) == metrics_compute(y=y, scores=scores)
    assert calibration_table(y=y, probabilities=scores, weights=equal) == calibration_table(
        y=y, probabilities=scores
    )
    assert evaluation_report(y=y, scores=scores, weights=equal)["weighted"] is False


def test_weights_that_do_not_fit_the_cases_are_refused():
    with pytest.raises(ValueError, match="3 weights for 2 cases"):
        metrics_compute(y=np.array([0, 1]), scores=np.array([0.1, 0.9]), weights=np.ones(3))
    with pytest.raises(ValueError, match="finite and positive"):
        metrics_compute(y=np.array([0, 1]), scores=np.array([0.1, 0.9]), weights=np.array([1.0, 0.0]))
