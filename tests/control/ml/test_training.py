import numpy as np
import pytest

from control.ml.features import FEATURE_NAMES
from control.ml.training import REASONS_COST_RANK, RECALL_TIE, risk_model_train


def test_it_holds_out_the_last_labelled_year_and_reports_metrics_with_intervals(trained):
    assert trained.train_years == [2015, 2016, 2017]
    assert trained.test_year == 2018
    assert trained.n_test > 0 and trained.n_train > trained.n_test
    assert trained.features == FEATURE_NAMES
    for name in (
        "auc",
        "average_precision",
        "recall_at_25",
        "precision_at_25",
        "lift_at_25",
        "brier",
        "recall_at_10",
        "recall_at_50",
    ):
        low, high = trained.metrics["ci"][name]
        assert low <= trained.metrics[name] <= high, name
    assert 0 <= trained.metrics["brier"] <= 1
    assert trained.curves["gains"][0] == [0.0, 0.0] and trained.curves["gains"][-1] == [1.0, 1.0]
    assert all(len(point) == 3 for point in trained.curves["calibration"])


def test_it_beats_the_old_rule_and_random_selection_on_the_same_group(trained):
    assert trained.metrics["auc"] > trained.baselines["old_rule"]["metrics"]["auc"]
    assert trained.metrics["auc"] > trained.baselines["random"]["metrics"]["auc"] == 0.5
    assert trained.metrics["recall_at_25"] > trained.baselines["random"]["metrics"]["recall_at_25"]


def test_it_compares_candidates_and_says_why_the_winner_won(trained):
    assert set(trained.comparison["candidates"]) >= {
        "explainable_boosting_pairs",
        "lightgbm_trees",
        "lightgbm_additive",
        "logistic_regression",
    }
    chosen = trained.comparison["candidates"][trained.algorithm]
    candidates = trained.comparison["candidates"].values()
    best = max(row["recall_at_25"] for row in candidates)
    assert chosen["chosen"] and chosen["recall_at_25"] >= best - RECALL_TIE
    # Of the candidates that tie with the best, none has cheaper exact reasons.
    tied = [row for row in candidates if row["recall_at_25"] >= best - RECALL_TIE]
    assert REASONS_COST_RANK[trained.algorithm] == min(REASONS_COST_RANK[row["name"]] for row in tied)
    low, high = chosen["recall_at_25_ci"]
    assert low <= chosen["recall_at_25"] <= high
    assert trained.comparison["winner"] == trained.algorithm
    assert trained.algorithm in trained.comparison["why"]
    assert trained.library_versions["scikit-learn"]


def test_the_fairness_audit_covers_every_attribute_with_ratios_and_flags(trained):
    attributes = trained.fairness["attributes"]
    assert set(attributes) == {
        "gender",
        "birth_country_group",
        "age_band",
        "study_region",
        "gender_x_birth_country_group",
        "age_band_x_birth_country_group",
    }
    for audit in attributes.values():
        assert audit["groups"]
        for group in audit["groups"]:
            assert 0 <= group["selection_rate"] <= 1
        for metric, ratio in audit["ratios"].items():
            assert ratio is None or 0 <= ratio <= 1
            detail = audit["ratio_details"][metric]
            assert (metric in audit["flags"]) == (detail["ci"] is not None and detail["ci"][1] < 0.8)
    regions = {g["group"] for g in attributes["study_region"]["groups"]}
    assert len(regions) <= 7


def test_global_importance_is_a_share_per_feature_with_labels(trained):
    total = sum(item["importance"] for item in trained.global_importance)
    assert total == pytest.approx(1.0, abs=1e-3)
    assert trained.global_importance[0]["label_nb"] and trained.global_importance[0]["label_en"]


def test_it_refuses_data_with_only_one_labelled_year(population):
    applications, _ = population
    with pytest.raises(ValueError, match="at least two academic years"):
        risk_model_train(frame=applications, until_year=2015)


def test_tips_are_left_out_of_training_because_they_select_on_the_outcome(population, trained):
    applications, _ = population
    labelled = applications[
        (applications["controlled"] == 1)
        & applications["control_outcome"].notna()
        & (applications["academic_year"] < trained.test_year)
    ]
    assert (labelled["control_reason"] == "TIP").any()
    assert trained.n_train == int((labelled["control_reason"] != "TIP").sum())


def test_a_stratified_random_group_is_evaluated_with_its_selection_probabilities(population, trained):
    """The held-out year's random controls as a stratified draw leaves them: women drawn
    with four times the probability of men. The model (fitted on the earlier years) is the
    same; its figures now count each control 1 / its probability."""
    applications, _ = population
    assert trained.metrics["weighted"] is False  # a plain random draw: equal weights
    frame = applications.copy()
    random_in_test = (frame["academic_year"] == trained.test_year) & (frame["control_reason"] == "RANDOM")
    frame.loc[random_in_test, "selection_probability"] = np.where(
        frame.loc[random_in_test, "gender"] == "F", 0.4, 0.1
    )
    stratified = risk_model_train(frame=frame, random_state=0, justify=False)
    assert stratified.algorithm == trained.algorithm and stratified.n_test == trained.n_test
    assert stratified.metrics["weighted"] is True
    assert stratified.metrics["auc"] != trained.metrics["auc"]
    low, high = stratified.metrics["ci"]["recall_at_25"]
    assert low <= stratified.metrics["recall_at_25"] <= high
