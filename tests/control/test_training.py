"""control/services/training.py and the train_risk_model command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from control.ml.persistence import file_sha256
from control.models import RiskModelVersion
from lanekassen_ai.models import AuditEvent

pytestmark = pytest.mark.django_db

# interfaces.md: `train_risk_model --json` prints at least these.
JSON_FIELDS = {
    "model_version",
    "n_train",
    "n_test",
    "auc",
    "average_precision",
    "recall_at_25",
    "precision_at_25",
    "lift_at_25",
    "brier",
    "features",
    "fairness",
}


def test_train_risk_model_json_prints_every_field_of_the_interface_and_stores_the_version(
    imported_population: int, private_storage: Path
) -> None:
    out = io.StringIO()
    call_command(
        "train_risk_model", "--until-year", "2018", "--activate", "--json", stdout=out, stderr=io.StringIO()
    )
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "--json prints ONE JSON object"
    printed = json.loads(lines[0])
    assert set(printed) >= JSON_FIELDS
    for key in ("auc", "average_precision", "recall_at_25", "precision_at_25", "lift_at_25", "brier"):
        assert isinstance(printed[key], float), key
    assert 0.5 < printed["auc"] <= 1
    low, high = printed["recall_at_25_ci"]
    assert low <= printed["recall_at_25"] <= high
    assert printed["features"] and all(isinstance(f, str) for f in printed["features"])
    assert not {"gender", "birth_country_group", "national_id"} & set(printed["features"])
    for attribute in ("gender", "birth_country_group"):
        report = printed["fairness"]["attributes"][attribute]
        assert {"selection_rate", "recall"} <= set(report["ratios"])
        assert all({"group", "selection_rate", "recall"} <= set(g) for g in report["groups"])
    assert set(printed["baselines"]) == {"old_rule", "random"}
    assert printed["baselines"]["random"]["recall_at_25"] == pytest.approx(0.25)
    # Issue 11's additions: every candidate side by side, the justification and drift.
    candidates = {c["name"]: c for c in printed["candidates"]["models"]}
    assert {"explainable_boosting_pairs", "lightgbm_trees"} <= set(candidates)
    assert printed["candidates"]["selected_by"] == "recall_at_25"
    assert candidates[printed["candidates"]["winner"]]["chosen"]
    assert all(len(c["recall_at_25_ci"]) == 2 for c in candidates.values())
    assert printed["justification"]["method"] == "permutation" and printed["justification"]["features"]
    assert printed["drift"]["test_year"]["expected_recall_at_25"] is not None

    version = RiskModelVersion.objects.get(version=printed["model_version"])
    assert version.status == RiskModelVersion.Status.ACTIVE
    assert version.test_year == 2018 and max(version.train_years) <= 2017
    assert printed["n_train"] == version.n_train and printed["n_test"] == version.n_test
    assert file_sha256(path=private_storage / version.artifact_path) == version.artifact_sha256
    assert version.library_versions.get("scikit-learn")
    assert AuditEvent.objects.filter(action="control.risk_model.train", object_id=str(version.pk)).exists()
    assert AuditEvent.objects.filter(action="control.risk_model.activate", object_id=str(version.pk)).exists()


def test_train_risk_model_without_labelled_data_fails_with_a_clear_message(private_storage: Path) -> None:
    with pytest.raises(CommandError, match="no controlled applications with an outcome"):
        call_command("train_risk_model", "--json", stdout=io.StringIO(), stderr=io.StringIO())
    assert not RiskModelVersion.objects.exists()
