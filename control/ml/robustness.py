"""Is the model choice robust to the population? The chosen model against a plain learner.

A model choice made on one population proves little (a different generator found our
earlier model 3-7 points of recall below a plain gradient boosting). So the chosen model is
judged on several differently shaped synthetic populations against a plain
HistGradientBoostingClassifier on the raw columns, both trained on the same controlled
applications and both judged against the generator's truth for every application of the
held-out year (labels no agency has, which is why this runs on synthetic data only).

The populations below were frozen before any candidate was tuned on them and must not be
changed after seeing results (docs/control-model.md); add new ones instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

from control.ml import evaluation
from control.ml.features import age_on_august_1
from control.ml.history import history_attach
from control.ml.schema import IMPORT_COLUMNS, NON_FEATURE_COLUMNS
from control.ml.synthetic import PopulationShape, generate_population
from control.ml.training import CANDIDATES, pipeline_fit, risk_model_train

TOLERANCE = 0.01
YEARS = range(2014, 2019)


@dataclass(frozen=True)
class RobustnessPopulation:
    """One frozen population: its name, size, seed and shape."""

    name: str
    population: int
    seed: int
    shape: PopulationShape = field(default_factory=PopulationShape)


# Frozen before tuning (see the module docstring): never edit, only add.
ROBUSTNESS_POPULATIONS: tuple[RobustnessPopulation, ...] = (
    RobustnessPopulation("interactions", 25_000, 101, PopulationShape(interactions=1.0)),
    RobustnessPopulation(
        "rare_and_noisy", 25_000, 102, PopulationShape(base_rate_shift=-0.8, label_noise=0.1)
    ),
    RobustnessPopulation(
        "drifting_registration_rule", 25_000, 103, PopulationShape(drift=0.15, old_rule="registered_only")
    ),
    RobustnessPopulation(
        "few_random_distance_rule",
        25_000,
        104,
        PopulationShape(interactions=0.5, random_share=0.02, rule_share=0.12, old_rule="distance_only"),
    ),
)


def raw_columns(*, frame: pd.DataFrame) -> pd.DataFrame:
    """The import's raw columns a plain learner may see: no identity, audit or outcome
    column; age (from birth_date, as the features do) instead of the birth date; text
    columns as pandas categories."""
    kept = [c for c in IMPORT_COLUMNS if c not in NON_FEATURE_COLUMNS and c != "academic_year"]
    raw = frame[kept].assign(age=age_on_august_1(frame=frame))
    for column in raw.columns:
        if raw[column].dtype.kind not in "biuf":
            raw[column] = raw[column].astype("category")
    return raw


def plain_baseline_fit(*, train: pd.DataFrame, random_state: int = 0) -> HistGradientBoostingClassifier:
    """A plain HistGradientBoostingClassifier on the raw columns of the labelled rows of
    `train` (CAUGHT = 1): 300 iterations, no tuning, no weights."""
    y = (train["control_outcome"].astype("string") == "CAUGHT").to_numpy(dtype=int)
    model = HistGradientBoostingClassifier(
        max_iter=300, early_stopping=False, categorical_features="from_dtype", random_state=random_state
    )
    return model.fit(raw_columns(frame=train), y)


def training_rows(*, frame: pd.DataFrame, test_year: int) -> pd.DataFrame:
    """Controlled applications with an outcome before `test_year`, tips left out: what
    risk_model_train trains on (history attached by the caller)."""
    controlled = pd.to_numeric(frame["controlled"], errors="coerce").fillna(0) == 1
    outcome = frame["control_outcome"].astype("string").isin(["CAUGHT", "CLEARED"]).fillna(False)
    not_tip = (frame["control_reason"].astype("string") != "TIP").fillna(True)
    years = pd.to_numeric(frame["academic_year"]) < test_year
    return frame[(controlled & outcome & not_tip & years).to_numpy(dtype=bool)]


def robustness_judge(
    *,
    applications: pd.DataFrame,
    truth: pd.DataFrame,
    every_candidate: bool = False,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Trains the risk model as production does and the plain baseline on the same rows,
    then judges both by recall at 25 % against the truth of every application of the
    held-out year. With `every_candidate`, every candidate refitted on the training years
    is judged too (for the docs' table). Returns the figures and `passes`: the chosen
    model is at least the baseline minus TOLERANCE."""
    result = risk_model_train(frame=applications, random_state=random_state, justify=False, progress=progress)
    attached = history_attach(frame=applications.reset_index(drop=True))
    test_rows = attached[attached["academic_year"] == result.test_year]
    cheater = (
        truth.set_index("application_id").loc[test_rows["application_id"], "cheater"].to_numpy(dtype=int)
    )
    train_rows = training_rows(frame=attached, test_year=result.test_year)
    baseline = plain_baseline_fit(train=train_rows, random_state=random_state)
    baseline_scores = baseline.predict_proba(raw_columns(frame=test_rows))[:, 1]

    def judged(scores: np.ndarray) -> dict[str, float]:
        metrics = evaluation.metrics_compute(y=cheater, scores=scores, probabilities=False)
        return {"recall_at_25": round(metrics["recall_at_25"], 4), "auc": round(metrics["auc"], 4)}

    chosen = judged(result.pipeline.predict_proba(test_rows)[:, 1])
    plain = judged(baseline_scores)
    candidates: dict[str, dict[str, float]] = {}
    if every_candidate:
        for name in CANDIDATES:
            if name == result.algorithm:
                candidates[name] = chosen
                continue
            pipeline = pipeline_fit(frame=train_rows, algorithm=name, random_state=random_state)
            candidates[name] = judged(pipeline.predict_proba(test_rows)[:, 1])
    return {
        "chosen": result.algorithm,
        "test_year": result.test_year,
        "applications_judged": len(test_rows),
        "cheaters_judged": int(cheater.sum()),
        "chosen_model": chosen,
        "plain_hgb": plain,
        "candidates": candidates,
        "validation": {name: row["recall_at_25"] for name, row in result.comparison["candidates"].items()},
        "margin": round(chosen["recall_at_25"] - plain["recall_at_25"], 4),
        "passes": chosen["recall_at_25"] >= plain["recall_at_25"] - TOLERANCE,
    }


def robustness_population_judge(*, population: RobustnessPopulation, every_candidate: bool = False) -> dict:
    """Generates one frozen population (years 2014-2018) and judges it."""
    applications, truth = generate_population(
        population=population.population, years=YEARS, seed=population.seed, shape=population.shape
    )
    return {
        "population": population.name,
        **robustness_judge(applications=applications, truth=truth, every_candidate=every_candidate),
    }
