"""Retraining as a background job (chat/services/training_runs.py): progress from the
database with and without a broker, a dead broker, a vanished worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.models import Assistant, IntentTrainingRun
from chat.services.knowledge import catalogue_load
from chat.services.training_runs import intent_training_runs_recover
from tests.chat.conftest import MINI_CATALOGUE


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_retraining_returns_at_once_and_the_progress_partial_follows_it_to_done(
    settings: Any, client_for: Callable[[str], Any]
) -> None:
    # What `make run` does: no broker, jobs in a background thread of the web process.
    settings.JOBS_IN_PROCESS = "thread"
    catalogue_load(data=MINI_CATALOGUE)
    client = client_for("saksbehandler")
    started = time.monotonic()
    response = client.post(reverse("chat:model-train"), {"assistant": "kunde", "next": "/chat/review/"})
    assert time.monotonic() - started < 3
    assert response.status_code == 302
    run = IntentTrainingRun.objects.get()
    assert f"training={run.pk}" in response["Location"]
    assert client.get(response["Location"]).status_code == 200
    deadline = time.monotonic() + 120
    while True:
        partial = client.get(
            reverse("chat:model-train-progress", args=[run.pk]), headers={"HX-Request": "true"}
        )
        assert partial.status_code == 200
        body = partial.content.decode()
        if "hx-trigger" not in body or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "Treningen er ferdig" in body, body
    run.refresh_from_db()
    assert (
        run.status == "SUCCEEDED" and run.model_version is not None and run.model_version.status == "ACTIVE"
    )


@pytest.mark.worker
@pytest.mark.postgres
def test_a_dead_broker_answers_503_within_3_seconds_and_leaves_no_waiting_training(
    broker_down: None, client_for: Callable[[str], Any]
) -> None:
    catalogue_load(data=MINI_CATALOGUE)
    started = time.monotonic()
    response = client_for("analytiker").post(reverse("chat:model-train"), {"assistant": "kunde"})
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert "Bakgrunnsjobber er midlertidig utilgjengelige" in response.content.decode()
    run = IntentTrainingRun.objects.get()
    assert run.status == "FAILED" and "broker unavailable" in run.error
    client = client_for("analytiker")
    client.cookies["django_language"] = "en"
    english = client.post(reverse("chat:model-train"), {"assistant": "kunde"})
    assert english.status_code == 503
    assert "Background jobs are temporarily unavailable" in english.content.decode()


@pytest.mark.django_db
def test_a_training_whose_worker_vanished_is_requeued_and_finished(
    activate_mini_model: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    activate_mini_model()
    run = IntentTrainingRun.objects.create(
        assistant=Assistant.objects.get(slug="kunde"),
        status="RUNNING",
        lease_owner="gone:1:dead",
        heartbeat_at=timezone.now() - timedelta(hours=1),
        step="fold 2/5",
        share=0.3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert intent_training_runs_recover() == {"requeued": [run.pk], "failed": []}
    run.refresh_from_db()
    assert (run.status, run.attempts, run.share) == ("SUCCEEDED", 1, 1.0)
