"""Fairness audit: who gets selected, who is found, who is bothered for nothing.

At the chosen selection share, per group of each audit attribute (and of two intersections:
gender × birth-country group, age band × birth-country group): selection rate (share of
the group's applications selected), recall (share of the group's cheaters found),
false-alarm rate (share of the group's honest students selected, i.e. controlled though
innocent) and honest students asked to document per cheater found. Each metric's min/max
ratio across groups gets a 95 % interval (Katz's log method for a ratio of two
proportions); the ratio is flagged only when its whole interval lies below 0.8 (the
"four-fifths" rule of thumb), "ok" when the whole interval lies at or above it, and
otherwise "too few to say". Groups too small to say anything are listed but left out.

Selection rate is measured on every application of the year (it needs no label); recall
and false alarms on the random control group, the only unbiased labelled sample. When a
stratified draw gave its controls different selection probabilities, recall, false alarms
and honest per cheater are weighted (Hájek) shares with each control counted 1 / its
probability, and their ratio intervals use the Kish effective sizes (evaluation.
weighted_rate); the counts shown stay the controls'. The groups, sizes and the 0.8 come
from control/ml/schema.py, shared with the campaign insight.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from control.ml.evaluation import case_weights, weighted_rate
from control.ml.schema import (
    AGE_BANDS,
    FAIRNESS_FLAG_RATIO,
    GROUP_MIN_POSITIVES,
    GROUP_MIN_SIZE,
)

FLAG_BELOW = FAIRNESS_FLAG_RATIO
MIN_GROUP_SIZE = GROUP_MIN_SIZE
MIN_GROUP_POSITIVES = GROUP_MIN_POSITIVES
TOP_REGIONS = 6
ATTRIBUTES = ("gender", "birth_country_group", "age_band", "study_region")
INTERSECTIONS = (("gender", "birth_country_group"), ("age_band", "birth_country_group"))
Z = 1.959964


def age_band(*, age: np.ndarray) -> np.ndarray:
    """Age on 1 August → the audit band's code (schema.AGE_BANDS)."""
    age = np.asarray(age, dtype=float)
    labels = np.full(len(age), AGE_BANDS[-1].code, dtype=object)
    for band in AGE_BANDS:
        labels[(age >= band.low) & (age < band.high)] = band.code
    return labels


