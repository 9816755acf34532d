"""What each feature adds against what it costs in group disparity (permutation).

The Dutch student-finance agency's risk criteria were found discriminatory because they
had no objective justification. So every feature is weighed here: what the model loses
when the feature's values are shuffled (permutation: recall at 25 % and AUC on the held-out
year's random controls) against how much the shuffle changes the selection-rate ratio
(lowest group / highest group) of each audit attribute. A feature whose disparity cost
(the rise in the ratio without it, in ratio points) exceeds its contribution (the recall it
adds, in recall points) is flagged for a person to decide; the modeller can switch it off
and train a new version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from control.ml import evaluation
from control.ml.explanation import model_log_odds
from control.ml.features import FEATURE_CATALOGUE
from control.ml.schema import GROUP_MIN_SIZE

# Rows of the scored year used for the selection rates (a random subset: the ratios are
# stable at this size and the permutations stay within the training budget).
SELECTION_SAMPLE = 20_000
# A flag needs a cost above noise: a shuffle moves ratios by a point or so on its own.
MIN_FLAGGED_COST = 0.02


def selection_ratio(*, scores: np.ndarray, groups: np.ndarray, share: float) -> float | None:
    """Lowest / highest selection rate across the groups with at least GROUP_MIN_SIZE rows
    when the top `share` of `scores` is selected (None with fewer than two such groups)."""
    selected = evaluation.top_share_mask(scores=scores, share=share)
    frame = pd.DataFrame({"group": groups, "selected": selected})
    rates = frame.groupby("group", observed=True)["selected"].agg(["mean", "size"])
    rates = rates[rates["size"] >= GROUP_MIN_SIZE]["mean"]
    if len(rates) < 2 or rates.max() <= 0:
        return None
    return float(rates.min() / rates.max())


def justification_compute(
    *,
    pipeline: Pipeline,
    features_labelled: np.ndarray,
    y_labelled: np.ndarray,
    features_all: np.ndarray,
    groups_all: pd.DataFrame,
    share: float,
    importance: dict[str, float],
    seed: int = 0,
    weights_labelled: np.ndarray | None = None,
) -> dict:
    """Per feature the model uses (importance > 0): recall_at_25 and AUC lost when it is
    shuffled, the change in selection-rate ratio per audit attribute, its written
    justification, and `flagged` when the largest disparity cost exceeds the recall it
    adds. Features the model does not use are listed as unused. The labelled rows count
    with `weights_labelled` (1 / selection probability) in recall and AUC."""
    rng = np.random.default_rng(seed)
    if len(features_all) > SELECTION_SAMPLE:
        keep = rng.choice(len(features_all), size=SELECTION_SAMPLE, replace=False)
        features_all, groups_all = features_all[keep], groups_all.iloc[keep].reset_index(drop=True)
    y_labelled = np.asarray(y_labelled, dtype=int)
    base_scores = model_log_odds(pipeline=pipeline, features=features_labelled)
    base_recall = evaluation.metrics_compute(
        y=y_labelled, scores=base_scores, probabilities=False, weights=weights_labelled
    )
    base_all = model_log_odds(pipeline=pipeline, features=features_all)
    attributes = list(groups_all.columns)
    base_ratios = {
        a: selection_ratio(scores=base_all, groups=groups_all[a].to_numpy(), share=share) for a in attributes
    }
    both = 0 < y_labelled.sum() < len(y_labelled)
    rows = []
    for j, spec in enumerate(FEATURE_CATALOGUE):
        used = importance.get(spec.name, 0.0) > 0
        row: dict = {
            "feature": spec.name,
            "label_nb": spec.description_nb,
            "label_nn": spec.description_nn,
            "label_en": spec.description_en,
            "justification": spec.justification,
            "used": used,
            "importance": importance.get(spec.name, 0.0),
        }
        if not used:
            rows.append({**row, "flagged": False})
            continue
        shuffled = features_labelled.copy()
        shuffled[:, j] = rng.permutation(shuffled[:, j])
        scores = model_log_odds(pipeline=pipeline, features=shuffled)
        metrics = evaluation.metrics_compute(
            y=y_labelled, scores=scores, probabilities=False, weights=weights_labelled
        )
        shuffled_all = features_all.copy()
        shuffled_all[:, j] = rng.permutation(shuffled_all[:, j])
        scores_all = model_log_odds(pipeline=pipeline, features=shuffled_all)
        disparity = {}
        for attribute in attributes:
            ratio = selection_ratio(scores=scores_all, groups=groups_all[attribute].to_numpy(), share=share)
            before = base_ratios[attribute]
            # Positive: without the feature the groups are selected more evenly, i.e. the
            # feature costs that much of the ratio.
            disparity[attribute] = None if ratio is None or before is None else round(ratio - before, 4)
        recall_gain = base_recall["recall_at_25"] - metrics["recall_at_25"]
        auc_gain = (base_recall["auc"] - metrics["auc"]) if both else float("nan")
        cost = max((v for v in disparity.values() if v is not None), default=0.0)
        rows.append(
            {
                **row,
                "recall_at_25_gain": round(float(recall_gain), 4),
                "auc_gain": round(float(auc_gain), 4),
                "disparity_cost": disparity,
                "max_disparity_cost": round(float(cost), 4),
                "flagged": bool(cost > MIN_FLAGGED_COST and cost > recall_gain),
            }
        )
    rows.sort(key=lambda r: (not r["used"], -r.get("recall_at_25_gain", 0.0)))
    return {
        "method": "permutation",
        "share": share,
        "base_ratios": {a: None if r is None else round(r, 4) for a, r in base_ratios.items()},
        "features": rows,
        "flagged": [r["feature"] for r in rows if r["flagged"]],
    }
