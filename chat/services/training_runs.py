"""Retraining an assistant as a background job: the IntentTrainingRun row holds the progress
the page shows (with or without a broker) and the worker's lease (lanekassen_ai.services.jobs)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chat.models import Assistant, IntentTrainingRun
from chat.services.training import intent_model_train
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.jobs import LeaseLost, job_claim, job_enqueue, job_lease_seconds, jobs_recover

logger = logging.getLogger(__name__)

ACTIVE = (IntentTrainingRun.Status.PENDING, IntentTrainingRun.Status.RUNNING)
TASK_NAME = "chat.intent_training_run_execute"


def _mark_unavailable(*, run_id: int) -> None:
    # The broker refused the job: FAILED with the reason (a new retraining can start), never PENDING.
    IntentTrainingRun.objects.filter(pk=run_id, status=IntentTrainingRun.Status.PENDING).update(
        status=IntentTrainingRun.Status.FAILED,
        error="broker unavailable: the training was not queued",
        lease_owner="",
        finished_at=timezone.now(),
    )


def intent_training_run_start(
    *,
    assistant: Assistant,
    target_precision: float = 0.97,
    context: AuditContext,
) -> IntentTrainingRun:
    """Record a retraining of `assistant` (audited) and queue it after commit. Raises
    JobsUnavailable when the broker is down; the run is then FAILED with the reason."""
    actor = context.actor
    user = actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None
    with transaction.atomic():
        run = IntentTrainingRun.objects.create(
            assistant=assistant,
            started_by=user,  # type: ignore[misc]
            target_precision=target_precision,
            heartbeat_at=timezone.now(),
        )
        audit_record(
            action="chat.intent_model.train_start",
            context=context,
            obj=run,
            details={"assistant": assistant.slug},
        )
    job_enqueue(task_name=TASK_NAME, args=[run.pk], on_unavailable=lambda: _mark_unavailable(run_id=run.pk))
    return run


def intent_training_run_execute(*, run_id: int) -> IntentTrainingRun:
    """Train (and activate) the run's model, writing each step's progress to the run.
    A run that is done, or that another live worker holds, is returned as it is; a
    retraining whose worker vanished starts from the beginning."""
    run = IntentTrainingRun.objects.select_related("assistant", "started_by").get(pk=run_id)
    lease = job_claim(model=IntentTrainingRun, pk=run.pk, active=Q(status__in=ACTIVE))
    if lease is None:
        return run
    lease.beat(status=IntentTrainingRun.Status.RUNNING, error="")

    def progress(step: str, share: float) -> None:
        lease.beat(step=step[:200], share=round(max(0.0, min(share, 1.0)), 3))

    try:
        version = intent_model_train(
            assistant=run.assistant,
            context=AuditContext.for_task(actor_id=run.started_by_id),
            target_precision=run.target_precision,
            progress=progress,
        )
    except LeaseLost:
        logger.warning("training run %s was taken over by another worker; stopping", run.pk)
    except Exception as exc:
        lease.release(
            status=IntentTrainingRun.Status.FAILED,
            error=(str(exc) or type(exc).__name__)[:2000],
            finished_at=timezone.now(),
        )
        raise
    else:
        lease.release(
            status=IntentTrainingRun.Status.SUCCEEDED,
            model_version=version,
            share=1.0,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def intent_training_run_is_stuck(*, run: IntentTrainingRun) -> bool:
    """A waiting or running retraining whose worker has given no sign of life for a lease."""
    if run.status not in ACTIVE:
        return False
    stale = timezone.now() - timedelta(seconds=job_lease_seconds())
    return run.heartbeat_at is None or run.heartbeat_at < stale


def intent_training_runs_recover() -> dict[str, list[int]]:
    """Re-queue the retrainings whose worker vanished, or fail them after
    JOBS_MAX_ATTEMPTS (beat job, see chat.tasks.chat_jobs_recover)."""

    def fail(run: IntentTrainingRun, attempts: int) -> None:
        IntentTrainingRun.objects.filter(pk=run.pk).update(
            status=IntentTrainingRun.Status.FAILED,
            lease_owner="",
            attempts=attempts,
            finished_at=timezone.now(),
            error=f"the worker stopped {attempts} times without finishing; start the training again",
        )

    recovered = jobs_recover(
        model=IntentTrainingRun,
        active=Q(status__in=ACTIVE),
        requeue=lambda run: job_enqueue(task_name=TASK_NAME, args=[run.pk]),
        fail=fail,
    )
    return {"requeued": recovered.requeued, "failed": recovered.failed}
