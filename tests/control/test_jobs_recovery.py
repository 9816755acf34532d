"""Scoring runs and campaign selections survive a dead worker and a dead broker: the worker
lease and the beat job's recovery (control/services/scoring.py, control/services/campaigns.py
on lanekassen_ai/services/jobs.py), with real worker processes on Redis and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from control.ml.training import TrainingResult
from control.models import Application, ControlCampaign, ControlCase, RiskModelVersion, RiskScore, ScoringRun
from control.services.campaigns import control_campaign_start, control_campaigns_recover
from control.services.scoring import scoring_run_start, scoring_runs_recover
from lanekassen_ai.services.audit import AuditContext
from tests.conftest import JOBS_LEASE_SECONDS
from tests.control.factories import ApplicationFactory, RiskModelVersionFactory, scored_applications
from tests.control.risk_fixtures import CURRENT_YEAR, model_version_store

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

WORKER_ENV = {"JOBS_LEASE_SECONDS": str(JOBS_LEASE_SECONDS)}  # the same as the `publishing` fixture's


def _wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_a_scoring_run_whose_worker_is_killed_is_finished_by_another_scoring_each_application_once(
    worker_processes: Callable[..., subprocess.Popen[bytes]],
    publishing: None,
    imported_population: int,
    trained: TrainingResult,
) -> None:
    version = model_version_store(trained=trained, version="kill-scoring")
    env = {**WORKER_ENV, "CONTROL_SCORING_CHUNK_SIZE": "100"}
    first = worker_processes(**env)
    run = scoring_run_start(year=CURRENT_YEAR, model_version=version, context=AuditContext())

    def half_done() -> bool:
        run.refresh_from_db()
        return 0 < run.done < run.total

    assert _wait_for(half_done, timeout=120), f"the worker never got half-way: {run.status} {run.done}"
    _kill(first)
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.RUNNING and run.done < run.total
    kept = set(RiskScore.objects.filter(model_version=version).values_list("pk", flat=True))
    started = time.monotonic()
    worker_processes(**env)

    def finished() -> bool:
        scoring_runs_recover()  # what the beat job does every minute
        run.refresh_from_db()
        return run.status != ScoringRun.Status.RUNNING and run.status != ScoringRun.Status.PENDING

    assert _wait_for(finished, timeout=300, every=1.0)
    elapsed = time.monotonic() - started
    assert run.status == ScoringRun.Status.SUCCEEDED, run.error
    assert elapsed < 300
    year_ids = set(Application.objects.filter(academic_year=CURRENT_YEAR).values_list("pk", flat=True))
    scored = list(RiskScore.objects.filter(model_version=version).values_list("application_id", flat=True))
    assert len(scored) == len(set(scored)) == len(year_ids) == run.total == run.done
    assert set(scored) == year_ids
    chunks = [tuple(c) for c in run.chunks_done]
    assert len(chunks) == len(set(chunks)) == -(-run.total // 100)
    # The chunks the killed worker finished were not scored again.
    assert kept <= set(RiskScore.objects.filter(model_version=version).values_list("pk", flat=True))
    assert run.attempts >= 1 and run.lease_owner == ""


def test_a_selection_whose_worker_is_killed_is_finished_by_another_picking_each_application_once(
    worker_processes: Callable[..., subprocess.Popen[bytes]], publishing: None, manager: Any
) -> None:
    scored_applications(n=600)
    env = {**WORKER_ENV, "CONTROL_SELECTION_CHUNK_SIZE": "1"}
    first = worker_processes(**env)
    campaign = control_campaign_start(
        name="Kontroll 2018",
        academic_year=2018,
        budget_count=400,
        random_share=0.25,
        created_by=manager,
        context=AuditContext(actor=manager),
    )

    def selecting() -> bool:
        campaign.refresh_from_db()
        return campaign.lease_owner != "" and 20 < campaign.progress < 90

    assert _wait_for(selecting, timeout=120), f"the worker never got half-way: {campaign.status}"
    _kill(first)
    campaign.refresh_from_db()
    assert campaign.status == ControlCampaign.Status.SELECTING
    assert 0 < ControlCase.objects.filter(campaign=campaign).count() < 400
    started = time.monotonic()
    worker_processes(**env)

    def finished() -> bool:
        control_campaigns_recover()  # what the beat job does every minute
        campaign.refresh_from_db()
        return campaign.status != ControlCampaign.Status.SELECTING

    assert _wait_for(finished, timeout=300, every=1.0)
    assert time.monotonic() - started < 300
    assert campaign.status == ControlCampaign.Status.PROPOSED, campaign.error
    picked = list(ControlCase.objects.filter(campaign=campaign).values_list("application_id", flat=True))
    assert len(picked) == len(set(picked)) == 400
    assert (campaign.preview["risk"], campaign.preview["random"]) == (300, 100)
    assert campaign.attempts >= 1 and campaign.progress == 100


def test_a_dead_broker_answers_503_within_3_seconds_and_leaves_the_scoring_run_retryable(
    broker_down: None, client_for: Callable[[str], Any]
) -> None:
    RiskModelVersionFactory(status=RiskModelVersion.Status.ACTIVE)
    ApplicationFactory(academic_year=CURRENT_YEAR)
    started = time.monotonic()
    response = client_for("analytiker").post(reverse("scoring-run-list"), {"academic_year": CURRENT_YEAR})
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["detail"] == "Bakgrunnsjobber er midlertidig utilgjengelige. Prøv igjen om litt."
    run = ScoringRun.objects.get()
    assert run.status == ScoringRun.Status.FAILED and "broker unavailable" in run.error
    assert not ScoringRun.objects.filter(status__in=["PENDING", "RUNNING"]).exists()


def test_a_dead_broker_answers_503_within_3_seconds_and_leaves_the_campaign_retryable(
    broker_down: None, client_for: Callable[[str], Any]
) -> None:
    scored_applications(n=5)
    started = time.monotonic()
    response = client_for("leder").post(
        reverse("control:campaign-create"),
        {
            "name": "x",
            "academic_year": 2018,
            "budget_count": 2,
            "random_share_percent": 50,
            "documentation_days": 21,
        },
    )
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert "Bakgrunnsjobber er midlertidig utilgjengelige" in response.content.decode()
    campaign = ControlCampaign.objects.get()
    assert campaign.status == ControlCampaign.Status.FAILED
    assert not ControlCampaign.objects.filter(status=ControlCampaign.Status.SELECTING).exists()
    page = client_for("leder").get(reverse("control:campaign-detail", args=[campaign.pk])).content.decode()
    assert reverse("control:campaign-retry", args=[campaign.pk]) in page


def test_two_simultaneous_scoring_requests_for_one_year_and_model_start_one_run_and_name_it_to_the_other(
    publishing: None, client_for: Callable[[str], Any]
) -> None:
    import threading

    from django.db import connection
    from django.test import Client

    RiskModelVersionFactory(status=RiskModelVersion.Status.ACTIVE)
    ApplicationFactory(academic_year=CURRENT_YEAR)
    user = client_for("analytiker")  # logs the user in once; each thread gets its own client
    session = user.cookies
    barrier = threading.Barrier(4)
    answers: list[Any] = []

    def post() -> None:
        client = Client()
        client.cookies = session
        barrier.wait()
        try:
            answers.append(client.post(reverse("scoring-run-list"), {"academic_year": CURRENT_YEAR}))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [202, 409, 409, 409], [a.content for a in answers]
    run = ScoringRun.objects.get()
    assert run.status == ScoringRun.Status.PENDING
    for conflict in (a.json() for a in answers if a.status_code == 409):
        assert conflict["running"]["id"] == run.pk
        assert f"scoring run {run.pk}" in conflict["detail"]


def test_a_failed_scoring_run_is_retried_over_the_api_and_resumes(
    client_for: Callable[[str], Any],
    imported_population: int,
    trained: TrainingResult,
    private_storage: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lanekassen_ai.models import AuditEvent

    version = model_version_store(trained=trained)
    run = ScoringRun.objects.create(
        model_version=version,
        academic_year=CURRENT_YEAR,
        total=Application.objects.filter(academic_year=CURRENT_YEAR).count(),
        status="FAILED",
    )
    client = client_for("analytiker")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scoring-run-retry", args=[run.pk]))
    assert response.status_code == 202, response.content
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.SUCCEEDED and run.done == run.total
    assert AuditEvent.objects.filter(action="control.scoring.retry", object_id=str(run.pk)).exists()
    again = client.post(reverse("scoring-run-retry", args=[run.pk]))
    assert again.status_code == 409
    assert "only a failed or stuck run can be retried" in again.json()["detail"]


def test_the_model_page_offers_a_retry_for_a_failed_run_and_the_retry_queues_it(
    client_for: Callable[[str], Any], django_capture_on_commit_callbacks: Any
) -> None:
    version = RiskModelVersionFactory(status=RiskModelVersion.Status.ACTIVE)
    run = ScoringRun.objects.create(model_version=version, academic_year=2019, total=1, status="FAILED")
    client = client_for("analytiker")
    page = client.get(reverse("control:model-detail", args=[version.version])).content.decode()
    assert reverse("control:scoring-run-retry", args=[run.pk]) in page
    # Queued and run in-process; with no artifact stored it fails again, with the reason.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("control:scoring-run-retry", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.FAILED and run.error


def test_a_stuck_run_is_requeued_by_the_recovery_job_and_failed_after_the_last_try(
    settings: Any, imported_population: int, trained: TrainingResult, private_storage: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    settings.JOBS_MAX_ATTEMPTS = 2
    version = model_version_store(trained=trained)
    long_ago = timezone.now() - timedelta(hours=2)
    stuck = ScoringRun.objects.create(
        model_version=version,
        academic_year=CURRENT_YEAR,
        total=Application.objects.filter(academic_year=CURRENT_YEAR).count(),
        status="RUNNING",
        lease_owner="gone:1:dead",
        heartbeat_at=long_ago,
    )
    fresh = ScoringRun.objects.create(
        model_version=RiskModelVersionFactory(),
        academic_year=CURRENT_YEAR,
        status="RUNNING",
        lease_owner="alive:1:well",
        heartbeat_at=timezone.now(),
    )
    assert scoring_runs_recover() == {"requeued": [stuck.pk], "failed": []}
    stuck.refresh_from_db()
    assert (stuck.attempts, stuck.lease_owner) == (1, "")
    ScoringRun.objects.filter(pk=stuck.pk).update(heartbeat_at=long_ago, lease_owner="gone:2:dead")
    assert scoring_runs_recover() == {"requeued": [], "failed": [stuck.pk]}
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == ScoringRun.Status.FAILED and "2 times" in stuck.error
    assert fresh.status == ScoringRun.Status.RUNNING and fresh.attempts == 0


def test_a_failed_selection_is_retried_from_the_campaign_page_and_over_the_api(
    client_for: Callable[[str], Any], manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from lanekassen_ai.models import AuditEvent

    scored_applications(n=10)
    campaign = ControlCampaign.objects.create(
        name="x",
        academic_year=2018,
        budget_count=4,
        random_share=0.25,
        model_version=RiskModelVersion.objects.get(),
        status=ControlCampaign.Status.FAILED,
        error="broker unavailable",
        created_by=manager,
    )
    client = client_for("leder")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("control:campaign-retry", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == ControlCampaign.Status.PROPOSED and campaign.cases.count() == 4
    assert AuditEvent.objects.filter(action="control.campaign.retry", object_id=str(campaign.pk)).exists()
    again = client.post(reverse("control-campaign-retry", args=[campaign.pk]))
    assert again.status_code == 409 and again.json()["detail"]
    ControlCampaign.objects.filter(pk=campaign.pk).update(status="FAILED")
    with django_capture_on_commit_callbacks(execute=True):
        api = client.post(reverse("control-campaign-retry", args=[campaign.pk]))
    assert api.status_code == 202 and api.json()["status"] == "SELECTING"
    campaign.refresh_from_db()
    assert campaign.status == ControlCampaign.Status.PROPOSED and campaign.cases.count() == 4
