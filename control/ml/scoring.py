"""Scoring applications with a trained pipeline: calibrated probability and top reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from control.ml.explanation import (
    contributions_and_margin,
    model_log_odds,
    model_terms,
    probability_from_margin,
    reasons_render,
)
from control.ml.history import history_attach


def score_frame(
    *, pipeline: Pipeline, frame: pd.DataFrame, history: pd.DataFrame | None = None, top_reasons: int = 3
) -> pd.DataFrame:
    """score_frame_with_features without the feature matrix."""
    return score_frame_with_features(
        pipeline=pipeline, frame=frame, history=history, top_reasons=top_reasons
    )[0]


def score_frame_with_features(
    *, pipeline: Pipeline, frame: pd.DataFrame, history: pd.DataFrame | None = None, top_reasons: int = 3
) -> tuple[pd.DataFrame, np.ndarray]:
    """Columns application_id, score (calibrated probability), reasons (list of
    {"feature", "contribution", "text_nb", "text_nn", "text_en"}, only terms raising the
    risk; a pair term's "feature" is "a & b" and its sentence names both),
    in input order. `history` holds earlier years' applications of the same customers
    (for the prev_* inputs); rows already in `frame` count as history too. Vectorised:
    one pass through the pipeline for all rows. Also returns the feature matrix (for the
    drift counts of a scoring run)."""
    if len(frame) == 0:
        empty = pd.DataFrame({"application_id": [], "score": [], "reasons": []})
        return empty, np.empty((0, 0), dtype=np.float32)
    attached = history_attach(frame=frame.reset_index(drop=True), history=history)
    matrix = pipeline.named_steps["features"].transform(attached)
    if top_reasons > 0:
        scores, reasons = score_features(pipeline=pipeline, features=matrix, top_reasons=top_reasons)
    else:
        # Scores only: the model's own log-odds, no per-term contributions (for boosted
        # trees TreeSHAP costs ~20 times the prediction).
        margin = model_log_odds(pipeline=pipeline, features=matrix)
        scores = _calibrated(pipeline=pipeline, features=matrix, margin=margin)
        reasons = [[] for _ in range(len(matrix))]
    scored = pd.DataFrame(
        {
            "application_id": attached["application_id"].to_numpy(),
            "score": np.asarray(scores, dtype=float),
            "reasons": reasons,
        }
    )
    return scored, matrix


def _calibrated(*, pipeline: Pipeline, features: np.ndarray, margin: np.ndarray) -> np.ndarray:
    scores = probability_from_margin(pipeline=pipeline, margin=margin)
    if scores is None:
        scores = pipeline.named_steps["classifier"].predict_proba(features)[:, 1]
    return scores


def score_features(
    *, pipeline: Pipeline, features: np.ndarray, top_reasons: int = 3
) -> tuple[np.ndarray, list[list[dict]]]:
    """Calibrated scores and the top reasons of rows whose feature matrix is already
    computed: one pass through the model gives both the exact contributions and the raw
    score (bias + contributions)."""
    features_step = pipeline.named_steps["features"]
    contributions, margin = contributions_and_margin(pipeline=pipeline, features=features)
    reasons = reasons_render(
        contributions=contributions,
        features=features,
        medians=features_step.medians_,
        binary=features_step.binary_,
        top=top_reasons,
        terms=model_terms(pipeline=pipeline),
    )
    return _calibrated(pipeline=pipeline, features=features, margin=margin), reasons
