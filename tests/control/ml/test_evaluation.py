import numpy as np
import pytest

from control.ml.evaluation import (
    baselines_evaluate,
    gains_curve,
    metrics_bootstrap,
    metrics_compute,
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
