"""Why a score is what it is: exact per-term contributions and plain-language reasons.

Contributions are on the model's log-odds scale before calibration, and for every model
bias + the sum of the contributions equals the model's own log-odds exactly. A term is one
feature, or for explainable boosting (GA2M) also a pair of features: a pair term's
contribution is one reason naming both. Per model:
- explainable boosting (interpret's ExplainableBoostingClassifier): its own term scores
  (`eval_terms`), one column per main or pair term; the bias is its intercept;
- boosted trees: exact path-dependent TreeSHAP. For shallow trees (up to 7 internal
  nodes, e.g. depth 3) each tree's values are tabulated once for every combination of the
  ways a row can go at its nodes, so a row costs a comparison per node and a look-up per
  tree; equal to LightGBM's `pred_contrib=True` (a test checks it) at about a sixth of the
  cost. Deeper trees use `pred_contrib` itself;
- boosted stumps: per feature, the sum of its stumps' leaf values minus their
  cover-weighted means, a step function evaluated with one searchsorted per feature.
  This equals LightGBM's own TreeSHAP (pred_contrib=True; a test checks it) at a fraction
  of the cost, which is what makes reasons for a million rows fit the scoring budget;
- logistic regression: coefficient × standardised value.
The calibration step is monotone, so a term that raises the log-odds raises the score.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
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


def _is_ebm(model: object) -> bool:
    return hasattr(model, "term_features_") and hasattr(model, "eval_terms")


def model_terms(*, pipeline: Pipeline) -> list[tuple[int, ...]]:
    """The feature indices behind each contribution column: one feature per column, or
    two for an explainable-boosting pair term."""
    model = base_estimator(pipeline=pipeline)
    if _is_ebm(model):
        return [tuple(int(i) for i in term) for term in model.term_features_]  # type: ignore[attr-defined]
    return [(i,) for i in range(len(FEATURE_NAMES))]


def term_name(*, term: Sequence[int]) -> str:
    """`registered_with_parents` or, for a pair, `online_program & log_distance_study_km`."""
    return " & ".join(FEATURE_NAMES[i] for i in term)


def model_bias(*, pipeline: Pipeline, features: np.ndarray) -> np.ndarray:
    """The bias of each row: the model's log-odds minus the sum of its contributions
    (a constant for every supported model: intercept or expected raw score)."""
    contributions, margin = contributions_and_margin(pipeline=pipeline, features=features)
    return margin - contributions.astype(np.float64).sum(axis=1)


def model_log_odds(*, pipeline: Pipeline, features: np.ndarray) -> np.ndarray:
    """The uncalibrated model's own log-odds, computed by the model itself (not from the
    contributions): what bias + contributions must equal."""
    model = base_estimator(pipeline=pipeline)
    if _is_ebm(model) or isinstance(model, Pipeline):
        return np.asarray(model.decision_function(features), dtype=np.float64)  # type: ignore[attr-defined]
    return np.asarray(model.booster_.predict(features, raw_score=True), dtype=np.float64)  # type: ignore[attr-defined]


def contributions_and_margin(*, pipeline: Pipeline, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, n_terms) log-odds contributions of each term (see model_terms) for each row,
    and the raw log-odds (bias + contributions) the calibration step turns into a
    probability."""
    model = base_estimator(pipeline=pipeline)
    if _is_ebm(model):
        scores = np.asarray(model.eval_terms(features), dtype=np.float64)  # type: ignore[attr-defined]
        return scores.astype(np.float32), scores.sum(axis=1) + float(model.intercept_[0])  # type: ignore[attr-defined]
    if isinstance(model, Pipeline):  # scaler + logistic regression
        scaled = model[:-1].transform(features.astype(np.float64))
        contributions = np.asarray(scaled * model[-1].coef_[0], dtype=np.float64)
        return contributions.astype(np.float32), contributions.sum(axis=1) + float(model[-1].intercept_[0])
    terms = additive_terms(pipeline=pipeline)
    if terms is None:
        booster = model.booster_  # type: ignore[attr-defined]
        tabulated = _shallow_trees_cached(booster=booster)
        if tabulated is not None:
            contributions, margin = shallow_contributions(trees=tabulated, features=features)
            return contributions.astype(np.float32), margin
        full = booster.predict(features, pred_contrib=True)
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
    """Mean absolute contribution per term, as shares summing to 1, largest first; a pair
    term's label names both features."""
    contributions = contributions_compute(pipeline=pipeline, features=features)
    terms = model_terms(pipeline=pipeline)
    mean_abs = np.abs(contributions).mean(axis=0)
    total = float(mean_abs.sum()) or 1.0
    order = np.argsort(-mean_abs, kind="stable")
    return [
        {
            "feature": term_name(term=terms[i]),
            "importance": round(float(mean_abs[i] / total), 5),
            "label_nb": " × ".join(FEATURE_CATALOGUE[j].description_nb for j in terms[i]),
            "label_nn": " × ".join(FEATURE_CATALOGUE[j].description_nn for j in terms[i]),
            "label_en": " × ".join(FEATURE_CATALOGUE[j].description_en for j in terms[i]),
        }
        for i in order
    ]


