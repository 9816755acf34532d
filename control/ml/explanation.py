"""Why a score is what it is: exact per-feature contributions and plain-language reasons.

Contributions are on the model's log-odds scale before calibration. The risk model is
additive (boosted one-split trees, or logistic regression), so each feature's exact SHAP
value is its own term minus that term's average over the training data:
- boosted stumps: per feature, the sum of its stumps' leaf values minus their
  cover-weighted means, a step function evaluated with one searchsorted per feature.
  This equals LightGBM's own TreeSHAP (pred_contrib=True; a test checks it) at a fraction
  of the cost, which is what makes reasons for a million rows fit the scoring budget;
- logistic regression: coefficient × standardised value;
- any other tree model falls back to LightGBM's pred_contrib.
The calibration step is monotone, so a feature that raises the log-odds raises the score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.pipeline import Pipeline

from control.ml.features import FEATURE_CATALOGUE, FEATURE_NAMES


def base_estimator(*, pipeline: Pipeline) -> object:
    """The uncalibrated model inside the pipeline's calibrated classifier."""
    calibrated = pipeline.named_steps["classifier"]
    frozen = calibrated.estimator
    return getattr(frozen, "estimator", frozen)


@dataclass(frozen=True)
class AdditiveTerms:
    """A boosted-stumps model as one step function per feature: feature j contributes
    values[j][searchsorted(thresholds[j], x)]; bias is the expected raw score."""

    thresholds: list[np.ndarray]
    values: list[np.ndarray]
    bias: float


def additive_terms_from_booster(*, booster: object, n_features: int) -> AdditiveTerms | None:
    """The step functions of a LightGBM model whose trees each split once (or not at
    all); None when some tree is deeper, i.e. the model is not additive."""
    stumps: list[list[tuple[float, float, float, float]]] = [[] for _ in range(n_features)]
    bias = 0.0
    for tree in booster.dump_model()["tree_info"]:  # type: ignore[attr-defined]
        node = tree["tree_structure"]
        if "leaf_value" in node:
            bias += float(node["leaf_value"])
            continue
        left, right = node["left_child"], node["right_child"]
        if "leaf_value" not in left or "leaf_value" not in right or node["decision_type"] != "<=":
            return None
        left_count, right_count = float(left["leaf_count"]), float(right["leaf_count"])
        mean = (left_count * left["leaf_value"] + right_count * right["leaf_value"]) / (
            left_count + right_count
        )
        bias += mean
        stumps[node["split_feature"]].append(
            (float(node["threshold"]), float(left["leaf_value"]), float(right["leaf_value"]), mean)
        )
    thresholds, values = [], []
    for feature_stumps in stumps:
        if not feature_stumps:
            thresholds.append(np.empty(0))
            values.append(np.zeros(1))
            continue
        cuts = np.array([stump[0] for stump in feature_stumps])
        lefts = np.array([stump[1] for stump in feature_stumps])
        rights = np.array([stump[2] for stump in feature_stumps])
        means = np.array([stump[3] for stump in feature_stumps])
        grid = np.unique(cuts)
        # Interval i holds x in (grid[i-1], grid[i]]: a stump sends x left iff its cut >= grid[i].
        goes_left = cuts[None, :] >= np.append(grid, np.inf)[:, None]
        steps = np.where(goes_left, lefts[None, :], rights[None, :]).sum(axis=1) - means.sum()
        thresholds.append(grid)
        values.append(steps)
    return AdditiveTerms(thresholds=thresholds, values=values, bias=bias)


def additive_terms(*, pipeline: Pipeline) -> AdditiveTerms | None:
    """AdditiveTerms of the pipeline's model, or None when it is not boosted stumps."""
    model = base_estimator(pipeline=pipeline)
    if isinstance(model, Pipeline) or not hasattr(model, "booster_"):
        return None
    return additive_terms_from_booster(booster=model.booster_, n_features=len(FEATURE_NAMES))


