"""How well a ranking finds cheaters: metrics with bootstrap intervals, gains and calibration.

Evaluation runs on a random control group (an unbiased sample), so "recall at 25%" means:
of the cheaters in the whole population, the share found by controlling the 25% with the
highest scores.

A stratified random draw (a campaign's `random_stratify_by`) picks small groups with a
higher probability than large ones; the group then stands for the population only when
each case counts 1 / its selection probability. Every function here takes those
`weights`: "25%" is then a quarter of the weighted mass, recall and precision are
weighted (Hájek) shares, AUC, average precision and Brier use them as sample weights.
Without weights, or with equal ones (a plain random draw), the figures are the plain
counts, exactly as before.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

SHARES: tuple[float, ...] = (0.10, 0.25, 0.50)
BOOTSTRAP_ROUNDS = 300


def case_weights(*, weights: np.ndarray | None, n: int) -> np.ndarray | None:
    """The weights as an array, or None when every case weighs the same (no weighting
    needed: the plain formulas, to the last digit)."""
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if len(w) != n:
        raise ValueError(f"{len(w)} weights for {n} cases")
    if not np.isfinite(w).all() or (w <= 0).any():
        raise ValueError("case weights must be finite and positive")
    if n == 0 or np.allclose(w, w[0], rtol=1e-12, atol=0):
        return None
    return w


def weighted_rate(*, hits: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    """The inverse-probability-weighted (Hájek) share of hits among drawn cases, and the
    effective sample size (Kish) its interval is computed with; equal probabilities give
    the plain share and n. (0, 0) without cases."""
    hits = np.asarray(hits, dtype=float)
    weights = 1.0 / np.asarray(probabilities, dtype=float)
    if len(weights) == 0 or not np.isfinite(weights).all():
        return 0.0, 0.0
    total = float(weights.sum())
    return float((weights * hits).sum() / total), total * total / float((weights * weights).sum())


def top_share_mask(*, scores: np.ndarray, share: float, weights: np.ndarray | None = None) -> np.ndarray:
    """True for the ceil(share × n) highest scores (ties broken by position, stably); with
    unequal `weights`, the highest scores until `share` of the weighted mass is reached
    (a case is in if the mass above it is still short of the share)."""
    n = len(scores)
    w = case_weights(weights=weights, n=n)
    if w is not None:
        order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
        ordered = w[order]
        above = np.cumsum(ordered) - ordered
        weighted_mask = np.zeros(n, dtype=bool)
        weighted_mask[order[above < share * w.sum()]] = True
        return weighted_mask
    k = int(np.ceil(share * n))
    order = np.argsort(-scores, kind="stable")
    mask = np.zeros(n, dtype=bool)
    mask[order[:k]] = True
    return mask


def _share_metrics(
    y: np.ndarray, scores: np.ndarray, share: float, w: np.ndarray | None
) -> tuple[float, float, float]:
    selected = top_share_mask(scores=scores, share=share, weights=w)
    if w is None:
        positives, found, n_selected, total = y.sum(), y[selected].sum(), max(1, selected.sum()), len(y)
    else:
        positives, found = (w * y).sum(), (w * y)[selected].sum()
        n_selected, total = max(float(w[selected].sum()), 1e-12), w.sum()
    recall = found / positives if positives else float("nan")
    precision = found / n_selected
    base = positives / total if total else float("nan")
    lift = precision / base if base else float("nan")
    return float(recall), float(precision), float(lift)


def metrics_compute(
    *, y: np.ndarray, scores: np.ndarray, probabilities: bool = True, weights: np.ndarray | None = None
) -> dict[str, float]:
    """Point metrics: auc, average_precision, recall/precision/lift at 10/25/50%, brier
    (brier only when `scores` are probabilities), positives and n (plain counts), each
    case weighted by `weights` when they differ (see the module's docstring)."""
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    w = case_weights(weights=weights, n=len(y))
    both_classes = 0 < y.sum() < len(y)
    result: dict[str, float] = {
        "n": float(len(y)),
        "positives": float(y.sum()),
        "auc": float(roc_auc_score(y, scores, sample_weight=w)) if both_classes else float("nan"),
        "average_precision": (
            float(average_precision_score(y, scores, sample_weight=w)) if both_classes else float("nan")
        ),
    }
    for share in SHARES:
        recall, precision, lift = _share_metrics(y, scores, share, w)
        pct = round(share * 100)
        result[f"recall_at_{pct}"] = recall
        result[f"precision_at_{pct}"] = precision
        result[f"lift_at_{pct}"] = lift
    if probabilities:
        result["brier"] = float(brier_score_loss(y, np.clip(scores, 0, 1), sample_weight=w))
    return result


def metrics_bootstrap(
    *,
    y: np.ndarray,
    scores: np.ndarray,
    probabilities: bool = True,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> dict[str, list[float]]:
    """95% percentile bootstrap interval [low, high] for every metric of metrics_compute
    (cases resampled with their weights)."""
    rng = np.random.default_rng(seed)
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    w = case_weights(weights=weights, n=len(y))
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        index = rng.integers(0, len(y), size=len(y))
        for name, value in metrics_compute(
            y=y[index],
            scores=scores[index],
            probabilities=probabilities,
            weights=None if w is None else w[index],
        ).items():
            samples.setdefault(name, []).append(value)
    return {
        name: [float(np.nanpercentile(values, 2.5)), float(np.nanpercentile(values, 97.5))]
        for name, values in samples.items()
        if name not in ("n", "positives")
    }


def recall_at_share_bootstrap(
    *,
    y: np.ndarray,
    scores: np.ndarray,
    share: float,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 0,
    weights: np.ndarray | None = None,
) -> list[float]:
    """95 % percentile bootstrap interval [low, high] of recall at `share`, vectorised:
    each round resamples the group and selects its own top share (of the weighted mass,
    with unequal `weights`)."""
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    n = len(y)
    w = case_weights(weights=weights, n=n)
    if n == 0 or y.sum() == 0:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(rounds, n))
    # Sort each resample by score (stable on position, like top_share_mask).
    order = np.argsort(-scores[index], axis=1, kind="stable")
    if w is None:
        found = np.take_along_axis(y[index], order, axis=1)[:, : int(np.ceil(share * n))].sum(axis=1)
        positives = y[index].sum(axis=1)
    else:
        ordered_y = np.take_along_axis(y[index], order, axis=1)
        ordered_w = np.take_along_axis(w[index], order, axis=1)
        above = np.cumsum(ordered_w, axis=1) - ordered_w
        selected = above < share * ordered_w.sum(axis=1, keepdims=True)
        found = (ordered_w * ordered_y * selected).sum(axis=1)
        positives = (ordered_w * ordered_y).sum(axis=1)
    recall = found[positives > 0] / positives[positives > 0]
    return [float(np.percentile(recall, 2.5)), float(np.percentile(recall, 97.5))]


def gains_curve(
    *, y: np.ndarray, scores: np.ndarray, points: int = 20, weights: np.ndarray | None = None
) -> list[list[float]]:
    """[[share selected, share of cheaters found], ...] from 0 to 1 (shares of the weighted
    mass with unequal `weights`)."""
    y = np.asarray(y, dtype=int)
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    w = case_weights(weights=weights, n=len(y))
    if w is not None:
        mass = np.concatenate([[0.0], np.cumsum(w[order])]) / w.sum()
        caught = np.concatenate([[0.0], np.cumsum((w * y)[order])]) / max(float((w * y).sum()), 1e-12)
        return [
            [round(float(s), 3), round(float(np.interp(s, mass, caught)), 4)]
            for s in np.linspace(0, 1, points + 1)
        ]
    found = np.concatenate([[0], np.cumsum(y[order])]) / max(1, y.sum())
    shares = np.linspace(0, 1, points + 1)
    return [[round(float(s), 3), round(float(found[int(s * len(y) + 0.5)]), 4)] for s in shares]


def calibration_table(
    *, y: np.ndarray, probabilities: np.ndarray, bins: int = 10, weights: np.ndarray | None = None
) -> list[list[float]]:
    """[[mean predicted, observed rate, n], ...] over quantile bins of the prediction (the
    means and rates weighted with unequal `weights`; n is the number of cases)."""
    y = np.asarray(y, dtype=int)
    probabilities = np.asarray(probabilities, dtype=float)
    w = case_weights(weights=weights, n=len(y))
    if w is not None:
        edges = np.unique(np.quantile(probabilities, np.linspace(0, 1, bins + 1)))
        which = np.clip(np.searchsorted(edges[1:-1], probabilities, side="right"), 0, max(0, len(edges) - 2))
        rows = []
        for b in np.unique(which):
            inside = which == b
            rows.append(
                [
                    round(float(np.average(probabilities[inside], weights=w[inside])), 5),
                    round(float(np.average(y[inside], weights=w[inside])), 5),
                    int(inside.sum()),
                ]
            )
        return rows
    observed, predicted = calibration_curve(y, probabilities, n_bins=bins, strategy="quantile")
    edges = np.unique(np.quantile(probabilities, np.linspace(0, 1, bins + 1)))
    counts = np.histogram(probabilities, bins=edges)[0]
    if len(counts) != len(observed):  # tied edges: fall back to an even split
        counts = np.full(len(observed), len(y) // max(1, len(observed)))
    return [
        [round(float(p), 5), round(float(o), 5), int(c)]
        for p, o, c in zip(predicted, observed, counts, strict=True)
    ]


def evaluation_report(
    *, y: np.ndarray, scores: np.ndarray, seed: int = 0, weights: np.ndarray | None = None
) -> dict:
    """Metrics, their bootstrap intervals, the gains curve and the calibration table;
    `weighted` says whether unequal case weights were applied."""
    return {
        "metrics": metrics_compute(y=y, scores=scores, weights=weights),
        "ci": metrics_bootstrap(y=y, scores=scores, seed=seed, weights=weights),
        "gains": gains_curve(y=y, scores=scores, weights=weights),
        "calibration": calibration_table(y=y, probabilities=scores, weights=weights),
        "weighted": case_weights(weights=weights, n=len(y)) is not None,
    }


def baselines_evaluate(
    *, y: np.ndarray, rule_flags: np.ndarray, seed: int = 0, weights: np.ndarray | None = None
) -> dict:
    """The old rule and random selection on the same group. The rule ranks flagged
    applications first (in random order among themselves); random selection finds, on
    average, the same share of cheaters as it controls."""
    y = np.asarray(y, dtype=int)
    w = case_weights(weights=weights, n=len(y))
    rng = np.random.default_rng(seed)
    rule_scores = np.asarray(rule_flags, dtype=float) + rng.random(len(y)) * 0.5
    rule = metrics_compute(y=y, scores=rule_scores, probabilities=False, weights=w)
    rule_ci = metrics_bootstrap(y=y, scores=rule_scores, probabilities=False, seed=seed, weights=w)
    flagged = np.asarray(rule_flags, dtype=bool)
    if w is None:
        base_rate = float(y.mean()) if len(y) else float("nan")
        flagged_share = float(flagged.mean()) if len(y) else float("nan")
        when_flagged = float(y[flagged].mean()) if flagged.any() else float("nan")
    else:
        base_rate = float(np.average(y, weights=w))
        flagged_share = float(np.average(flagged, weights=w))
        when_flagged = float(np.average(y[flagged], weights=w[flagged])) if flagged.any() else float("nan")
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
            "flagged_share": flagged_share,
            "precision_when_flagged": when_flagged,
            "gains": gains_curve(y=y, scores=rule_scores, weights=w),
        },
        "random": {"metrics": random_metrics, "base_rate": base_rate},
    }
