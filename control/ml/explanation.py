"""Why a score is what it is: exact per-feature contributions and plain-language reasons.

Contributions are on the model's log-odds scale before calibration. For LightGBM they are
the exact TreeSHAP values LightGBM computes itself (pred_contrib=True); for logistic
regression they are coefficient × standardised value, which is exact for a linear model.
The calibration step is monotone, so a feature that raises the log-odds raises the score.
"""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline

from control.ml.features import FEATURE_CATALOGUE, FEATURE_NAMES


def base_estimator(*, pipeline: Pipeline) -> object:
    """The uncalibrated model inside the pipeline's calibrated classifier."""
    calibrated = pipeline.named_steps["classifier"]
    frozen = calibrated.estimator
    return getattr(frozen, "estimator", frozen)


def contributions_compute(*, pipeline: Pipeline, features: np.ndarray) -> np.ndarray:
    """(n, n_features) log-odds contributions of each feature for each row."""
    model = base_estimator(pipeline=pipeline)
    if isinstance(model, Pipeline):  # scaler + logistic regression
        scaled = model[:-1].transform(features)
        return np.asarray(scaled * model[-1].coef_[0], dtype=np.float32)
    booster = model.booster_  # type: ignore[attr-defined]
    contributions = booster.predict(features, pred_contrib=True)
    return np.asarray(contributions[:, :-1], dtype=np.float32)  # last column is the bias


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
