def test_every_used_feature_is_weighed_with_its_written_justification(trained):
    rows = trained.justification["features"]
    assert {row["feature"] for row in rows} == set(trained.features)
    used = [row for row in rows if row["used"]]
    assert used and all(row["justification"] for row in rows)
    for row in used:
        assert {"recall_at_25_gain", "auc_gain", "disparity_cost", "max_disparity_cost"} <= set(row)
        assert set(row["disparity_cost"]) >= {"gender", "birth_country_group", "age_band"}
        assert row["flagged"] == (
            row["max_disparity_cost"] > 0.02 and row["max_disparity_cost"] > row["recall_at_25_gain"]
        )
    assert trained.justification["flagged"] == [row["feature"] for row in rows if row["flagged"]]


def test_a_switched_off_feature_is_not_used(population):
    from control.ml.training import risk_model_train

    applications, _ = population
    result = risk_model_train(frame=applications, excluded=("registered_with_parents",))
    assert result.excluded == ["registered_with_parents"]
    row = next(r for r in result.justification["features"] if r["feature"] == "registered_with_parents")
    assert not row["used"]
