"""Fairness audit: who gets selected, who is found, who is bothered for nothing.

At the chosen selection share, per group of each audit attribute: selection rate (share
of the group's applications selected), recall (share of the group's cheaters found) and
false-alarm rate (share of the group's honest students selected, i.e. controlled though
innocent). Each metric's min/max ratio across groups is flagged when under 0.8 (the
"four-fifths" rule of thumb). Groups too small to say anything are listed but left out
of the ratios.

Selection rate is measured on every application of the year (it needs no label); recall
and false alarms on the random control group, the only unbiased labelled sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate

FLAG_BELOW = 0.8
MIN_GROUP_SIZE = 30
MIN_GROUP_POSITIVES = 5
TOP_REGIONS = 6
AGE_BANDS = ((0, 21, "<21"), (21, 25, "21-24"), (25, 30, "25-29"), (30, 200, "30+"))
ATTRIBUTES = ("gender", "birth_country_group", "age_band", "study_region")


def age_band(*, age: np.ndarray) -> np.ndarray:
    """Age on 1 August in the audit's bands."""
    labels = np.full(len(age), AGE_BANDS[-1][2], dtype=object)
    for low, high, label in AGE_BANDS:
        labels[(age >= low) & (age < high)] = label
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


def _ratio(values: pd.Series) -> float | None:
    values = values.dropna()
    if len(values) < 2 or values.max() <= 0:
        return None
    return round(float(values.min() / values.max()), 4)


def fairness_audit(
    *,
    groups_all: pd.DataFrame,
    selected_all: np.ndarray,
    groups_labelled: pd.DataFrame,
    selected_labelled: np.ndarray,
    y_labelled: np.ndarray,
    share: float,
) -> dict:
    """Per attribute (columns of the group frames): groups with n, selection_rate, recall,
    false_alarm_rate, positives; min/max ratio of each metric; flags for ratios < 0.8."""
    result: dict = {"share": share, "flag_below": FLAG_BELOW, "attributes": {}}
    y_labelled = np.asarray(y_labelled, dtype=int)
    for attribute in groups_all.columns:
        selection = MetricFrame(
            metrics={"selection_rate": selection_rate, "n": lambda yt, yp: len(yt)},
            y_true=np.zeros(len(selected_all), dtype=int),
            y_pred=np.asarray(selected_all, dtype=int),
            sensitive_features=groups_all[attribute].to_numpy(),
        ).by_group
        labelled = MetricFrame(
            metrics={
                "recall": lambda yt, yp: true_positive_rate(yt, yp) if yt.sum() else np.nan,
                "false_alarm_rate": lambda yt, yp: false_positive_rate(yt, yp) if (yt == 0).any() else np.nan,
                "n_labelled": lambda yt, yp: len(yt),
                "positives": lambda yt, yp: int(yt.sum()),
            },
            y_true=y_labelled,
            y_pred=np.asarray(selected_labelled, dtype=int),
            sensitive_features=groups_labelled[attribute].to_numpy(),
        ).by_group
        table = selection.join(labelled, how="left")
        groups = []
        for group, row in table.iterrows():
            n_labelled = int(row["n_labelled"]) if pd.notna(row["n_labelled"]) else 0
            positives = int(row["positives"]) if pd.notna(row["positives"]) else 0
            groups.append(
                {
                    "group": str(group),
                    "n": int(row["n"]),
                    "n_labelled": n_labelled,
                    "positives": positives,
                    "selection_rate": round(float(row["selection_rate"]), 4),
                    "recall": None if pd.isna(row["recall"]) else round(float(row["recall"]), 4),
                    "false_alarm_rate": None
                    if pd.isna(row["false_alarm_rate"])
                    else round(float(row["false_alarm_rate"]), 4),
                    "too_small": bool(row["n"] < MIN_GROUP_SIZE or positives < MIN_GROUP_POSITIVES),
                }
            )
        frame = pd.DataFrame(groups)
        sized = frame[frame["n"] >= MIN_GROUP_SIZE]
        labelled_ok = frame[
            (frame["n_labelled"] >= MIN_GROUP_SIZE) & (frame["positives"] >= MIN_GROUP_POSITIVES)
        ]
        ratios = {
            "selection_rate": _ratio(sized["selection_rate"]),
            "recall": _ratio(labelled_ok["recall"].astype(float)),
            "false_alarm_rate": _ratio(
                frame[frame["n_labelled"] >= MIN_GROUP_SIZE]["false_alarm_rate"].astype(float)
            ),
        }
        flags = [metric for metric, ratio in ratios.items() if ratio is not None and ratio < FLAG_BELOW]
        result["attributes"][attribute] = {"groups": groups, "ratios": ratios, "flags": flags}
    return result
