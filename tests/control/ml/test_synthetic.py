import numpy as np
import pandas as pd
import pytest

from control.ml.schema import (
    COLUMN_SPECS,
    IMPORT_COLUMNS,
    OPTIONAL_COLUMNS,
    national_id_agrees_with_birth_date,
    national_id_is_valid,
)
from control.ml.synthetic import generate_population


def test_it_writes_exactly_the_import_columns_and_every_rule_holds(population):
    applications, truth = population
    assert list(applications.columns) == IMPORT_COLUMNS
    assert len(truth) == len(applications)
    for name, spec in COLUMN_SPECS.items():
        column = applications[name]
        if name not in OPTIONAL_COLUMNS:
            assert column.notna().all(), name
        present = column.dropna()
        if spec.choices:
            assert set(present.unique()) <= set(spec.choices), name
        if spec.minimum is not None:
            assert (present.astype(float) >= spec.minimum).all(), name
        if spec.maximum is not None:
            assert (present.astype(float) <= spec.maximum).all(), name
        if spec.kind == "municipality":
            assert present.astype(str).str.fullmatch(r"\d{4}").all(), name
    assert applications["application_id"].is_unique
    assert not applications.duplicated(["customer_id", "academic_year"]).any()
    controlled = applications["controlled"] == 1
    assert applications.loc[controlled, "control_reason"].notna().all()
    assert applications.loc[~controlled, "control_reason"].isna().all()
    assert applications.loc[~controlled, "control_outcome"].isna().all()
    random_rows = applications["control_reason"] == "RANDOM"
    assert applications.loc[random_rows, "selection_probability"].between(0, 1, inclusive="right").all()


def test_national_ids_are_valid_unique_per_customer_and_agree_with_birth_date(population):
    applications, _ = population
    people = applications.drop_duplicates("customer_id")
    assert people["national_id"].is_unique
    for national_id, birth in zip(people["national_id"], people["birth_date"], strict=True):
        assert national_id_is_valid(national_id=national_id)
        year, month, day = (int(part) for part in birth.split("-"))
        assert national_id_agrees_with_birth_date(national_id=national_id, year=year, month=month, day=day)
    birth = pd.to_datetime(applications["birth_date"])
    august = pd.to_datetime(applications["academic_year"].astype(str) + "-08-01")
    age = (august - birth).dt.days / 365.25
    assert age.between(15, 80).all()
    ninth_digit_even = people["national_id"].str[8].astype(int) % 2 == 0
    assert (ninth_digit_even == (people["gender"] == "F")).all()


def test_customers_persist_across_years_and_history_counts_up(population):
    applications, _ = population
    years_per_customer = applications.groupby("customer_id")["academic_year"].nunique()
    assert (years_per_customer > 1).mean() > 0.3
    # Next year's count of earlier controls is this year's plus this year's control.
    this = applications[["customer_id", "academic_year", "previous_controls", "controlled"]]
    following = this.assign(academic_year=this["academic_year"] + 1)
    pairs = following.merge(this, on=["customer_id", "academic_year"], suffixes=("_before", ""))
    assert len(pairs) > 0
    expected = (pairs["previous_controls_before"] + pairs["controlled_before"]).clip(upper=20)
    assert (pairs["previous_controls"] == expected).all()


def test_the_same_seed_gives_the_same_population_and_another_seed_does_not():
    first, _ = generate_population(population=200, years=[2017, 2018], seed=5)
    again, _ = generate_population(population=200, years=[2017, 2018], seed=5)
    other, _ = generate_population(population=200, years=[2017, 2018], seed=6)
    pd.testing.assert_frame_equal(first, again)
    assert not first["national_id"].equals(other["national_id"])


def test_uncontrolled_years_carry_no_control_data():
    applications, _ = generate_population(
        population=500, years=[2017, 2018], seed=2, uncontrolled_years=[2018]
    )
    current = applications[applications["academic_year"] == 2018]
    assert (current["controlled"] == 0).all()
    assert current[["control_reason", "selection_probability", "control_outcome"]].isna().all().all()
    assert (applications.loc[applications["academic_year"] == 2017, "controlled"] == 1).any()


def test_control_figures_look_like_the_agency_published(population):
    applications, truth = population
    merged = applications.merge(truth, on="application_id")
    controlled = merged[merged["controlled"] == 1]
    assert 0.03 < merged["cheater"].mean() < 0.08
    assert 0.11 < (merged["controlled"] == 1).mean() < 0.17
    assert 0.2 < (controlled["control_reason"] == "RANDOM").mean() < 0.4
    rule_caught = (
        controlled.loc[controlled["control_reason"] == "RULE", "control_outcome"] == "CAUGHT"
    ).mean()
    random_caught = (
        controlled.loc[controlled["control_reason"] == "RANDOM", "control_outcome"] == "CAUGHT"
    ).mean()
    assert rule_caught > random_caught


def test_no_column_is_the_label_in_disguise(population):
    applications, truth = population
    y = truth["cheater"].to_numpy()
    for name in applications.columns:
        if name in ("control_outcome", "controlled", "control_reason", "selection_probability"):
            continue
        column = applications[name]
        if column.dtype.kind in "if":
            values = column.fillna(-1).to_numpy()
            # No single value separates cheaters from the others.
            for value in np.unique(values)[:50]:
                hit = values == value
                if hit.sum() >= 50:
                    assert y[hit].mean() < 0.6, (name, value)


def test_it_rejects_nonsense_arguments():
    with pytest.raises(ValueError, match="population"):
        generate_population(population=0, years=[2018], seed=1)
    with pytest.raises(ValueError, match="uncontrolled_years"):
        generate_population(population=10, years=[2018], seed=1, uncontrolled_years=[2019])


def _cheater_rate(shape):
    from control.ml.synthetic import PopulationShape

    applications, truth = generate_population(
        population=3000, years=[2016, 2017], seed=5, shape=PopulationShape(**shape)
    )
    return applications, float(truth["cheater"].mean())


def test_population_knobs_change_the_shape_they_name():
    default, default_rate = _cheater_rate({})
    _, rare_rate = _cheater_rate({"base_rate_shift": -1.0})
    assert rare_rate < 0.75 * default_rate
    more_random, _ = _cheater_rate({"random_share": 0.10})
    share = lambda frame: float((frame["control_reason"] == "RANDOM").mean())  # noqa: E731
    assert share(more_random) > 2 * share(default)
    assert (more_random.loc[more_random["control_reason"] == "RANDOM", "selection_probability"] == 0.10).all()
    _, interacting_rate = _cheater_rate({"interactions": 1.0})
    assert interacting_rate != default_rate


def test_default_knobs_give_the_same_population_as_no_knobs():
    from control.ml.synthetic import PopulationShape

    plain, _ = generate_population(population=800, years=[2017, 2018], seed=9)
    shaped, _ = generate_population(population=800, years=[2017, 2018], seed=9, shape=PopulationShape())
    pd.testing.assert_frame_equal(plain, shaped)


def test_the_old_rule_can_pick_differently():
    from control.ml.synthetic import old_rule_flags

    frame = pd.DataFrame(
        {"age": [20.0, 30.0, 30.0], "distance_study_km": [80.0, 30.0, 100.0],
         "registered_same_address_as_parent": [0, 0, 1]}
    )  # fmt: skip
    assert old_rule_flags(frame=frame).tolist() == [True, False, True]
    assert old_rule_flags(frame=frame, rule="registered_only").tolist() == [False, False, True]
    assert old_rule_flags(frame=frame, rule="distance_only").tolist() == [False, True, False]
