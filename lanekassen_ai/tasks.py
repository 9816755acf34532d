"""Project-level tasks."""

from typing import Any

from celery import shared_task

from lanekassen_ai.services.health import health_check_all


@shared_task(name="lanekassen_ai.health_check")
def health_check() -> dict[str, Any]:
    """Run the health checks inside a worker: proves the worker reaches the database."""
    return health_check_all()
