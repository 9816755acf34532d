"""control/api/training.py: retraining a risk model and exporting the scores through the API."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from control.models import ScoringRun
from lanekassen_ai.models import AuditEvent
from tests.control.factories import RiskModelVersionFactory, scored_applications

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_retraining_without_a_feature_is_audited_and_queued_after_commit(
    modeller: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = RiskModelVersionFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _api(modeller).post(
            reverse("risk-model-retrain", args=[version.version]),
            {"excluded_features": ["log_distance_study_km", "log_distance_study_km"]},
            format="json",
        )
    assert response.status_code == 202, response.json()
    assert response.json()["excluded_features"] == ["log_distance_study_km"]
    event = AuditEvent.objects.get(action="control.risk_model.retrain")
    assert event.channel == "api" and event.details["excluded_features"] == ["log_distance_study_km"]
    assert len(callbacks) == 1  # the training task, sent once the audit event is committed


def test_retraining_with_an_unknown_feature_is_a_400_and_nothing_is_queued(modeller: Any) -> None:
    version = RiskModelVersionFactory()
    response = _api(modeller).post(
        reverse("risk-model-retrain", args=[version.version]),
        {"excluded_features": ["shoe_size"]},
        format="json",
    )
    assert response.status_code == 400 and "excluded_features" in response.json()
    assert not AuditEvent.objects.filter(action="control.risk_model.retrain").exists()


def test_the_score_export_is_the_commands_csv_rank_first(modeller: Any) -> None:
    scores = scored_applications(n=3, academic_year=2019)
    version = scores[0].model_version
    ScoringRun.objects.create(model_version=version, academic_year=2019, status=ScoringRun.Status.SUCCEEDED)
    response = _api(modeller).get(reverse("risk-score-export"), {"year": 2019})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "application_id,score,rank,percentile,model_version,reasons"
    assert [line.split(",")[2] for line in lines[1:]] == ["1", "2", "3"]
    assert lines[1].split(",")[0] == scores[0].application_id and lines[1].split(",")[4] == version.version


def test_a_year_not_scored_is_a_404_with_the_reason(modeller: Any) -> None:
    response = _api(modeller).get(reverse("risk-score-export"), {"year": 2017})
    assert response.status_code == 404 and "has not been scored" in response.json()["detail"]
    assert _api(modeller).get(reverse("risk-score-export")).status_code == 400