# Which reason sentences show the feature's value, and the scale that value is shown at.
_SHOWS_VALUE = np.array(
    [
        any(
            "{value}" in t
            for t in (
                s.reason_high_nb,
                s.reason_high_nn,
                s.reason_high_en,
                s.reason_low_nb,
                s.reason_low_nn,
                s.reason_low_en,
            )
        )
        for s in FEATURE_CATALOGUE
    ]
)
_VALUE_SCALE = np.array([10.0 ** int(s.value_format[1:-1]) for s in FEATURE_CATALOGUE])
LANGUAGES = ("nb", "nn", "en")


def _value_text(value: float, value_format: str) -> str:
    return format(float(value), value_format)


def _sentence_codes(
    *, feature: np.ndarray, features: np.ndarray, medians: np.ndarray, binary: np.ndarray
) -> np.ndarray:
    """One integer per (row, slot) naming the sentence and the value it shows: feature
    index × 2 + (1 if high) in the upper bits, the quantised value in the lower 32; -1
    where the slot holds no feature (the second feature of a one-feature term)."""
    present = feature >= 0
    column = np.where(present, feature, 0)
    raw = np.take_along_axis(features, column, axis=1)
    use_high = np.where(binary[column], raw >= 0.5, raw > medians[column]).astype(np.int64)
    quantised = np.where(
        _SHOWS_VALUE[column], np.rint(raw.astype(np.float64) * _VALUE_SCALE[column]), 0
    ).astype(np.int64)
    codes = (column * 2 + use_high) * (1 << 32) + np.clip(quantised, -(1 << 30), 1 << 30) + (1 << 31)
    return np.where(present, codes, -1)


def _code_sentences(code: int) -> tuple[str, ...]:
    key = code >> 32
    value = ((code & ((1 << 32) - 1)) - (1 << 31)) / _VALUE_SCALE[key >> 1]
    return _sentence(key=int(key), value=float(value))


