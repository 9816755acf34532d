"""Shared data for the risk-model tests: one small synthetic population (generated once per
session), a model trained on it once per session (pure Python, no database), and fixtures
that put both into the test database through the real import service and registry."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from control.ml.synthetic import generate_population
from control.ml.training import TrainingResult, risk_model_train
from control.models import RiskModelVersion
from control.services.imports import applications_import
from control.services.registry import risk_model_artifact_store
from control.services.synthetic import applications_frame_write
from control.services.training import _plain
from lanekassen_ai.services.audit import AuditContext

POPULATION = 2500
YEARS = [2016, 2017, 2018, 2019]
CURRENT_YEAR = 2019


@pytest.fixture(scope="session")
def population_frame() -> pd.DataFrame:
    applications, _truth = generate_population(
        population=POPULATION, years=YEARS, seed=7, uncontrolled_years=(CURRENT_YEAR,)
    )
    return applications


@pytest.fixture(scope="session")
def population_csv(population_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("population") / "applications.csv"
    applications_frame_write(frame=population_frame, path=path)
    return path.read_bytes()


@pytest.fixture(scope="session")
def trained(population_frame: pd.DataFrame) -> TrainingResult:
    return risk_model_train(frame=population_frame, until_year=CURRENT_YEAR - 1)


@pytest.fixture
def private_storage(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def imported_population(population_csv: bytes, db: None) -> int:
    result = applications_import(
        source=io.BytesIO(population_csv), file_name="population.csv", context=AuditContext()
    )
    return result.rows_imported


def model_version_store(
    *, trained: TrainingResult, version: str = "test-model", **fields: Any
) -> RiskModelVersion:
    """A registry entry for `trained` with its real skops artifact (what training stores)."""
    artifact_path, sha256 = risk_model_artifact_store(pipeline=trained.pipeline, version=version)
    return RiskModelVersion.objects.create(
        version=version,
        algorithm=trained.algorithm,
        artifact_path=artifact_path,
        artifact_sha256=sha256,
        features=trained.features,
        train_years=trained.train_years,
        test_year=trained.test_year,
        n_train=trained.n_train,
        n_test=trained.n_test,
        metrics=_plain(trained.metrics),
        curves=_plain(trained.curves),
        global_importance=_plain(trained.global_importance),
        fairness=_plain(trained.fairness),
        comparison=_plain({"baselines": trained.baselines, "candidates": trained.comparison}),
        library_versions=_plain(trained.library_versions),
        justification=_plain(trained.justification),
        drift_reference=_plain(trained.drift.get("reference", {})),
        **fields,
    )
