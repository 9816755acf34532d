"""Celery: a real worker on Redis runs a task against PostgreSQL and the result comes back."""

from typing import Any

import pytest

from lanekassen_ai.tasks import health_check
from tests.conftest import require_postgresql


@pytest.mark.worker
@pytest.mark.postgres
def test_a_real_worker_runs_a_task_and_its_result_is_read_back(redis_celery_worker: Any) -> None:
    require_postgresql()
    result = health_check.delay()
    value = result.get(timeout=30)
    assert result.successful()
    assert value["ok"] is True
    assert value["checks"]["database"]["detail"] == "postgresql"
    assert "redis" in value["checks"]["broker"]["detail"].lower()


def test_the_celery_app_accepts_json_only() -> None:
    from lanekassen_ai.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
