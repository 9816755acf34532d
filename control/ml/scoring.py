"""Scoring applications with a trained pipeline: calibrated probability and top reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from control.ml.explanation import (
    contributions_and_margin,
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
    features_step = pipeline.named_steps["features"]
    matrix = features_step.transform(attached)
    # One pass through the model gives both the reasons and the raw score.
    contributions, margin = contributions_and_margin(pipeline=pipeline, features=matrix)
    scores = probability_from_margin(pipeline=pipeline, margin=margin)
    if scores is None:
        scores = pipeline.named_steps["classifier"].predict_proba(matrix)[:, 1]
    reasons: list[list[dict]]
    if top_reasons > 0:
        reasons = reasons_render(
            contributions=contributions,
            features=matrix,
            medians=features_step.medians_,
            binary=features_step.binary_,
            top=top_reasons,
            terms=model_terms(pipeline=pipeline),
        )
    else:
        reasons = [[] for _ in range(len(matrix))]
    scored = pd.DataFrame(
        {
            "application_id": attached["application_id"].to_numpy(),
            "score": np.asarray(scores, dtype=float),
            "reasons": reasons,
        }
    )
    return scored, matrix
