"""Training the residence-control risk model: one Pipeline from raw columns to a calibrated
probability, chosen among candidates on a time split, evaluated on an unbiased group.

Labels exist only for controlled applications, and most controls were picked by the old
rule, so the labelled set is biased towards what the rule looks at. What we do about it:
- evaluation and the choice between candidates use only RANDOM controls of a later year
  (an unbiased sample of that year's applications), each weighted by 1 / its selection
  probability when a stratified draw made those differ (control.ml.evaluation);
- training weighs each labelled application by 1 / selection_probability (inverse
  probability weighting), so the random share stands for the whole population and the
  rule's picks for the rule's stratum; other picks with no recorded probability get the
  weight of a certain pick (1). The weights are normalised to mean 1;
- tips are left out of training altogether: they select on the outcome itself;
- the rule selects on columns the model also sees, so P(cheater | features) is the same
  inside and outside the labelled set; the weights mainly fix the base rate and calibration.
"""

from __future__ import annotations

import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from control.ml import drift, evaluation, explanation, fairness, justification
from control.ml.features import FEATURE_NAMES, ApplicationFeatures, features_compute
from control.ml.history import history_attach
from control.ml.synthetic import old_rule_flags

SELECTION_SHARE = 0.25
CALIBRATION_SHARE = 0.2


@dataclass
class TrainingResult:
    """A trained pipeline and everything the model card shows about it."""

    pipeline: Pipeline
    algorithm: str
    features: list[str]
    train_years: list[int]
    test_year: int
    n_train: int
    n_test: int
    metrics: dict
    curves: dict
    baselines: dict
    global_importance: list[dict]
    fairness: dict
    comparison: dict
    library_versions: dict = field(default_factory=dict)
    justification: dict = field(default_factory=dict)
    drift: dict = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)


def _lightgbm_trees(random_state: int) -> object:
    import lightgbm as lgb

    # Trees of depth 3 capture interactions; their exact reasons come from TreeSHAP,
    # tabulated per tree (explanation.shallow_trees: about a sixth of pred_contrib's cost).
    return lgb.LGBMClassifier(
        n_estimators=250,
        learning_rate=0.05,
        num_leaves=8,
        max_depth=3,
        min_child_samples=40,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        reg_lambda=2.0,
        n_jobs=1,
        random_state=random_state,
        verbose=-1,
    )


def _explainable_boosting(random_state: int) -> object:
    from interpret.glassbox import ExplainableBoostingClassifier

    # A GA2M: one shape function per feature plus 10 pair terms found by the FAST
    # interaction search. Still exactly additive, term by term, so a pair term is one
    # reason naming both features. Four outer bags instead of 14 keep the fit within the
    # training budget on two cores.
    return ExplainableBoostingClassifier(
        feature_names=list(FEATURE_NAMES),
        interactions=10,
        outer_bags=4,
        n_jobs=2,
        random_state=random_state,
    )


def _lightgbm(random_state: int) -> object:
    import lightgbm as lgb

    # One split per tree: an additive model (a scorecard of step functions), whose exact
    # explanations cost one lookup per feature. Deeper trees gained ~0.01 AUC on the
    # validation year but made exact TreeSHAP for a million rows ~10x slower.
    return lgb.LGBMClassifier(
        n_estimators=400,
        learning_rate=0.08,
        num_leaves=2,
        max_depth=1,
        min_child_samples=40,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=1.0,
        reg_lambda=2.0,
        # One thread: on the shared 2-core machine OpenMP threads spin waiting for each
        # other and a fit took 10x longer with two (24 s against 2.4 s in bench runs).
        n_jobs=1,
        random_state=random_state,
        verbose=-1,
    )


def _logistic(random_state: int) -> Pipeline:
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=0.3, max_iter=2000, random_state=random_state)),
        ]
    )


