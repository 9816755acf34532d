"""Attach last year's raw columns of the same customer to each application.

This assembles raw inputs (prev_* columns, as the registers had them a year ago); every
derived feature, such as "moved away from the parents since last year", is computed
inside the Pipeline (features.py) so training and scoring share one definition.
"""

from __future__ import annotations

import pandas as pd

# Raw columns carried from the previous academic year, as prev_<column>.
HISTORY_COLUMNS: tuple[str, ...] = (
    "registered_same_address_as_parent",
    "student_municipality",
    "study_municipality",
    "distance_parent_km",
    "persons_at_address",
    "housing_type",
    "phone_shared_with_parent",
    "bank_account_shared_with_parent",
    "wealth",
    "controlled",
    "control_outcome",
)
PREVIOUS_COLUMNS: tuple[str, ...] = tuple(f"prev_{column}" for column in HISTORY_COLUMNS)
_KEYS = ["customer_id", "academic_year"]


def history_attach(*, frame: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Adds prev_* raw columns from the same customer's previous academic year (found in
    `frame` itself or in `history`). Rows with no previous year get empty prev_* cells.
    Returns a new frame in the input order; `frame` is not modified."""
    missing = [c for c in (*_KEYS, *HISTORY_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"history_attach: frame lacks the column(s) {', '.join(missing)}")
    sources = [frame[[*_KEYS, *HISTORY_COLUMNS]]]
    if history is not None and len(history):
        missing = [c for c in (*_KEYS, *HISTORY_COLUMNS) if c not in history.columns]
        if missing:
            raise ValueError(f"history_attach: history lacks the column(s) {', '.join(missing)}")
        sources.append(history[[*_KEYS, *HISTORY_COLUMNS]])
    previous = pd.concat(sources, ignore_index=True)
    # The same application may be both in frame and history: the frame's copy wins.
    previous = previous.drop_duplicates(subset=_KEYS, keep="first")
    previous = previous.assign(academic_year=previous["academic_year"].astype("int64") + 1)
    previous = previous.rename(columns={c: f"prev_{c}" for c in HISTORY_COLUMNS})
    base = frame.drop(columns=[c for c in PREVIOUS_COLUMNS if c in frame.columns])
    keys = base[_KEYS].assign(academic_year=base["academic_year"].astype("int64"))
    joined = keys.merge(previous, on=_KEYS, how="left", sort=False)
    result = base.copy()
    for column in PREVIOUS_COLUMNS:
        result[column] = joined[column].to_numpy()
    return result
