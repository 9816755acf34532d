"""Drift: has the scored year moved away from the years the model was trained on?

Population stability index (PSI) per feature and for the score: the training years'
distribution is cut into (up to) ten quantile bins when the model is trained (the
reference, stored with the model version); a scoring run counts the scored year into the
same bins. PSI = Σ (q - p) · ln(q / p) over the bins (p: training share, q: scored share).
Rule of thumb: under 0.1 stable, 0.1-0.2 some shift, above 0.2 a shift to look into: the
run and the model card warn. The expected recall at 25 % for the scored year follows from
the calibrated scores alone, before any outcome: Σ p over the top quarter / Σ p over all.
"""

from __future__ import annotations

import numpy as np

from control.ml import evaluation
from control.ml.features import FEATURE_NAMES

BINS = 10
WARN_ABOVE = 0.2
_FLOOR = 1e-4  # an empty bin counts as this share, so ln() stays finite


def _edges(values: np.ndarray) -> list[float]:
    cuts = np.unique(np.quantile(values, np.linspace(0, 1, BINS + 1)[1:-1]))
    return [float(c) for c in cuts]


def _shares(values: np.ndarray, edges: list[float]) -> np.ndarray:
    counts = np.bincount(np.searchsorted(np.asarray(edges), values, side="right"), minlength=len(edges) + 1)
    return counts / max(1, len(values))


def drift_reference(*, features: np.ndarray, scores: np.ndarray) -> dict:
    """Bin edges and shares of every feature and of the score on the training rows."""
    reference: dict = {"features": {}, "score": None}
    for j, name in enumerate(FEATURE_NAMES):
        edges = _edges(features[:, j])
        reference["features"][name] = {"edges": edges, "shares": _shares(features[:, j], edges).tolist()}
    edges = _edges(scores)
    reference["score"] = {"edges": edges, "shares": _shares(scores, edges).tolist()}
    return reference


def psi(*, expected: list[float] | np.ndarray, actual: np.ndarray) -> float:
    """Population stability index of two share vectors over the same bins."""
    p = np.maximum(np.asarray(expected, dtype=float), _FLOOR)
    q = np.maximum(np.asarray(actual, dtype=float), _FLOOR)
    return float(np.sum((q - p) * np.log(q / p)))


def expected_recall_at_share(*, scores: np.ndarray, share: float = 0.25) -> float | None:
    """The recall at `share` the calibrated scores promise: expected cheaters among the
    selected / expected cheaters in the year."""
    scores = np.asarray(scores, dtype=float)
    total = float(scores.sum())
    if total <= 0:
        return None
    selected = evaluation.top_share_mask(scores=scores, share=share)
    return float(scores[selected].sum() / total)


def drift_report(*, reference: dict, features: np.ndarray, scores: np.ndarray) -> dict:
    """PSI per feature and of the score against `reference`, the features above WARN_ABOVE,
    a `warning` when any PSI exceeds it, and the expected recall at 25 % of the scored year."""
    counter = DriftCounter(reference=reference)
    counter.add(features=features, scores=scores)
    return counter.report()


class DriftCounter:
    """Counts a scored year into the reference's bins chunk by chunk (a scoring run sees
    the year in chunks), then reports like drift_report."""

    def __init__(self, *, reference: dict) -> None:
        self.reference = reference
        self.features: dict[str, np.ndarray] = {}
        self.score_counts: np.ndarray | None = None
        self.scores: list[np.ndarray] = []

    def add(self, *, features: np.ndarray, scores: np.ndarray) -> None:
        """Count one chunk's feature matrix and calibrated scores."""
        for j, name in enumerate(FEATURE_NAMES):
            bins = (self.reference.get("features") or {}).get(name)
            if bins is None:
                continue
            counts = np.bincount(
                np.searchsorted(np.asarray(bins["edges"]), features[:, j], side="right"),
                minlength=len(bins["edges"]) + 1,
            )
            self.features[name] = self.features.get(name, 0) + counts
        self.scores.append(np.asarray(scores, dtype=float))

    def report(self) -> dict:
        """drift_report's figures for everything added so far."""
        scores = np.concatenate(self.scores) if self.scores else np.empty(0)
        per_feature = {
            name: round(
                psi(
                    expected=self.reference["features"][name]["shares"], actual=counts / max(1, counts.sum())
                ),
                4,
            )
            for name, counts in self.features.items()
        }
        score_bins = self.reference.get("score") or {}
        score_psi = (
            round(psi(expected=score_bins["shares"], actual=_shares(scores, score_bins["edges"])), 4)
            if score_bins and len(scores)
            else None
        )
        shifted = sorted((n for n, v in per_feature.items() if v > WARN_ABOVE), key=lambda n: -per_feature[n])
        return {
            "warn_above": WARN_ABOVE,
            "features": per_feature,
            "score_psi": score_psi,
            "shifted_features": shifted,
            "warning": bool(shifted) or (score_psi is not None and score_psi > WARN_ABOVE),
            "expected_recall_at_25": expected_recall_at_share(scores=scores, share=0.25)
            if len(scores)
            else None,
            "n": len(scores),
        }