# name → (builder, uses inverse-probability weights)
CANDIDATES: dict[str, tuple[Callable[[int], object], bool]] = {
    "explainable_boosting_pairs": (_explainable_boosting, False),
    "lightgbm_trees": (_lightgbm_trees, False),
    "lightgbm_additive": (_lightgbm, True),
    "lightgbm_additive_unweighted": (_lightgbm, False),
    "logistic_regression": (_logistic, True),
}
# Cost of exact reasons, cheapest first (docs/benchmarks.md: per million rows the stumps'
# and the regression's lookups take well under a second, the GA2M's term scores ~2 s,
# tabulated TreeSHAP for the depth-3 trees ~5-8 s): ties in recall go to the cheaper one.
# A fixed order, not a timing, so the choice does not depend on the machine's load.
REASONS_COST_RANK: dict[str, int] = {
    "logistic_regression": 0,
    "lightgbm_additive": 1,
    "lightgbm_additive_unweighted": 1,
    "explainable_boosting_pairs": 2,
    "lightgbm_trees": 3,
}
# Recall at 25 % within this of the best counts as a tie (on the validation years' random
# controls one cheater found more or less moves it by about 0.01, so this is an equal
# count, not a looser choice); a tie goes to the cheaper exact reasons.
RECALL_TIE = 0.005
# How each candidate's per-row reasons are exact (shown on the model card).
CANDIDATE_EXPLANATIONS: dict[str, str] = {
    "explainable_boosting_pairs": "term scores of the GA2M (10 pair terms), intercept as bias",
    "lightgbm_trees": "TreeSHAP (LightGBM pred_contrib), expected raw score as bias",
    "lightgbm_additive": "step function per feature (equals TreeSHAP), expected raw score as bias",
    "lightgbm_additive_unweighted": "step function per feature (equals TreeSHAP), expected raw score as bias",
    "logistic_regression": "coefficient × standardised value, intercept as bias",
}


