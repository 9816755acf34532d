"""How well a ranking finds cheaters: metrics with bootstrap intervals, gains and calibration.

Evaluation runs on a random control group (an unbiased sample), so "recall at 25%" means:
of the cheaters in the whole population, the share found by controlling the 25% with the
highest scores.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

SHARES: tuple[float, ...] = (0.10, 0.25, 0.50)
BOOTSTRAP_ROUNDS = 300


def top_share_mask(*, scores: np.ndarray, share: float) -> np.ndarray:
    """True for the ceil(share × n) highest scores (ties broken by position, stably)."""
    n = len(scores)
    k = int(np.ceil(share * n))
    order = np.argsort(-scores, kind="stable")
    mask = np.zeros(n, dtype=bool)
    mask[order[:k]] = True
    return mask


def _share_metrics(y: np.ndarray, scores: np.ndarray, share: float) -> tuple[float, float, float]:
    selected = top_share_mask(scores=scores, share=share)
    positives = y.sum()
    found = y[selected].sum()
    recall = found / positives if positives else float("nan")
    precision = found / max(1, selected.sum())
    base = positives / len(y) if len(y) else float("nan")
    lift = precision / base if base else float("nan")
    return float(recall), float(precision), float(lift)


def metrics_compute(*, y: np.ndarray, scores: np.ndarray, probabilities: bool = True) -> dict[str, float]:
    """Point metrics: auc, average_precision, recall/precision/lift at 10/25/50%, brier
    (brier only when `scores` are probabilities), positives and n."""
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    both_classes = 0 < y.sum() < len(y)
    result: dict[str, float] = {
        "n": float(len(y)),
        "positives": float(y.sum()),
        "auc": float(roc_auc_score(y, scores)) if both_classes else float("nan"),
        "average_precision": float(average_precision_score(y, scores)) if both_classes else float("nan"),
    }
    for share in SHARES:
        recall, precision, lift = _share_metrics(y, scores, share)
        pct = round(share * 100)
        result[f"recall_at_{pct}"] = recall
        result[f"precision_at_{pct}"] = precision
        result[f"lift_at_{pct}"] = lift
    if probabilities:
        result["brier"] = float(brier_score_loss(y, np.clip(scores, 0, 1)))
    return result


def metrics_bootstrap(
    *,
    y: np.ndarray,
    scores: np.ndarray,
    probabilities: bool = True,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 0,
) -> dict[str, list[float]]:
    """95% percentile bootstrap interval [low, high] for every metric of metrics_compute."""
    rng = np.random.default_rng(seed)
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        index = rng.integers(0, len(y), size=len(y))
        for name, value in metrics_compute(
            y=y[index], scores=scores[index], probabilities=probabilities
        ).items():
            samples.setdefault(name, []).append(value)
    return {
        name: [float(np.nanpercentile(values, 2.5)), float(np.nanpercentile(values, 97.5))]
        for name, values in samples.items()
        if name not in ("n", "positives")
    }


def recall_at_share_bootstrap(
    *, y: np.ndarray, scores: np.ndarray, share: float, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0
) -> list[float]:
    """95 % percentile bootstrap interval [low, high] of recall at `share`, vectorised:
    each round resamples the group and selects its own top share."""
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    n = len(y)
    if n == 0 or y.sum() == 0:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(rounds, n))
    # Sort each resample by score (stable on position, like top_share_mask).
    order = np.argsort(-scores[index], axis=1, kind="stable")
    found = np.take_along_axis(y[index], order, axis=1)[:, : int(np.ceil(share * n))].sum(axis=1)
    positives = y[index].sum(axis=1)
    recall = found[positives > 0] / positives[positives > 0]
    return [float(np.percentile(recall, 2.5)), float(np.percentile(recall, 97.5))]


def gains_curve(*, y: np.ndarray, scores: np.ndarray, points: int = 20) -> list[list[float]]:
    """[[share selected, share of cheaters found], ...] from 0 to 1."""
    y = np.asarray(y, dtype=int)
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    found = np.concatenate([[0], np.cumsum(y[order])]) / max(1, y.sum())
    shares = np.linspace(0, 1, points + 1)
    return [[round(float(s), 3), round(float(found[int(s * len(y) + 0.5)]), 4)] for s in shares]


def calibration_table(*, y: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> list[list[float]]:
    """[[mean predicted, observed rate, n], ...] over quantile bins of the prediction."""
    y = np.asarray(y, dtype=int)
    probabilities = np.asarray(probabilities, dtype=float)
    observed, predicted = calibration_curve(y, probabilities, n_bins=bins, strategy="quantile")
    edges = np.unique(np.quantile(probabilities, np.linspace(0, 1, bins + 1)))
    counts = np.histogram(probabilities, bins=edges)[0]
    if len(counts) != len(observed):  # tied edges: fall back to an even split
        counts = np.full(len(observed), len(y) // max(1, len(observed)))
    return [
        [round(float(p), 5), round(float(o), 5), int(c)]
        for p, o, c in zip(predicted, observed, counts, strict=True)
    ]


def evaluation_report(*, y: np.ndarray, scores: np.ndarray, seed: int = 0) -> dict:
    """Metrics, their bootstrap intervals, the gains curve and the calibration table."""
    return {
        "metrics": metrics_compute(y=y, scores=scores),
        "ci": metrics_bootstrap(y=y, scores=scores, seed=seed),
        "gains": gains_curve(y=y, scores=scores),
        "calibration": calibration_table(y=y, probabilities=scores),
    }


def baselines_evaluate(*, y: np.ndarray, rule_flags: np.ndarray, seed: int = 0) -> dict:
    """The old rule and random selection on the same group. The rule ranks flagged
    applications first (in random order among themselves); random selection finds, on
    average, the same share of cheaters as it controls."""
    y = np.asarray(y, dtype=int)
    rng = np.random.default_rng(seed)
    rule_scores = np.asarray(rule_flags, dtype=float) + rng.random(len(y)) * 0.5
    rule = metrics_compute(y=y, scores=rule_scores, probabilities=False)
    rule_ci = metrics_bootstrap(y=y, scores=rule_scores, probabilities=False, seed=seed)
    flagged = np.asarray(rule_flags, dtype=bool)
    base_rate = float(y.mean()) if len(y) else float("nan")
    random_metrics: dict[str, float] = {"auc": 0.5, "average_precision": base_rate}
    for share in SHARES:
        pct = round(share * 100)
        random_metrics[f"recall_at_{pct}"] = share
        random_metrics[f"precision_at_{pct}"] = base_rate
        random_metrics[f"lift_at_{pct}"] = 1.0
    return {
        "old_rule": {
            "metrics": rule,
            "ci": rule_ci,
            "flagged_share": float(flagged.mean()) if len(y) else float("nan"),
            "precision_when_flagged": float(y[flagged].mean()) if flagged.any() else float("nan"),
            "gains": gains_curve(y=y, scores=rule_scores),
        },
        "random": {"metrics": random_metrics, "base_rate": base_rate},
    }
