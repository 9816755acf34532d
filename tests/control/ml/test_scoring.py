import numpy as np
import pandas as pd

from control.ml.history import history_attach
from control.ml.scoring import score_frame


def test_it_scores_in_input_order_with_calibrated_probabilities(population, trained):
    applications, _ = population
    current = applications[applications["academic_year"] == 2018].sample(frac=1.0, random_state=3)
    scored = score_frame(pipeline=trained.pipeline, frame=current, history=applications)
    assert list(scored["application_id"]) == list(current["application_id"])
    expected = trained.pipeline.predict_proba(
        history_attach(frame=current.reset_index(drop=True), history=applications)
    )
    np.testing.assert_allclose(scored["score"].to_numpy(), expected[:, 1], atol=1e-6)
    assert scored["score"].between(0, 1).all()


def test_reasons_only_push_the_risk_up_and_read_in_both_languages(population, trained):
    applications, _ = population
    scored = score_frame(pipeline=trained.pipeline, frame=applications.head(300), top_reasons=3)
    all_reasons = [reason for reasons in scored["reasons"] for reason in reasons]
    assert all_reasons
    assert all(len(reasons) <= 3 for reasons in scored["reasons"])
    for reasons in scored["reasons"]:
        contributions = [reason["contribution"] for reason in reasons]
        assert contributions == sorted(contributions, reverse=True)
    for reason in all_reasons:
        assert reason["contribution"] > 0
        assert reason["text_nb"] and reason["text_en"] and "{value}" not in reason["text_nb"]
    texts = {reason["text_en"] for reason in all_reasons}
    assert any("parents" in text for text in texts)


def test_it_handles_an_empty_frame_and_no_reasons(population, trained):
    applications, _ = population
    assert len(score_frame(pipeline=trained.pipeline, frame=applications.head(0))) == 0
    scored = score_frame(pipeline=trained.pipeline, frame=applications.head(5), top_reasons=0)
    assert all(reasons == [] for reasons in scored["reasons"])


def test_a_frame_as_the_database_gives_it_scores_like_the_file(population, trained):
    """Booleans as bool, empty optional cells as "", dates as date objects."""
    applications, _ = population
    sample = applications[applications["academic_year"] >= 2017].head(400)
    from_database = sample.copy()
    for column in ("registered_same_address_as_parent", "controlled", "online_program", "married_or_partner"):
        from_database[column] = from_database[column].astype(bool)
    for column in ("parent_municipality", "control_reason", "control_outcome"):
        from_database[column] = from_database[column].fillna("")
    from_database["birth_date"] = pd.to_datetime(from_database["birth_date"]).dt.date
    expected = score_frame(pipeline=trained.pipeline, frame=sample)
    actual = score_frame(pipeline=trained.pipeline, frame=from_database)
    np.testing.assert_allclose(actual["score"], expected["score"])
    assert list(actual["reasons"]) == list(expected["reasons"])
