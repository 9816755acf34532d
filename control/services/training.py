"""Training a risk model from the Application rows and storing it in the registry."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from control.ml.features import FEATURE_NAMES
from control.ml.training import risk_model_train
from control.models import RiskModelVersion
from control.selectors.risk import applications_frame
from control.services.registry import risk_model_activate, risk_model_artifact_store
from lanekassen_ai.services.audit import AuditContext, audit_record

logger = logging.getLogger(__name__)

JSON_METRICS = ("auc", "average_precision", "recall_at_25", "precision_at_25", "lift_at_25", "brier")


class TrainingError(Exception):
    """Training could not run (e.g. no labelled applications), with the reason."""


def _plain(value: Any) -> Any:
    """JSON-safe copies of numpy scalars/arrays and NaN (stored as null)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def risk_model_version_train(
    *,
    until_year: int | None = None,
    activate: bool = False,
    context: AuditContext,
    progress: Callable[[str], None] | None = None,
    random_state: int = 0,
    excluded_features: list[str] | tuple[str, ...] = (),
) -> RiskModelVersion:
    """Train on the controlled applications with an outcome in years <= `until_year`
    (default: all), evaluate on the last such year, store the artifact and a new
    RiskModelVersion (CANDIDATE, or ACTIVE with `activate`). `excluded_features` are
    switched off (a modeller's decision after weighing a feature's disparity cost; the
    audit event names them). Audited."""
    unknown = sorted(set(excluded_features) - set(FEATURE_NAMES))
    if unknown:
        raise TrainingError(f"unknown feature(s) to switch off: {', '.join(unknown)}")
    if len(set(excluded_features)) >= len(FEATURE_NAMES):
        raise TrainingError("cannot switch off every feature")
    frame = applications_frame(until_year=until_year)
    labelled = frame["controlled"].eq(1) & frame["control_outcome"].notna()
    if not labelled.any():
        where = f" up to {until_year}" if until_year is not None else ""
        raise TrainingError(f"no controlled applications with an outcome{where}: import control data first")
    if progress is not None:
        progress(f"read {len(frame):,} applications ({int(labelled.sum()):,} with an outcome)")
    try:
        result = risk_model_train(
            frame=frame,
            until_year=until_year,
            random_state=random_state,
            excluded=tuple(sorted(set(excluded_features))),
            progress=progress,
        )
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    version_name = f"{timezone.now():%Y%m%d-%H%M%S}-{result.algorithm[:12]}".replace("_", "-")
    if RiskModelVersion.objects.filter(version=version_name).exists():
        version_name += f"-{RiskModelVersion.objects.count() + 1}"
    artifact_path, sha256 = risk_model_artifact_store(pipeline=result.pipeline, version=version_name)
    actor = context.actor if context.actor is not None and context.actor.is_authenticated else None
    with transaction.atomic():
        version = RiskModelVersion.objects.create(
            version=version_name,
            algorithm=result.algorithm,
            artifact_path=artifact_path,
            artifact_sha256=sha256,
            features=list(result.features),
            train_years=[int(y) for y in result.train_years],
            test_year=result.test_year,
            n_train=int(result.n_train),
            n_test=int(result.n_test),
            metrics=_plain(result.metrics),
            curves=_plain(result.curves),
            global_importance=_plain(result.global_importance),
            fairness=_plain(result.fairness),
            comparison=_plain(
                {
                    "baselines": result.baselines,
                    "candidates": result.comparison,
                    "drift_test_year": result.drift.get("test_year"),
                }
            ),
            library_versions=_plain(result.library_versions),
            justification=_plain(result.justification),
            excluded_features=list(result.excluded),
            drift_reference=_plain(result.drift.get("reference", {})),
            trained_by=actor,
        )
        audit_record(
            action="control.risk_model.train",
            actor=actor,
            obj=version,
            context=context,
            details={
                "until_year": until_year,
                "sha256": sha256,
                "n_train": version.n_train,
                "n_test": version.n_test,
                "excluded_features": version.excluded_features,
                "flagged_features": version.justification.get("flagged", []),
                **{k: version.metrics.get(k) for k in JSON_METRICS},
            },
        )
        if activate:
            version = risk_model_activate(model_version=version, context=context)
    logger.info("trained risk model %s (%s)", version.version, version.algorithm)
    return version


