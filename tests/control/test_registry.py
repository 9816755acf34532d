"""control/services/registry.py: artifacts checked by SHA-256, one active model, audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.ml.training import TrainingResult
from control.models import RiskModelVersion
from control.services.registry import (
    RegistryError,
    risk_model_activate,
    risk_model_pipeline_load,
    risk_model_retire,
)
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.risk_fixtures import model_version_store

pytestmark = pytest.mark.django_db


def test_a_stored_artifact_loads_back_and_predicts(trained: TrainingResult, private_storage: Path) -> None:
    version = model_version_store(trained=trained)
    assert (private_storage / version.artifact_path).is_file()
    pipeline = risk_model_pipeline_load(model_version=version)
    assert type(pipeline).__name__ == "Pipeline"


def test_it_refuses_to_load_an_altered_artifact(trained: TrainingResult, private_storage: Path) -> None:
    version = model_version_store(trained=trained)
    with (private_storage / version.artifact_path).open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(RegistryError, match="SHA-256"):
        risk_model_pipeline_load(model_version=version)
    with pytest.raises(RegistryError):
        risk_model_activate(model_version=version, context=AuditContext())
    version.refresh_from_db()
    assert version.status == RiskModelVersion.Status.CANDIDATE


def test_activating_retires_the_previous_model_and_audits_both(
    trained: TrainingResult, private_storage: Path, modeller
) -> None:
    first = model_version_store(trained=trained, version="first")
    second = model_version_store(trained=trained, version="second")
    risk_model_activate(model_version=first, context=AuditContext(actor=modeller))
    risk_model_activate(model_version=second, context=AuditContext(actor=modeller))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (RiskModelVersion.Status.RETIRED, RiskModelVersion.Status.ACTIVE)
    assert RiskModelVersion.objects.filter(status=RiskModelVersion.Status.ACTIVE).count() == 1
    assert second.activated_by == modeller and first.retired_by == modeller
    actions = list(
        AuditEvent.objects.filter(object_type="control.RiskModelVersion").values_list("action", "object_id")
    )
    assert ("control.risk_model.activate", str(first.pk)) in actions
    assert ("control.risk_model.retire", str(first.pk)) in actions
    assert ("control.risk_model.activate", str(second.pk)) in actions


def test_the_active_model_cannot_be_retired_and_a_retired_one_not_reactivated(
    trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    risk_model_activate(model_version=version, context=AuditContext())
    with pytest.raises(RegistryError, match="active"):
        risk_model_retire(model_version=version, context=AuditContext())
    candidate = model_version_store(trained=trained, version="candidate")
    risk_model_retire(model_version=candidate, context=AuditContext())
    assert AuditEvent.objects.filter(action="control.risk_model.retire", object_id=str(candidate.pk)).exists()
    with pytest.raises(RegistryError, match="retired"):
        risk_model_activate(model_version=candidate, context=AuditContext())
