import numpy as np
import pandas as pd
import pytest

from control.ml.history import PREVIOUS_COLUMNS, history_attach


def test_it_attaches_last_years_columns_of_the_same_customer_in_input_order(population):
    applications, _ = population
    shuffled = applications.sample(frac=1.0, random_state=1).reset_index(drop=True)
    attached = history_attach(frame=shuffled)
    assert list(attached["application_id"]) == list(shuffled["application_id"])
    assert set(PREVIOUS_COLUMNS) <= set(attached.columns)
    row = attached[(attached["academic_year"] == 2017) & attached["prev_housing_type"].notna()].iloc[0]
    previous = applications[
        (applications["customer_id"] == row["customer_id"]) & (applications["academic_year"] == 2016)
    ]
    assert previous["housing_type"].iloc[0] == row["prev_housing_type"]
    first_year = attached[attached["academic_year"] == 2015]
    assert first_year["prev_registered_same_address_as_parent"].isna().all()


def test_it_finds_last_year_in_a_separate_history_frame(population):
    applications, _ = population
    current = applications[applications["academic_year"] == 2018]
    alone = history_attach(frame=current)
    with_history = history_attach(frame=current, history=applications[applications["academic_year"] < 2018])
    assert alone["prev_housing_type"].isna().all()
    assert with_history["prev_housing_type"].notna().mean() > 0.3
    assert np.array_equal(with_history["application_id"], current["application_id"])


def test_it_names_missing_columns():
    with pytest.raises(ValueError, match="customer_id"):
        history_attach(frame=pd.DataFrame({"academic_year": [2018]}))