def risk_model_retrain_request(
    *,
    based_on: RiskModelVersion,
    excluded_features: list[str],
    context: AuditContext,
) -> None:
    """A modeller's decision to train a new version with `excluded_features` switched off
    (after weighing a feature's disparity cost on `based_on`'s model card): audited with
    the features named and the ones the card flagged, then trained in the background
    after commit, on the same years as `based_on`."""
    unknown = sorted(set(excluded_features) - set(FEATURE_NAMES))
    if unknown:
        raise TrainingError(f"unknown feature(s) to switch off: {', '.join(unknown)}")
    if len(set(excluded_features)) >= len(FEATURE_NAMES):
        raise TrainingError("cannot switch off every feature")
    excluded = sorted(set(excluded_features))
    with transaction.atomic():
        audit_record(
            action="control.risk_model.retrain",
            context=context,
            obj=based_on,
            details={
                "excluded_features": excluded,
                "flagged_features": (based_on.justification or {}).get("flagged", []),
                "until_year": based_on.test_year,
            },
        )
        from control.tasks import risk_model_version_train_task  # a task imports services

        risk_model_version_train_task.delay_on_commit(
            excluded_features=excluded,
            until_year=based_on.test_year,
            **context.as_task_kwargs(),
        )


def risk_model_version_summary(*, model_version: RiskModelVersion) -> dict[str, Any]:
    """The figures `train_risk_model --json` prints (docs/control.md)."""
    metrics = model_version.metrics
    summary: dict[str, Any] = {
        "model_version": model_version.version,
        "status": model_version.status,
        "algorithm": model_version.algorithm,
        "train_years": model_version.train_years,
        "test_year": model_version.test_year,
        "n_train": model_version.n_train,
        "n_test": model_version.n_test,
    }
    summary.update({k: metrics.get(k) for k in JSON_METRICS})
    ci = metrics.get("ci", {})
    summary["ci"] = ci
    summary["recall_at_25_ci"] = ci.get("recall_at_25")
    # The same evaluation group scored by the old rule and by random selection, so the
    # model's figures can be read against what it replaces.
    baselines = (model_version.comparison or {}).get("baselines", {})
    summary["baselines"] = {
        name: {
            k: (b.get("metrics") or {}).get(k)
            for k in ("auc", "recall_at_25", "precision_at_25", "lift_at_25")
        }
        | {"recall_at_25_ci": (b.get("ci") or {}).get("recall_at_25")}
        for name, b in baselines.items()
    }
    summary["features"] = model_version.features
    summary["fairness"] = model_version.fairness
    summary["artifact_sha256"] = model_version.artifact_sha256
    comparison = (model_version.comparison or {}).get("candidates") or {}
    summary["candidates"] = {
        "selected_by": comparison.get("selected_by", "auc"),
        "validation_year": comparison.get("validation_year"),
        "winner": comparison.get("winner", model_version.algorithm),
        "why": comparison.get("why", ""),
        "models": list((comparison.get("candidates") or {}).values()),
    }
    justification = model_version.justification or {}
    summary["justification"] = {
        "method": justification.get("method"),
        "flagged": justification.get("flagged", []),
        "excluded": model_version.excluded_features,
        "features": justification.get("features", []),
    }
    summary["drift"] = {
        "test_year": (model_version.comparison or {}).get("drift_test_year"),
        "runs": [
            {"academic_year": run.academic_year, **(run.drift or {})}
            for run in model_version.scoring_runs.exclude(drift={}).order_by("-created_at")[:5]
        ],
    }
    return summary
