import numpy as np
import pytest

from control.ml.explanation import (
    additive_terms,
    base_estimator,
    contributions_and_margin,
    probability_from_margin,
    reasons_render,
    shallow_contributions,
    shallow_trees,
)
from control.ml.features import FEATURE_NAMES
from control.ml.history import history_attach
from control.ml.training import pipeline_fit


def _features(pipeline, applications):
    return pipeline.named_steps["features"].transform(history_attach(frame=applications))


def test_additive_contributions_equal_lightgbms_own_treeshap(population):
    applications, _ = population
    frame = history_attach(frame=applications)
    labelled = frame[frame["control_outcome"].notna()]
    pipeline = pipeline_fit(frame=labelled, algorithm="lightgbm_additive")
    assert additive_terms(pipeline=pipeline) is not None
    features = pipeline.named_steps["features"].transform(frame.head(2000))
    contributions, margin = contributions_and_margin(pipeline=pipeline, features=features)
    exact = base_estimator(pipeline=pipeline).booster_.predict(features, pred_contrib=True)
    np.testing.assert_allclose(contributions, exact[:, :-1], atol=1e-5)
    np.testing.assert_allclose(margin, exact.sum(axis=1), atol=1e-5)
    np.testing.assert_allclose(
        probability_from_margin(pipeline=pipeline, margin=margin),
        pipeline.predict_proba(frame.head(2000))[:, 1],
    )


def test_tabulated_treeshap_of_the_depth_3_trees_equals_lightgbms_pred_contrib(population):
    applications, _ = population
    frame = history_attach(frame=applications)
    labelled = frame[frame["control_outcome"].notna()]
    pipeline = pipeline_fit(frame=labelled, algorithm="lightgbm_trees")
    booster = base_estimator(pipeline=pipeline).booster_
    assert shallow_trees(booster=booster) is not None
    features = pipeline.named_steps["features"].transform(frame.head(3000))
    contributions, margin = contributions_and_margin(pipeline=pipeline, features=features)
    exact = booster.predict(features, pred_contrib=True)
    np.testing.assert_allclose(contributions, exact[:, :-1], atol=1e-6)
    np.testing.assert_allclose(margin, booster.predict(features, raw_score=True), atol=1e-9)


@pytest.mark.parametrize("missing", ["nan", "zero"])
def test_tabulated_treeshap_follows_lightgbms_missing_values_and_repeated_features(missing):
    import lightgbm as lgb

    rng = np.random.default_rng(5)
    x = rng.normal(size=(4000, 4))
    y = ((x[:, 0] * x[:, 1] > 0) ^ (x[:, 2] > 0.5)).astype(int)
    if missing == "nan":
        x[rng.random(4000) < 0.2, 1] = np.nan
    else:
        x[rng.random(4000) < 0.2, 1] = 0.0
    model = lgb.LGBMClassifier(
        n_estimators=40, max_depth=3, num_leaves=8, zero_as_missing=missing == "zero", verbose=-1
    ).fit(x, y)
    trees = shallow_trees(booster=model.booster_)
    assert trees is not None
    contributions, margin = shallow_contributions(trees=trees, features=x)
    exact = model.booster_.predict(x, pred_contrib=True)
    np.testing.assert_allclose(contributions, exact[:, :-1], atol=1e-9)
    np.testing.assert_allclose(margin, exact.sum(axis=1), atol=1e-9)
    deep = lgb.LGBMClassifier(n_estimators=3, num_leaves=31, max_depth=6, verbose=-1).fit(x, y)
    assert shallow_trees(booster=deep.booster_) is None  # deeper trees keep pred_contrib


def test_logistic_contributions_add_up_to_the_decision_function(population):
    applications, _ = population
    frame = history_attach(frame=applications)
    labelled = frame[frame["control_outcome"].notna()]
    pipeline = pipeline_fit(frame=labelled, algorithm="logistic_regression")
    features = pipeline.named_steps["features"].transform(frame.head(500))
    _, margin = contributions_and_margin(pipeline=pipeline, features=features)
    np.testing.assert_allclose(
        margin, base_estimator(pipeline=pipeline).decision_function(features), atol=1e-4
    )  # scikit-learn computes in float32 here, we in float64
    np.testing.assert_allclose(
        probability_from_margin(pipeline=pipeline, margin=margin),
        pipeline.predict_proba(frame.head(500))[:, 1],
        atol=1e-6,
    )


def test_reasons_pick_the_largest_positive_contributions_and_phrase_yes_or_no():
    width = len(FEATURE_NAMES)
    registered = FEATURE_NAMES.index("registered_with_parents")
    student_housing = FEATURE_NAMES.index("housing_student_housing")
    persons = FEATURE_NAMES.index("persons_at_address")
    contributions = np.zeros((2, width), dtype=np.float32) - 0.1
    contributions[0, registered] = 0.9
    contributions[0, student_housing] = 0.5
    contributions[0, persons] = 0.2
    features = np.zeros((2, width), dtype=np.float32)
    features[0, registered] = 1.0
    features[0, student_housing] = 0.0
    features[0, persons] = 7.0
    medians = np.zeros(width, dtype=np.float32)
    medians[persons] = 3.0
    binary = np.ones(width, dtype=bool)
    binary[persons] = False
    reasons = reasons_render(
        contributions=contributions, features=features, medians=medians, binary=binary, top=3
    )
    assert [r["feature"] for r in reasons[0]] == [
        "registered_with_parents",
        "housing_student_housing",
        "persons_at_address",
    ]
    assert reasons[0][0]["text_nb"] == "Registrert på samme adresse som foreldrene"
    assert reasons[0][0]["text_en"] == "Registered at the same address as the parents"
    assert reasons[0][1]["text_en"] == "Does not live in student housing"
    assert reasons[0][2]["text_en"] == "Many people registered at the address (7)"
    assert reasons[1] == []  # nothing pushes the second row's risk up