def study_region(
    *, study_municipality: pd.Series, keep: list[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """County (first two digits of the kommunenummer); counties outside the `keep` list
    (by default the TOP_REGIONS largest) become "other", so no group is tiny."""
    county = study_municipality.astype(str).str[:2].to_numpy(dtype=object)
    if keep is None:
        keep = list(pd.Series(county).value_counts().index[:TOP_REGIONS])
    return np.where(np.isin(county, keep), county, "other"), keep


def with_intersections(*, groups: pd.DataFrame) -> pd.DataFrame:
    """`groups` plus one column per intersection, coded "a|b"."""
    extra = {
        f"{a}_x_{b}": groups[a].astype(str) + "|" + groups[b].astype(str)
        for a, b in INTERSECTIONS
        if a in groups.columns and b in groups.columns
    }
    return groups.assign(**extra)


def ratio_interval(
    *, low_hits: float, low_n: float, high_hits: float, high_n: float
) -> tuple[float | None, list[float] | None]:
    """(lowest rate / highest rate, its 95 % interval) by Katz's log method; None when a
    rate is 0 or a group empty. 0.5 is added to zero counts for the interval only. The
    counts may be effective ones (a weighted rate × its Kish size)."""
    if low_n <= 0 or high_n <= 0 or high_hits <= 0:
        return None, None
    p_low, p_high = low_hits / low_n, high_hits / high_n
    ratio = p_low / p_high
    a, b = max(low_hits, 0.5), max(high_hits, 0.5)
    se = math.sqrt(max(1 / a - 1 / low_n, 0) + max(1 / b - 1 / high_n, 0))
    centre = math.log(max(a / low_n, 1e-12) / (b / high_n))
    return ratio, [math.exp(centre - Z * se), min(1.0, math.exp(centre + Z * se))]


def ratio_status(*, interval: list[float] | None) -> str:
    """flagged (whole interval below 0.8), ok (whole interval at or above) or too_few_to_say."""
    if interval is None:
        return "too_few_to_say"
    if interval[1] < FLAG_BELOW:
        return "flagged"
    if interval[0] >= FLAG_BELOW:
        return "ok"
    return "too_few_to_say"


def _metric_ratio(
    groups: list[dict],
    hits: str,
    total: str,
    rate: str,
    eligible: str,
    effective: dict[str, tuple[float, float]] | None = None,
) -> dict:
    """The min/max ratio of `rate` over the eligible groups with its interval, from the
    groups' `hits` of `total` or, given `effective` (group -> effective hits and size), from
    those."""
    usable = [g for g in groups if g[eligible] and g[rate] is not None]
    if len(usable) < 2:
        return {"value": None, "ci": None, "status": "too_few_to_say", "low": None, "high": None}
    low = min(usable, key=lambda g: g[rate])
    high = max(usable, key=lambda g: g[rate])
    if effective is None:
        (low_hits, low_n), (high_hits, high_n) = (low[hits], low[total]), (high[hits], high[total])
    else:
        (low_hits, low_n), (high_hits, high_n) = effective[low["group"]], effective[high["group"]]
    value, interval = ratio_interval(low_hits=low_hits, low_n=low_n, high_hits=high_hits, high_n=high_n)
    return {
        "value": None if value is None else round(value, 4),
        "ci": None if interval is None else [round(interval[0], 4), round(interval[1], 4)],
        "status": ratio_status(interval=interval),
        "low": low["group"],
        "high": high["group"],
    }


def fairness_audit(
    *,
    groups_all: pd.DataFrame,
    selected_all: np.ndarray,
    groups_labelled: pd.DataFrame,
    selected_labelled: np.ndarray,
    y_labelled: np.ndarray,
    share: float,
    scores_all: np.ndarray | None = None,
    weights_labelled: np.ndarray | None = None,
) -> dict:
    """Per attribute (columns of the group frames, intersections added here): groups with
    n, selection_rate, recall, false_alarm_rate, honest_per_cheater (random controls,
    weighted by `weights_labelled` when those differ) and, given calibrated `scores_all`,
    expected_honest_per_cheater among the selected; per metric the min/max ratio with its
    interval and status; `flags` = metrics flagged."""
    result: dict = {
        "share": share,
        "flag_below": FLAG_BELOW,
        "min_group_size": MIN_GROUP_SIZE,
        "min_group_positives": MIN_GROUP_POSITIVES,
        "attributes": {},
    }
    groups_all = with_intersections(groups=groups_all)
    groups_labelled = with_intersections(groups=groups_labelled)
    y = np.asarray(y_labelled, dtype=int)
    chosen_all = np.asarray(selected_all, dtype=bool)
    chosen = np.asarray(selected_labelled, dtype=bool)
    w = case_weights(weights=weights_labelled, n=len(y))
    result["weighted"] = w is not None
    probability = None if scores_all is None else np.asarray(scores_all, dtype=float)
    for attribute in groups_all.columns:
        values_all = groups_all[attribute].astype(str).to_numpy()
        values_labelled = groups_labelled[attribute].astype(str).to_numpy()
        groups = []
        recall_effective: dict[str, tuple[float, float]] = {}
        false_alarm_effective: dict[str, tuple[float, float]] = {}
        for group in sorted(set(values_all) | set(values_labelled)):
            in_all = values_all == group
            in_labelled = values_labelled == group
            n, n_selected = int(in_all.sum()), int(chosen_all[in_all].sum())
            positives = int(y[in_labelled].sum())
            negatives = int(in_labelled.sum()) - positives
            found = int((chosen & in_labelled & (y == 1)).sum())
            false_alarms = int((chosen & in_labelled & (y == 0)).sum())
            expected = None
            if probability is not None and n_selected:
                p = probability[in_all & chosen_all]
                expected = round(float((1 - p).sum() / max(p.sum(), 1e-9)), 2)
            recall = round(found / positives, 4) if positives else None
            false_alarm_rate = round(false_alarms / negatives, 4) if negatives else None
            honest_per_cheater = round(false_alarms / found, 2) if found else None
            recall_effective[group] = (found, positives)
            false_alarm_effective[group] = (false_alarms, negatives)
            if w is not None:
                cheaters, honest = in_labelled & (y == 1), in_labelled & (y == 0)
                if positives:
                    rate, size = weighted_rate(hits=chosen[cheaters], probabilities=1 / w[cheaters])
                    recall, recall_effective[group] = round(rate, 4), (rate * size, size)
                if negatives:
                    rate, size = weighted_rate(hits=chosen[honest], probabilities=1 / w[honest])
                    false_alarm_rate, false_alarm_effective[group] = round(rate, 4), (rate * size, size)
                if found:
                    honest_per_cheater = round(
                        float(w[chosen & honest].sum() / w[chosen & cheaters].sum()), 2
                    )
            groups.append(
                {
                    "group": group,
                    "n": n,
                    "selected": n_selected,
                    "n_labelled": int(in_labelled.sum()),
                    "positives": positives,
                    "found": found,
                    "false_alarms": false_alarms,
                    "selection_rate": round(n_selected / n, 4) if n else 0.0,
                    "recall": recall,
                    "false_alarm_rate": false_alarm_rate,
                    "honest_per_cheater": honest_per_cheater,
                    "expected_honest_per_cheater": expected,
                    "sized": n >= MIN_GROUP_SIZE,
                    "labelled_sized": int(in_labelled.sum()) >= MIN_GROUP_SIZE,
                    "recall_sized": int(in_labelled.sum()) >= MIN_GROUP_SIZE
                    and positives >= MIN_GROUP_POSITIVES,
                    "too_small": bool(n < MIN_GROUP_SIZE or positives < MIN_GROUP_POSITIVES),
                }
            )
        ratios = {
            "selection_rate": _metric_ratio(groups, "selected", "n", "selection_rate", "sized"),
            "recall": _metric_ratio(
                groups,
                "found",
                "positives",
                "recall",
                "recall_sized",
                effective=None if w is None else recall_effective,
            ),
            "false_alarm_rate": _false_alarm_ratio(
                groups, effective=None if w is None else false_alarm_effective
            ),
        }
        flags = [metric for metric, ratio in ratios.items() if ratio["status"] == "flagged"]
        result["attributes"][attribute] = {
            "groups": groups,
            "ratios": {metric: ratio["value"] for metric, ratio in ratios.items()},
            "ratio_details": ratios,
            "flags": flags,
            "intersection": "_x_" in attribute,
        }
    return result


def _false_alarm_ratio(groups: list[dict], effective: dict[str, tuple[float, float]] | None = None) -> dict:
    with_negatives = [{**g, "_negatives": g["n_labelled"] - g["positives"]} for g in groups]
    return _metric_ratio(
        with_negatives,
        "false_alarms",
        "_negatives",
        "false_alarm_rate",
        "labelled_sized",
        effective=effective,
    )
