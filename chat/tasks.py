"""Celery tasks of the chat app: thin doors onto the services."""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from chat.services.agents import conversations_abandon_stale, conversations_requeue_unanswered
from chat.services.statistics import chat_stats_refresh_recent
from chat.services.training import intent_model_train


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
    requeued = conversations_requeue_unanswered()
    abandoned = conversations_abandon_stale()
    refreshed = chat_stats_refresh_recent()
    return {"requeued": requeued, "abandoned": abandoned, **refreshed}


@shared_task(bind=True, name="chat.intent_model_train")
def intent_model_train_task(
    self: Any, assistant_id: int, user_id: int | None = None, target_precision: float = 0.97
) -> dict[str, Any]:
    """Retrain one assistant (and activate the new model), reporting progress as the
    task's PROGRESS state so the page can show it."""
    from django.contrib.auth import get_user_model

    from chat.models import Assistant

    assistant = Assistant.objects.get(pk=assistant_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def progress(step: str, share: float) -> None:
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"step": step, "share": round(share, 3)})

    version = intent_model_train(
        assistant=assistant, trained_by=user, target_precision=target_precision, progress=progress
    )
    return {"version_id": version.pk, "version": version.version, "assistant": assistant.slug}
