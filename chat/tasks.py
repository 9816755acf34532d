"""Celery tasks of the chat app: thin doors onto the services."""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from chat.services.agents import conversations_abandon_stale, conversations_requeue_unanswered
from chat.services.statistics import chat_stats_refresh_recent
from chat.services.training_runs import intent_training_run_execute, intent_training_runs_recover
from lanekassen_ai.services.audit import AuditContext


# Idempotent: a retry after a dropped database connection does no harm.
@shared_task(
    name="chat.queue_maintenance",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
)
def queue_maintenance() -> dict[str, Any]:
    """Every minute (django-celery-beat, see migration 0004): put conversations whose
    agent stopped answering back in the queue, abandon conversations whose customer
    stopped polling, then refresh the recent statistics rollups."""
    requeued = conversations_requeue_unanswered(context=AuditContext.for_task())
    abandoned = conversations_abandon_stale()
    refreshed = chat_stats_refresh_recent()
    return {"requeued": requeued, "abandoned": abandoned, **refreshed}


@shared_task(name="chat.intent_training_run_execute")
def intent_training_run_execute_task(run_id: int) -> dict[str, Any]:
    """Retrain one assistant (and activate the new model); the progress is on the run's row."""
    run = intent_training_run_execute(run_id=run_id)
    return {"run": run.pk, "status": run.status, "version_id": run.model_version_id}


# Idempotent: a retry after a dropped database connection does no harm.
@shared_task(
    name="chat.jobs_recover",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
)
def chat_jobs_recover_task() -> dict[str, list[int]]:
    """Every minute (django-celery-beat, see migration 0007): re-queue the retrainings whose
    worker vanished, or fail them after too many tries."""
    return intent_training_runs_recover()
