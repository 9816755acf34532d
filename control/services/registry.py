"""The risk model registry: storing artifacts, loading them safely, activating, retiring.

Locking: activation locks every ACTIVE row (select_for_update) before changing status, so
two concurrent activations serialise and the partial unique constraint
`one_active_risk_model` never sees two active versions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from control.ml.persistence import ArtifactIntegrityError, pipeline_load, pipeline_save
from control.models import RiskModelVersion
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.events import event_emit

ARTIFACT_DIR = "risk_models"


class RegistryError(Exception):
    """A registry action that is not allowed, with the reason."""


def risk_model_artifact_path(*, version: str) -> Path:
    """Where a version's skops file lives (outside the web root)."""
    return Path(settings.PRIVATE_STORAGE_ROOT) / ARTIFACT_DIR / f"{version}.skops"


def risk_model_artifact_store(*, pipeline: Any, version: str) -> tuple[str, str]:
    """Save `pipeline` with skops; returns (path relative to PRIVATE_STORAGE_ROOT, sha256)."""
    path = risk_model_artifact_path(version=version)
    path.parent.mkdir(parents=True, exist_ok=True)
    sha256 = pipeline_save(pipeline=pipeline, path=path)
    return str(path.relative_to(Path(settings.PRIVATE_STORAGE_ROOT))), sha256


def risk_model_pipeline_load(*, model_version: RiskModelVersion) -> Any:
    """The version's pipeline, loaded with skops' explicit trusted-types list after its
    SHA-256 was checked against the registry (a changed file is refused)."""
    path = Path(settings.PRIVATE_STORAGE_ROOT) / model_version.artifact_path
    if not path.is_file():
        raise RegistryError(f"model {model_version.version}: artifact {path} is missing")
    try:
        return pipeline_load(path=path, expected_sha256=model_version.artifact_sha256)
    except ArtifactIntegrityError as exc:
        raise RegistryError(f"model {model_version.version}: {exc}") from exc


@transaction.atomic
def risk_model_activate(*, model_version: RiskModelVersion, context: AuditContext) -> RiskModelVersion:
    """Make `model_version` the one active model; the previously active one is retired.
    Both changes are audited. Its artifact must load (checksum) before it goes live."""
    version = RiskModelVersion.objects.select_for_update().get(pk=model_version.pk)
    if version.status == RiskModelVersion.Status.ACTIVE:
        return version
    if version.status == RiskModelVersion.Status.RETIRED:
        raise RegistryError(f"model {version.version} is retired and cannot be activated again")
    risk_model_pipeline_load(model_version=version)  # refuse a missing or altered artifact
    actor = context.actor if context.actor is not None and context.actor.is_authenticated else None
    now = timezone.now()
    for previous in RiskModelVersion.objects.select_for_update().filter(
        status=RiskModelVersion.Status.ACTIVE
    ):
        previous.status = RiskModelVersion.Status.RETIRED
        previous.retired_at, previous.retired_by = now, actor
        previous.save(update_fields=["status", "retired_at", "retired_by"])
        audit_record(
            action="control.risk_model.retire",
            actor=actor,
            obj=previous,
            context=context,
            details={"replaced_by": version.version},
        )
    version.status = RiskModelVersion.Status.ACTIVE
    version.activated_at, version.activated_by = now, actor
    version.save(update_fields=["status", "activated_at", "activated_by"])
    audit_record(
        action="control.risk_model.activate",
        actor=actor,
        obj=version,
        context=context,
        details={"sha256": version.artifact_sha256, "metrics": _headline(version)},
    )
    event_emit(
        type="control.risk_model.activated",
        version=1,
        payload={"model_version": version.version, "activated_at": now},
    )
    return version


@transaction.atomic
def risk_model_retire(*, model_version: RiskModelVersion, context: AuditContext) -> RiskModelVersion:
    """Retire a candidate. The active model is retired only by activating its successor,
    so that there is always exactly one active model once one has been activated."""
    version = RiskModelVersion.objects.select_for_update().get(pk=model_version.pk)
    if version.status == RiskModelVersion.Status.RETIRED:
        return version
    if version.status == RiskModelVersion.Status.ACTIVE:
        raise RegistryError(
            f"model {version.version} is the active model: activate another version to replace it"
        )
    actor = context.actor if context.actor is not None and context.actor.is_authenticated else None
    version.status = RiskModelVersion.Status.RETIRED
    version.retired_at, version.retired_by = timezone.now(), actor
    version.save(update_fields=["status", "retired_at", "retired_by"])
    audit_record(action="control.risk_model.retire", actor=actor, obj=version, context=context)
    return version


def _headline(version: RiskModelVersion) -> dict[str, Any]:
    return {k: version.metrics.get(k) for k in ("auc", "recall_at_25", "precision_at_25")}