def labels_and_weights(*, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """y (CAUGHT = 1) and inverse-probability weights (mean 1) for labelled rows."""
    y = (frame["control_outcome"].astype("string") == "CAUGHT").to_numpy(dtype=int)
    probability = pd.to_numeric(frame["selection_probability"], errors="coerce").to_numpy(dtype=float)
    weights = np.where(np.isnan(probability) | (probability <= 0), 1.0, 1.0 / np.clip(probability, 1e-3, 1))
    return y, weights / weights.mean()


def pipeline_fit(
    *, frame: pd.DataFrame, algorithm: str, random_state: int = 0, excluded: tuple[str, ...] = ()
) -> Pipeline:
    """Fits features → model → sigmoid calibration on labelled rows of `frame` (history
    attached). The model is fitted on 80%, the calibration on the other 20%, both weighted.
    Features in `excluded` are switched off (held constant, so unused)."""
    builder, weighted = CANDIDATES[algorithm]
    y, weights = labels_and_weights(frame=frame)
    if not weighted:
        weights = np.ones(len(y))
    if y.sum() < 10 or (y == 0).sum() < 10:
        raise ValueError(
            f"too few labelled outcomes to train: {int(y.sum())} caught and {int((y == 0).sum())} cleared "
            "(need at least 10 of each)"
        )
    features_step = ApplicationFeatures(excluded=tuple(excluded)).fit(frame)
    matrix = features_step.transform(frame)
    fit_index, calibration_index = train_test_split(
        np.arange(len(y)), test_size=CALIBRATION_SHARE, stratify=y, random_state=random_state
    )
    model = builder(random_state)
    step = "model__sample_weight" if isinstance(model, Pipeline) else "sample_weight"
    model.fit(matrix[fit_index], y[fit_index], **{step: weights[fit_index]})  # type: ignore[attr-defined]
    calibrated = CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid")
    with warnings.catch_warnings():
        # The frozen model is already fitted; the weights are meant for the calibration only.
        warnings.filterwarnings(
            "ignore", message="Since FrozenEstimator does not appear to accept sample_weight"
        )
        calibrated.fit(
            matrix[calibration_index], y[calibration_index], sample_weight=weights[calibration_index]
        )
    return Pipeline([("features", features_step), ("classifier", calibrated)])


def candidates_compare(
    *,
    fit_part: pd.DataFrame,
    validation: pd.DataFrame,
    y_validation: np.ndarray,
    validation_year: int,
    weights_validation: np.ndarray | None = None,
    random_state: int,
    excluded: tuple[str, ...],
    say: Callable[[str], None],
) -> dict:
    """Fits every candidate on `fit_part` and scores it on the validation year's random
    controls: recall at 25 % with its 95 % bootstrap interval, AUC, average precision,
    fit seconds and the cost of exact reasons per 100,000 rows, each control weighted by
    `weights_validation` (1 / selection probability) when a stratified draw made them
    differ. The winner has the highest
    recall at 25 %; candidates within RECALL_TIE of it tie, and a tie goes to the cheaper
    exact reasons (REASONS_COST_RANK), then the higher recall, then AUC."""
    rows: list[dict] = []
    features_validation: np.ndarray | None = None
    for name in CANDIDATES:
        say(f"comparing {name} on {validation_year}")
        started = time.perf_counter()
        candidate = pipeline_fit(frame=fit_part, algorithm=name, random_state=random_state, excluded=excluded)
        fit_seconds = time.perf_counter() - started
        if features_validation is None:
            features_validation = candidate.named_steps["features"].transform(validation)
        started = time.perf_counter()
        explanation.contributions_and_margin(pipeline=candidate, features=features_validation)
        explain_seconds = time.perf_counter() - started
        scores = _predict(candidate, validation)
        metrics = evaluation.metrics_compute(y=y_validation, scores=scores, weights=weights_validation)
        rows.append(
            {
                "name": name,
                "recall_at_25": metrics["recall_at_25"],
                "recall_at_25_ci": evaluation.recall_at_share_bootstrap(
                    y=y_validation,
                    scores=scores,
                    share=SELECTION_SHARE,
                    seed=random_state,
                    weights=weights_validation,
                ),
                "auc": metrics["auc"],
                "average_precision": metrics["average_precision"],
                "precision_at_25": metrics["precision_at_25"],
                "fit_seconds": round(fit_seconds, 2),
                "reasons_seconds_per_100k": round(explain_seconds * 100_000 / max(1, len(validation)), 2),
                "reasons": CANDIDATE_EXPLANATIONS[name],
                "weighted": CANDIDATES[name][1],
            }
        )
    ranked = sorted(rows, key=lambda row: (-np.nan_to_num(row["recall_at_25"]), -np.nan_to_num(row["auc"])))
    best = float(np.nan_to_num(ranked[0]["recall_at_25"]))
    tied = [row for row in ranked if np.nan_to_num(row["recall_at_25"]) >= best - RECALL_TIE]
    winner = min(tied, key=lambda row: REASONS_COST_RANK[row["name"]])
    ranked = [winner, *(row for row in ranked if row is not winner)]
    for row in rows:
        row["chosen"] = row["name"] == winner["name"]
    low, high = winner["recall_at_25_ci"]
    others = ", ".join(f"{row['name']} {row['recall_at_25']:.3f}" for row in ranked[1:])
    return {
        "validation_year": validation_year,
        "n_validation": len(y_validation),
        "positives_validation": int(np.sum(y_validation)),
        "selected_by": "recall_at_25",
        "tie_rule": f"within {RECALL_TIE} of the best recall: the cheapest exact reasons",
        "candidates": {row["name"]: row for row in rows},
        "winner": winner["name"],
        "why": (
            f"{winner['name']} found the largest share of cheaters when controlling 25 % of the "
            f"random controls of {validation_year}: recall {winner['recall_at_25']:.3f} "
            f"[{low:.3f}, {high:.3f}] (the others: {others})"
        ),
    }


def _age(frame: pd.DataFrame) -> np.ndarray:
    return features_compute(frame=frame)[:, FEATURE_NAMES.index("age")]


def _random_group(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["control_reason"].astype("string") == "RANDOM"]


def _predict(pipeline: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    return pipeline.predict_proba(frame)[:, 1]


def library_versions() -> dict[str, str]:
    """Versions of the libraries a pipeline artifact depends on."""
    import fairlearn
    import interpret
    import lightgbm
    import sklearn
    import skops

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "lightgbm": lightgbm.__version__,
        "interpret-core": interpret.__version__,
        "skops": skops.__version__,
        "fairlearn": fairlearn.__version__,
    }


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    controlled = pd.to_numeric(frame["controlled"], errors="coerce").fillna(0).astype(int) == 1
    outcome = frame["control_outcome"].astype("string").isin(["CAUGHT", "CLEARED"])
    return frame[controlled & outcome.fillna(False).to_numpy(dtype=bool)]


def risk_model_train(
    *,
    frame: pd.DataFrame,
    until_year: int | None = None,
    random_state: int = 0,
    excluded: tuple[str, ...] = (),
    justify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> TrainingResult:
    """Trains and evaluates the risk model on `frame` (applications of all years in the
    import format; history is attached here). The last labelled year <= until_year is held
    out; candidates are compared on the year before it (or on the held-out year when there
    is only one training year) by recall at 25 % and the winner is refitted on all earlier
    years. Features in `excluded` are switched off. `justify=False` skips the per-feature
    justification and the drift reference (the robustness test needs only the choice)."""

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    if until_year is not None:
        frame = frame[pd.to_numeric(frame["academic_year"]) <= until_year]
    frame = history_attach(frame=frame.reset_index(drop=True))
    labelled = _labelled(frame)
    years = sorted(int(y) for y in labelled["academic_year"].unique())
    if len(years) < 2:
        raise ValueError(
            "training needs controlled outcomes in at least two academic years (one to hold out), "
            f"found {years}"
        )
    test_year, train_years = years[-1], years[:-1]
    # Tips are left out of training: a tip is selection on the outcome itself (someone
    # knew), which no weight on the features can undo.
    not_tip = (labelled["control_reason"].astype("string") != "TIP").fillna(True).to_numpy(dtype=bool)
    train = labelled[labelled["academic_year"].isin(train_years).to_numpy() & not_tip]
    test = _random_group(labelled[labelled["academic_year"] == test_year])
    if len(test) == 0:
        raise ValueError(
            f"no RANDOM controls with an outcome in the held-out year {test_year}: "
            "nothing unbiased to test on"
        )

    # Choose the algorithm on a validation year, so the held-out year stays untouched.
    if len(train_years) >= 2:
        validation_year = train_years[-1]
        fit_part = train[train["academic_year"] < validation_year]
        validation = _random_group(train[train["academic_year"] == validation_year])
    else:
        validation_year, fit_part, validation = test_year, train, test
    # The random controls stand for their year weighted by 1 / selection probability: equal
    # weights for a plain random draw, unequal for a stratified one.
    y_validation, weights_validation = labels_and_weights(frame=validation)
    comparison = candidates_compare(
        fit_part=fit_part,
        validation=validation,
        y_validation=y_validation,
        validation_year=validation_year,
        weights_validation=weights_validation,
        random_state=random_state,
        excluded=excluded,
        say=say,
    )
    algorithm = comparison["winner"]

    say(f"training {algorithm} on {train_years}")
    pipeline = pipeline_fit(frame=train, algorithm=algorithm, random_state=random_state, excluded=excluded)
    say(f"evaluating on the random controls of {test_year}")
    y_test, weights_test = labels_and_weights(frame=test)
    scores = _predict(pipeline, test)
    report = evaluation.evaluation_report(y=y_test, scores=scores, seed=random_state, weights=weights_test)
    metrics = dict(report["metrics"])
    metrics["ci"] = report["ci"]
    metrics["weighted"] = report["weighted"]
    rule = old_rule_flags(frame=test.assign(age=_age(test)))
    baselines = evaluation.baselines_evaluate(
        y=y_test, rule_flags=rule, seed=random_state, weights=weights_test
    )

    say("explaining and auditing fairness")
    features_test = pipeline.named_steps["features"].transform(test)
    importance = explanation.global_importance_compute(pipeline=pipeline, features=features_test)
    year_all = frame[frame["academic_year"] == test_year]
    year_scores = _predict(pipeline, year_all)
    threshold_mask = evaluation.top_share_mask(scores=year_scores, share=SELECTION_SHARE)
    threshold = float(year_scores[threshold_mask].min()) if threshold_mask.any() else 1.0
    groups_all = _audit_groups(year_all)
    regions = groups_all.attrs["regions"]
    fairness_result = fairness.fairness_audit(
        groups_all=groups_all,
        selected_all=threshold_mask,
        groups_labelled=_audit_groups(test, regions=regions),
        selected_labelled=scores >= threshold,
        y_labelled=y_test,
        share=SELECTION_SHARE,
        scores_all=year_scores,
        weights_labelled=weights_test,
    )
    fairness_result["threshold"] = threshold
    justification_result: dict = {}
    drift_result: dict = {}
    if justify:
        justification_result, drift_result = _justify(
            pipeline=pipeline,
            features_test=features_test,
            y_test=y_test,
            weights_test=weights_test,
            train=train,
            year_all=year_all,
            year_scores=year_scores,
            groups_all=groups_all,
            importance=importance,
            random_state=random_state,
            say=say,
        )
    return TrainingResult(
        pipeline=pipeline,
        algorithm=algorithm,
        features=list(FEATURE_NAMES),
        train_years=train_years,
        test_year=test_year,
        n_train=len(train),
        n_test=len(test),
        metrics=metrics,
        curves={"gains": report["gains"], "calibration": report["calibration"]},
        baselines=baselines,
        global_importance=importance,
        fairness=fairness_result,
        comparison=comparison,
        library_versions=library_versions(),
        justification=justification_result,
        drift=drift_result,
        excluded=sorted(excluded),
    )


def _justify(
    *,
    pipeline: Pipeline,
    features_test: np.ndarray,
    y_test: np.ndarray,
    weights_test: np.ndarray,
    train: pd.DataFrame,
    year_all: pd.DataFrame,
    year_scores: np.ndarray,
    groups_all: pd.DataFrame,
    importance: list[dict],
    random_state: int,
    say: Callable[[str], None],
) -> tuple[dict, dict]:
    """Each feature's contribution against its disparity cost, and the drift reference."""
    say("weighing each feature's contribution against its disparity cost")
    justification_result = justification.justification_compute(
        pipeline=pipeline,
        features_labelled=features_test,
        y_labelled=y_test,
        weights_labelled=weights_test,
        features_all=pipeline.named_steps["features"].transform(year_all),
        groups_all=groups_all,
        share=SELECTION_SHARE,
        importance=_feature_importance(importance),
        seed=random_state,
    )
    # The training years' distributions, which every scoring run is compared with.
    reference = drift.drift_reference(
        features=pipeline.named_steps["features"].transform(train), scores=_predict(pipeline, train)
    )
    drift_result = {
        "reference": reference,
        "test_year": drift.drift_report(
            reference=reference,
            features=pipeline.named_steps["features"].transform(year_all),
            scores=year_scores,
        ),
    }
    return justification_result, drift_result


def _feature_importance(importance: list[dict]) -> dict[str, float]:
    """Global importance per feature, a pair term's share split between its two features."""
    per_feature: dict[str, float] = {}
    for item in importance:
        parts = item["feature"].split(" & ")
        for part in parts:
            per_feature[part] = per_feature.get(part, 0.0) + item["importance"] / len(parts)
    return per_feature


def _audit_groups(frame: pd.DataFrame, regions: list[str] | None = None) -> pd.DataFrame:
    """The audit attributes of each row: read here only, never by the model."""
    region, kept = fairness.study_region(study_municipality=frame["study_municipality"], keep=regions)
    groups = pd.DataFrame(
        {
            "gender": frame["gender"].astype(str).to_numpy(),
            "birth_country_group": frame["birth_country_group"].astype(str).to_numpy(),
            "age_band": fairness.age_band(age=_age(frame)),
            "study_region": region,
        }
    )
    groups.attrs["regions"] = kept
    return groups
