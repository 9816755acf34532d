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


# Which reason sentences show the feature's value, and the scale that value is shown at.
_SHOWS_VALUE = np.array(
    [
        any("{value}" in t for t in (s.reason_high_nb, s.reason_high_en, s.reason_low_nb, s.reason_low_en))
        for s in FEATURE_CATALOGUE
    ]
)
_VALUE_SCALE = np.array([10.0 ** int(s.value_format[1:-1]) for s in FEATURE_CATALOGUE])


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
    # k passes of argmax (largest first) beat a partition of the whole matrix for small k.
    remaining = contributions.copy()
    rows = np.arange(n)
    columns = np.empty((n, top), dtype=np.int64)
    for k in range(top):
        columns[:, k] = remaining.argmax(axis=1)
        remaining[rows, columns[:, k]] = -np.inf
    del remaining
    values = np.take_along_axis(contributions, columns, axis=1)
    raw = np.take_along_axis(features, columns, axis=1)
    use_high = np.where(binary[columns], raw >= 0.5, raw > medians[columns]).astype(np.int64)
    # Every (sentence, shown value) pair gets an id, vectorised; the Python loop then only
    # builds the dicts the contract asks for. Numpy scalar access or formatting per row
    # would cost more than the model itself.
    shows_value = _SHOWS_VALUE[columns]
    scale = _VALUE_SCALE[columns]
    quantised = np.where(shows_value, np.rint(raw.astype(np.float64) * scale), 0).astype(np.int64)
    keys = columns * 2 + use_high
    codes = keys * (1 << 32) + np.clip(quantised, -(1 << 30), 1 << 30) + (1 << 31)
    unique_codes, inverse = np.unique(codes.ravel(), return_inverse=True)
    table_keys = (unique_codes >> 32).tolist()
    table_values = (
        ((unique_codes & ((1 << 32) - 1)) - (1 << 31)) / _VALUE_SCALE[np.asarray(table_keys) >> 1]
    ).tolist()
    names, texts_nb, texts_en = [], [], []
    for key, value in zip(table_keys, table_values, strict=True):
        text_nb, text_en = _sentence(key=key, value=value)
        names.append(FEATURE_NAMES[key >> 1])
        texts_nb.append(text_nb)
        texts_en.append(text_en)
    rounded = np.round(values.astype(np.float64), 4)
    counts = (rounded > 0).sum(axis=1).tolist()  # values are sorted, positives come first
    ids = inverse.reshape(n, top).tolist()
    shown = rounded.tolist()
    return [
        [
            {"feature": names[i], "contribution": c, "text_nb": texts_nb[i], "text_en": texts_en[i]}
            for i, c in zip(ids_row[:count], shown_row[:count], strict=True)
        ]
        for ids_row, shown_row, count in zip(ids, shown, counts, strict=True)
    ]


def _sentence(*, key: int, value: float) -> tuple[str, str]:
    """The (bokmål, English) reason for sentence key = feature index × 2 + (1 if high)."""
    spec = FEATURE_CATALOGUE[key >> 1]
    if key & 1:
        text_nb, text_en = spec.reason_high_nb, spec.reason_high_en
    else:
        text_nb, text_en = spec.reason_low_nb, spec.reason_low_en
    if "{value}" in text_nb or "{value}" in text_en:
        shown = _value_text(value, spec.value_format)
        text_nb, text_en = text_nb.replace("{value}", shown), text_en.replace("{value}", shown)
    return text_nb, text_en
