"""control/api/risk.py: bulk import, registry and scoring runs over the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from control.ml.training import TrainingResult
from control.models import Application, ImportRun, RiskModelVersion, ScoringRun
from tests.control.factories import import_csv, import_row
from tests.control.risk_fixtures import CURRENT_YEAR, model_version_store

pytestmark = pytest.mark.django_db


def _upload(client, data: bytes, **extra: str):
    return client.post(
        reverse("applications-import"),
        {"file": SimpleUploadedFile("applications.csv", data, content_type="text/csv"), **extra},
    )


def test_bulk_upload_imports_a_valid_file(client_for) -> None:
    response = _upload(client_for("analytiker"), import_csv([import_row(1), import_row(2)]))
    assert response.status_code == 201, response.content
    assert response.json()["rows_imported"] == 2
    assert Application.objects.count() == 2


def test_bulk_upload_refuses_a_bad_file_with_line_numbers_and_changes_nothing(client_for) -> None:
    data = import_csv([import_row(1), import_row(2, study_level="POSTDOC")])
    response = _upload(client_for("admin"), data)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {"line": 3, "column": "study_level", "value": "POSTDOC", "reason": body["errors"][0]["reason"]}
    ]
    assert Application.objects.count() == 0
    assert ImportRun.objects.get(pk=body["import_run"]).status == ImportRun.Status.REJECTED


def test_bulk_upload_with_skip_invalid_lists_the_rejected_rows(client_for) -> None:
    data = import_csv([import_row(1), import_row(2, children="99")])
    response = _upload(client_for("analytiker"), data, skip_invalid="true")
    assert response.status_code == 201
    assert response.json()["rows_rejected"] == 1
    assert response.json()["rejected"][0]["line"] == 3
    assert Application.objects.count() == 1


def test_bulk_upload_refuses_binary_junk_with_a_clear_message(client_for) -> None:
    response = _upload(client_for("analytiker"), b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert response.status_code == 400
    assert "binære" in response.json()["detail"]


def test_a_caseworker_cannot_upload(client_for) -> None:
    assert _upload(client_for("saksbehandler"), import_csv([import_row(1)])).status_code == 403
    assert Application.objects.count() == 0


def test_a_modeller_activates_a_model_and_starts_a_scoring_run(
    client_for,
    imported_population: int,
    trained: TrainingResult,
    private_storage: Path,
    django_capture_on_commit_callbacks,
) -> None:
    version = model_version_store(trained=trained)
    client = client_for("analytiker")
    response = client.post(reverse("risk-model-activate", args=[version.version]))
    assert response.status_code == 200 and response.json()["status"] == "ACTIVE"
    detail = client.get(reverse("risk-model-detail", args=[version.version])).json()
    assert detail["metrics"]["auc"] == pytest.approx(version.metrics["auc"])
    assert "fairness" in detail and "national_id" not in str(detail)
    # The task is enqueued after commit and runs in-process in tests (eager).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scoring-run-list"), {"academic_year": CURRENT_YEAR})
    assert response.status_code == 202, response.content
    run = ScoringRun.objects.get(pk=response.json()["id"])
    assert run.status == ScoringRun.Status.SUCCEEDED and run.done == run.total > 0
    listed = client.get(reverse("scoring-run-list")).json()
    assert listed["results"][0]["id"] == run.pk


def test_retiring_the_active_model_over_the_api_is_a_conflict(
    client_for, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    client = client_for("admin")
    client.post(reverse("risk-model-activate", args=[version.version]))
    response = client.post(reverse("risk-model-retire", args=[version.version]))
    assert response.status_code == 409
    assert RiskModelVersion.objects.get(pk=version.pk).status == RiskModelVersion.Status.ACTIVE
