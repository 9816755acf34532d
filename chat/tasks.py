"""Celery tasks of the chat app: thin doors onto the services."""

from typing import Any

from celery import shared_task

from chat.services.agents import conversations_abandon_stale
from chat.services.statistics import chat_stats_refresh_recent


@shared_task(name="chat.queue_maintenance")
def queue_maintenance() -> dict[str, Any]:
    """Every minute (django-celery-beat, see migration 0004): abandon conversations whose
    customer stopped polling, then refresh the recent statistics rollups."""
    abandoned = conversations_abandon_stale()
    refreshed = chat_stats_refresh_recent()
    return {"abandoned": abandoned, **refreshed}
