"""lanekassen_ai/services/jobs.py: the worker lease, and production's need for a broker."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db.models import Q
from django.utils import timezone

from control.models import ScoringRun
from lanekassen_ai.services.jobs import LeaseLost, job_claim
from tests.control.factories import RiskModelVersionFactory

ACTIVE = Q(status__in=["PENDING", "RUNNING"])


@pytest.mark.django_db
def test_a_job_held_by_a_live_worker_is_not_claimed_twice_and_a_dead_workers_lease_is_taken_over(
    settings: Any,
) -> None:
    settings.JOBS_LEASE_SECONDS = 60
    run = ScoringRun.objects.create(model_version=RiskModelVersionFactory(), academic_year=2019)
    first = job_claim(model=ScoringRun, pk=run.pk, active=ACTIVE)
    assert first is not None
    assert job_claim(model=ScoringRun, pk=run.pk, active=ACTIVE) is None
    first.beat(status="RUNNING")
    ScoringRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    second = job_claim(model=ScoringRun, pk=run.pk, active=ACTIVE)
    assert second is not None and second.owner != first.owner
    with pytest.raises(LeaseLost):
        first.beat()
    assert first.release(status="FAILED") == 0  # the old worker writes nothing
    assert second.release(status="SUCCEEDED") == 1
    assert job_claim(model=ScoringRun, pk=run.pk, active=ACTIVE) is None  # done


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"),
        **extra,
    }


def test_production_refuses_to_start_without_a_broker() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    refused = subprocess.run(
        [sys.executable, "-c", code],
        env=_production_env(),
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )
    # Unset, the broker defaults to a local Redis (interfaces.md); blank is refused.
    assert refused.returncode == 0 and refused.stdout.strip() == "False", refused.stderr
    blank = subprocess.run(
        [sys.executable, "-c", code],
        env=_production_env(CELERY_BROKER_URL=""),
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )
    assert blank.returncode != 0 and "CELERY_BROKER_URL" in blank.stderr
    started = subprocess.run(
        [sys.executable, "-c", code],
        env=_production_env(CELERY_BROKER_URL="redis://127.0.0.1:6379/2"),
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "False"  # tasks never run inside a web request
