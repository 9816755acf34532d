import numpy as np
import pandas as pd

from control.ml.features import FEATURE_CATALOGUE, FEATURE_NAMES, RAW_INPUT_COLUMNS, features_compute
from control.ml.history import history_attach
from control.ml.schema import AUDIT_ONLY_COLUMNS, IDENTITY_COLUMNS, OUTCOME_COLUMNS
from control.ml.scoring import score_frame

AUDIT_AND_IDENTITY = AUDIT_ONLY_COLUMNS | {"national_id", "customer_id", "application_id"}


def test_the_catalogue_has_at_least_56_documented_features():
    assert len(FEATURE_CATALOGUE) >= 56
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    for spec in FEATURE_CATALOGUE:
        assert spec.description_nb and spec.description_en and spec.justification, spec.name
        assert spec.source_columns, spec.name
        assert spec.reason_high_nb and spec.reason_high_en and spec.reason_low_nb and spec.reason_low_en
    assert any(name.startswith("prev_") or "last_year" in name for name in FEATURE_NAMES)


def test_no_audit_only_identity_or_outcome_column_is_a_feature_source():
    forbidden = AUDIT_AND_IDENTITY | OUTCOME_COLUMNS | {f"prev_{c}" for c in AUDIT_AND_IDENTITY}
    assert not RAW_INPUT_COLUMNS & forbidden
    # birth_date is read only to compute age, a factor the agency names.
    assert {"birth_date"} == RAW_INPUT_COLUMNS & IDENTITY_COLUMNS


def test_scrambling_audit_only_and_identity_columns_changes_no_feature_and_no_score(population, trained):
    applications, _ = population
    frame = history_attach(frame=applications)
    scrambled = frame.copy()
    rng = np.random.default_rng(0)
    scrambled["gender"] = rng.permutation(scrambled["gender"].to_numpy())
    scrambled["birth_country_group"] = "OTHER"
    scrambled["national_id"] = "00000000000"
    scrambled["customer_id"] = "X" + pd.RangeIndex(len(scrambled)).astype(str)
    scrambled["controlled"] = 1 - scrambled["controlled"]
    scrambled["control_outcome"] = "CAUGHT"
    np.testing.assert_array_equal(features_compute(frame=frame), features_compute(frame=scrambled))
    before = trained.pipeline.predict_proba(frame)[:, 1]
    after = trained.pipeline.predict_proba(scrambled)[:, 1]
    np.testing.assert_array_equal(before, after)
    assert not any(item["feature"] in AUDIT_AND_IDENTITY for item in trained.global_importance)
    scored = score_frame(pipeline=trained.pipeline, frame=frame.head(50))
    assert all(reason["feature"] in FEATURE_NAMES for reasons in scored["reasons"] for reason in reasons)


def test_features_have_no_missing_values_and_derive_history_changes(population):
    applications, _ = population
    frame = history_attach(frame=applications)
    matrix = features_compute(frame=frame)
    assert matrix.shape == (len(frame), len(FEATURE_NAMES))
    assert np.isfinite(matrix).all()
    moved_out = matrix[:, FEATURE_NAMES.index("moved_out_since_last_year")] == 1
    expected = (frame["prev_registered_same_address_as_parent"] == 1) & (
        frame["registered_same_address_as_parent"] == 0
    )
    np.testing.assert_array_equal(moved_out, expected.to_numpy())
