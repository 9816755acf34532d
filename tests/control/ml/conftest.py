"""Small synthetic data and one trained model, shared by the ml tests (built once)."""

import pandas as pd
import pytest

from control.ml.synthetic import generate_population
from control.ml.training import TrainingResult, risk_model_train


@pytest.fixture(scope="session")
def population() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_population(population=3000, years=[2015, 2016, 2017, 2018], seed=11)


@pytest.fixture(scope="session")
def trained(population: tuple[pd.DataFrame, pd.DataFrame]) -> TrainingResult:
    applications, _ = population
    return risk_model_train(frame=applications, random_state=0)