def contributions_and_margin(*, pipeline: Pipeline, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, n_features) log-odds contributions of each feature for each row, and the raw
    log-odds (bias + contributions) the calibration step turns into a probability."""
    model = base_estimator(pipeline=pipeline)
    if isinstance(model, Pipeline):  # scaler + logistic regression
        scaled = model[:-1].transform(features.astype(np.float64))
        contributions = np.asarray(scaled * model[-1].coef_[0], dtype=np.float64)
        return contributions.astype(np.float32), contributions.sum(axis=1) + float(model[-1].intercept_[0])
    terms = additive_terms(pipeline=pipeline)
    if terms is None:
        full = model.booster_.predict(features, pred_contrib=True)  # type: ignore[attr-defined]
        return np.asarray(full[:, :-1], dtype=np.float32), full.sum(axis=1)
    contributions = np.empty(features.shape, dtype=np.float32)
    margin = np.full(len(features), terms.bias, dtype=np.float64)
    for j, (grid, steps) in enumerate(zip(terms.thresholds, terms.values, strict=True)):
        column = steps[np.searchsorted(grid, features[:, j].astype(np.float64), side="left")]
        contributions[:, j] = column
        margin += column
    return contributions, margin


def contributions_compute(*, pipeline: Pipeline, features: np.ndarray) -> np.ndarray:
    """(n, n_features) log-odds contributions of each feature for each row."""
    return contributions_and_margin(pipeline=pipeline, features=features)[0]


def probability_from_margin(*, pipeline: Pipeline, margin: np.ndarray) -> np.ndarray | None:
    """The calibrated probability for raw log-odds, without running the model again; None
    when the calibration step is not the single sigmoid this module knows."""
    calibrated = pipeline.named_steps["classifier"]
    fitted = getattr(calibrated, "calibrated_classifiers_", [])
    if len(fitted) != 1 or len(fitted[0].calibrators) != 1:
        return None
    return np.asarray(fitted[0].calibrators[0].predict(margin), dtype=np.float64)


def global_importance_compute(*, pipeline: Pipeline, features: np.ndarray) -> list[dict]:
    """Mean absolute contribution per feature, as shares summing to 1, largest first."""
    contributions = contributions_compute(pipeline=pipeline, features=features)
    mean_abs = np.abs(contributions).mean(axis=0)
    total = float(mean_abs.sum()) or 1.0
    order = np.argsort(-mean_abs, kind="stable")
    return [
        {
            "feature": FEATURE_NAMES[i],
            "importance": round(float(mean_abs[i] / total), 5),
            "label_nb": FEATURE_CATALOGUE[i].description_nb,
            "label_en": FEATURE_CATALOGUE[i].description_en,
        }
        for i in order
    ]


def _value_text(value: float, value_format: str) -> str:
    return format(float(value), value_format)


def reasons_render(
    *, contributions: np.ndarray, features: np.ndarray, medians: np.ndarray, binary: np.ndarray, top: int = 3
) -> list[list[dict]]:
    """Per row, up to `top` reasons (largest positive contributions first) as
    {"feature", "contribution", "text_nb", "text_en"}. Only features pushing the risk UP
    are reasons; a row whose features all pull it down gets none. The sentence is the
    feature's "high" or "low" variant: for yes/no features (`binary`) yes or no, for the
    others the value against the training median."""
    n, width = contributions.shape
    if n == 0 or top <= 0:
        return [[] for _ in range(n)]
    top = min(top, width)
    # Vectorised choice of the top-k columns, then sorted within those k.
    candidates = np.argpartition(-contributions, top - 1, axis=1)[:, :top]
    picked = np.take_along_axis(contributions, candidates, axis=1)
    order = np.argsort(-picked, axis=1, kind="stable")
    columns = np.take_along_axis(candidates, order, axis=1)
    values = np.take_along_axis(contributions, columns, axis=1)
    raw = np.take_along_axis(features, columns, axis=1)
    use_high = np.where(binary[columns], raw >= 0.5, raw > medians[columns])
    specs = FEATURE_CATALOGUE
    result: list[list[dict]] = []
    for row in range(n):
        reasons = []
        for k in range(top):
            contribution = float(values[row, k])
            if contribution <= 0:
                break
            spec = specs[columns[row, k]]
            if use_high[row, k]:
                text_nb, text_en = spec.reason_high_nb, spec.reason_high_en
            else:
                text_nb, text_en = spec.reason_low_nb, spec.reason_low_en
            if "{value}" in text_nb or "{value}" in text_en:
                shown = _value_text(raw[row, k], spec.value_format)
                text_nb, text_en = text_nb.replace("{value}", shown), text_en.replace("{value}", shown)
            reasons.append(
                {
                    "feature": spec.name,
                    "contribution": round(contribution, 4),
                    "text_nb": text_nb,
                    "text_en": text_en,
                }
            )
        result.append(reasons)
    return result