def _lower_first(text: str) -> str:
    # "Tar et nettstudium" → "tar et nettstudium", but an acronym keeps its capitals.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def reasons_render(
    *,
    contributions: np.ndarray,
    features: np.ndarray,
    medians: np.ndarray,
    binary: np.ndarray,
    top: int = 3,
    terms: Sequence[tuple[int, ...]] | None = None,
) -> list[list[dict]]:
    """Per row, up to `top` reasons (largest positive contributions first) as
    {"feature", "contribution", "text_nb", "text_nn", "text_en"}. `terms` names the
    feature(s) behind each contribution column (default: column j is feature j); a pair
    term gives one sentence naming both features, and "feature" is "a & b". Only terms
    pushing the risk UP are reasons; a row whose terms all pull it down gets none. Each
    feature's sentence is its "high" or "low" variant: for yes/no features (`binary`) yes
    or no, for the others the value against the training median."""
    n, width = contributions.shape
    if n == 0 or top <= 0:
        return [[] for _ in range(n)]
    if terms is None:
        terms = [(j,) for j in range(width)]
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
    first_feature = np.array([term[0] for term in terms], dtype=np.int64)
    second_feature = np.array([term[1] if len(term) > 1 else -1 for term in terms], dtype=np.int64)
    # Every (sentence, shown value) pair, and every pair of them, gets an id, vectorised;
    # the Python loop then only builds the dicts the contract asks for. Numpy scalar access
    # or formatting per row would cost more than the model itself.
    first = _sentence_codes(feature=first_feature[columns], features=features, medians=medians, binary=binary)
    second = _sentence_codes(
        feature=second_feature[columns], features=features, medians=medians, binary=binary
    )
    first_codes, first_inverse = np.unique(first.ravel(), return_inverse=True)
    second_codes, second_inverse = np.unique(second.ravel(), return_inverse=True)
    pair_codes, inverse = np.unique(
        first_inverse.astype(np.int64) * len(second_codes) + second_inverse, return_inverse=True
    )
    first_texts = [_code_sentences(int(code)) for code in first_codes.tolist()]
    second_texts = [_code_sentences(int(code)) if code >= 0 else None for code in second_codes.tolist()]
    names, texts = [], []
    for code in pair_codes.tolist():
        head = first_texts[code // len(second_codes)]
        tail = second_texts[code % len(second_codes)]
        head_feature = int(first_codes[code // len(second_codes)] >> 33)
        if tail is None:
            names.append(FEATURE_NAMES[head_feature])
            texts.append(head)
            continue
        tail_feature = int(second_codes[code % len(second_codes)] >> 33)
        names.append(f"{FEATURE_NAMES[head_feature]} & {FEATURE_NAMES[tail_feature]}")
        texts.append(
            (
                f"{head[0]}, og {_lower_first(tail[0])}",
                f"{head[1]}, og {_lower_first(tail[1])}",
                f"{head[2]}, and {_lower_first(tail[2])}",
            )
        )
    rounded = np.round(values.astype(np.float64), 4)
    counts = (rounded > 0).sum(axis=1).tolist()  # values are sorted, positives come first
    ids = inverse.reshape(n, top).tolist()
    shown = rounded.tolist()
    return [
        [
            {
                "feature": names[i],
                "contribution": c,
                "text_nb": texts[i][0],
                "text_nn": texts[i][1],
                "text_en": texts[i][2],
            }
            for i, c in zip(ids_row[:count], shown_row[:count], strict=True)
        ]
        for ids_row, shown_row, count in zip(ids, shown, counts, strict=True)
    ]


def _sentence(*, key: int, value: float) -> tuple[str, str, str]:
    """The (bokmål, nynorsk, English) reason for sentence key = feature index × 2 + (1 if
    high), with the value filled in where the sentence shows it."""
    spec = FEATURE_CATALOGUE[key >> 1]
    if key & 1:
        texts = (spec.reason_high_nb, spec.reason_high_nn, spec.reason_high_en)
    else:
        texts = (spec.reason_low_nb, spec.reason_low_nn, spec.reason_low_en)
    if any("{value}" in text for text in texts):
        shown = _value_text(value, spec.value_format)
        texts = tuple(text.replace("{value}", shown) for text in texts)  # type: ignore[assignment]
    return texts


# ------------------------------------------------- exact TreeSHAP for shallow trees
# A tree of depth d sends a row through at most 2**d - 1 internal nodes, and its
# path-dependent TreeSHAP values (what LightGBM's pred_contrib computes) depend on the row
# only through which way it would go at each of them. So per tree the values for every
# combination of ways are tabulated once (Shapley values over the tree's few features,
# from the tree's own conditional expectations), and a row costs one comparison per node
# and one table look-up per tree: the same numbers as pred_contrib (a test checks it), at a
# fraction of the cost for depth-3 trees.
SHALLOW_MAX_NODES = 7


@dataclass(frozen=True)
class ShallowTree:
    features: np.ndarray  # (n_nodes,) split feature of each internal node
    thresholds: np.ndarray  # (n_nodes,)
    default_left: np.ndarray  # (n_nodes,) bool: where a missing value goes
    missing: np.ndarray  # (n_nodes,) 0 none, 1 zero, 2 NaN (LightGBM's missing types)
    columns: np.ndarray  # (k,) the distinct features the tree uses
    table: np.ndarray  # (2**n_nodes, k) contributions for each combination of ways
    bias: float  # the tree's expected value


_SHALLOW_CACHE: dict[int, tuple[object, list[ShallowTree] | None]] = {}


def _shallow_trees_cached(*, booster: object) -> list[ShallowTree] | None:
    """shallow_trees of a booster, tabulated once per loaded model (a few kept)."""
    cached = _SHALLOW_CACHE.get(id(booster))
    if cached is not None and cached[0] is booster:
        return cached[1]
    if len(_SHALLOW_CACHE) >= 4:
        _SHALLOW_CACHE.pop(next(iter(_SHALLOW_CACHE)))
    trees = shallow_trees(booster=booster)
    _SHALLOW_CACHE[id(booster)] = (booster, trees)
    return trees


def _tree_nodes(node: dict, nodes: list[dict]) -> dict:
    """Numbers the internal nodes (pre-order) and returns a compact recursive form."""
    if "leaf_value" in node:
        return {"leaf": float(node["leaf_value"]), "count": float(node.get("leaf_count", 0.0))}
    index = len(nodes)
    nodes.append(node)
    return {
        "index": index,
        "feature": int(node["split_feature"]),
        "count": float(node["internal_count"]),
        "left": _tree_nodes(node["left_child"], nodes),
        "right": _tree_nodes(node["right_child"], nodes),
    }


def _expectations(tree: dict, known: frozenset[int], ways: np.ndarray) -> np.ndarray:
    """E[tree | the features in `known` as the row has them] for every combination of
    ways (ways[c, j] = the row goes left at internal node j): follow the row where the
    node's feature is known, else average the children by their data counts."""
    if "leaf" in tree:
        return np.full(len(ways), tree["leaf"])
    left = _expectations(tree["left"], known, ways)
    right = _expectations(tree["right"], known, ways)
    if tree["feature"] in known:
        return np.where(ways[:, tree["index"]], left, right)
    total = tree["left"]["count"] + tree["right"]["count"]
    if total <= 0:
        return (left + right) / 2
    return (tree["left"]["count"] * left + tree["right"]["count"] * right) / total


def shallow_tree_from_dump(*, structure: dict) -> ShallowTree | None:
    """The tabulated form of one LightGBM tree (dump_model), or None when it has more
    internal nodes than SHALLOW_MAX_NODES or a split that is not numerical."""
    nodes: list[dict] = []
    tree = _tree_nodes(structure, nodes)
    if len(nodes) > SHALLOW_MAX_NODES or any(n["decision_type"] != "<=" for n in nodes):
        return None
    n_nodes = len(nodes)
    columns = np.array(sorted({int(n["split_feature"]) for n in nodes}), dtype=np.int64)
    ways = ((np.arange(2**n_nodes)[:, None] >> np.arange(n_nodes)[None, :]) & 1).astype(bool)
    k = len(columns)
    values: dict[frozenset[int], np.ndarray] = {}
    for size in range(k + 1):
        for subset in itertools.combinations(columns.tolist(), size):
            values[frozenset(subset)] = _expectations(tree, frozenset(subset), ways)
    table = np.zeros((len(ways), k))
    for i, feature in enumerate(columns.tolist()):
        others = [c for c in columns.tolist() if c != feature]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in itertools.combinations(others, size):
                known = frozenset(subset)
                table[:, i] += weight * (values[known | {feature}] - values[known])
    missing_codes = {"None": 0, "Zero": 1, "NaN": 2}
    return ShallowTree(
        features=np.array([int(n["split_feature"]) for n in nodes], dtype=np.int64),
        thresholds=np.array([float(n["threshold"]) for n in nodes]),
        default_left=np.array([bool(n.get("default_left", True)) for n in nodes]),
        missing=np.array([missing_codes.get(str(n.get("missing_type", "None")), 0) for n in nodes]),
        columns=columns,
        table=table,
        bias=float(values[frozenset()][0]),
    )


def shallow_trees(*, booster: object) -> list[ShallowTree] | None:
    """Every tree of a LightGBM model in tabulated form, or None when one is too deep."""
    trees = []
    for info in booster.dump_model()["tree_info"]:  # type: ignore[attr-defined]
        structure = info["tree_structure"]
        if "leaf_value" in structure:
            trees.append(
                ShallowTree(
                    features=np.empty(0, dtype=np.int64),
                    thresholds=np.empty(0),
                    default_left=np.empty(0, dtype=bool),
                    missing=np.empty(0, dtype=np.int64),
                    columns=np.empty(0, dtype=np.int64),
                    table=np.zeros((1, 0)),
                    bias=float(structure["leaf_value"]),
                )
            )
            continue
        tree = shallow_tree_from_dump(structure=structure)
        if tree is None:
            return None
        trees.append(tree)
    return trees


def _goes_left(*, values: np.ndarray, threshold: float, default_left: bool, missing: int) -> np.ndarray:
    """LightGBM's numerical decision for one node (float64 values)."""
    nan = np.isnan(values)
    if missing != 2:
        values = np.where(nan, 0.0, values)
    left = values <= threshold
    if missing == 1:
        return np.where(np.abs(values) <= 1e-35, default_left, left)
    if missing == 2:
        return np.where(nan, default_left, left)
    return left


SHALLOW_CHUNK = 100_000


def shallow_contributions(*, trees: list[ShallowTree], features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, n_features) exact TreeSHAP contributions and the raw log-odds of a model of
    tabulated trees, in chunks of SHALLOW_CHUNK rows (bounded memory)."""
    if len(features) > SHALLOW_CHUNK:
        parts = [
            _shallow_chunk(trees=trees, features=features[start : start + SHALLOW_CHUNK])
            for start in range(0, len(features), SHALLOW_CHUNK)
        ]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    return _shallow_chunk(trees=trees, features=features)


def _shallow_chunk(*, trees: list[ShallowTree], features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = features.astype(np.float64)
    n = len(values)
    # One contiguous row per feature: each tree adds its table's column to a few of them.
    by_feature = np.zeros((features.shape[1], n), dtype=np.float64)
    bias = 0.0
    decisions: dict[tuple[int, float, bool, int], np.ndarray] = {}
    # A leaf's index has one bit per internal node; SHALLOW_MAX_NODES (7) bits fit a byte.
    index = np.empty(n, dtype=np.uint8)
    bit = np.empty(n, dtype=np.uint8)
    for tree in trees:
        bias += tree.bias
        if not len(tree.columns):
            continue
        index.fill(0)
        for j in range(len(tree.features)):
            key = (
                int(tree.features[j]),
                float(tree.thresholds[j]),
                bool(tree.default_left[j]),
                int(tree.missing[j]),
            )
            goes = decisions.get(key)
            if goes is None:
                goes = decisions[key] = _goes_left(
                    values=values[:, key[0]], threshold=key[1], default_left=key[2], missing=key[3]
                ).view(np.uint8)
            np.left_shift(goes, j, out=bit)
            index |= bit
        for i, column in enumerate(tree.columns.tolist()):
            by_feature[column] += np.ascontiguousarray(tree.table[:, i]).take(index)
    margin = by_feature.sum(axis=0) + bias
    return np.ascontiguousarray(by_feature.T), margin
