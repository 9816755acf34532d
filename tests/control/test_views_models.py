"""control/views/models.py: registry list, model card and the import page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from control.ml.training import TrainingResult
from control.models import Application, Customer, RiskModelVersion
from tests.control.factories import RiskModelVersionFactory, import_csv, import_row
from tests.control.risk_fixtures import model_version_store

pytestmark = pytest.mark.django_db


def test_the_registry_list_is_paginated_and_free_of_n_plus_one(
    client_for, django_assert_max_num_queries, modeller
) -> None:
    RiskModelVersionFactory.create_batch(30, trained_by=modeller)
    client = client_for("analytiker")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("control:model-list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/control/models/test-') == 25
    assert client.get(reverse("control:model-list") + "?page=2").status_code == 200


def test_the_model_card_shows_metrics_with_intervals_charts_comparison_and_flagged_fairness(
    client_for, imported_population: int, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    html = (
        client_for("analytiker").get(reverse("control:model-detail", args=[version.version])).content.decode()
    )
    assert 'data-metric="recall_at_25"' in html
    assert (
        f"{version.metrics['recall_at_25']:.3f}".replace(".", ",") in html
        or f"{version.metrics['recall_at_25']:.3f}" in html
    )
    assert 'id="model-card-chart-data"' in html and "chart-4.6.1.umd.min.js" in html
    assert "Gammel regel" in html and "Tilfeldig" in html
    # Groups in plain words, intersections included, never codes such as EU_EEA or <21.
    assert "fairness-table" in html and "Fødeland" in html and "født i Norge" in html
    assert "kvinner, født i Norge" in html and "EU_EEA" not in html and "&lt;21" not in html
    flagged = [
        (name, metric)
        for name, report in version.fairness["attributes"].items()
        for metric, detail in report["ratio_details"].items()
        if detail["status"] == "flagged"
    ]
    if flagged:
        assert "under grensen" in html
    # Every candidate side by side, the justification per feature and the drift section.
    for name in version.comparison["candidates"]["candidates"]:
        assert f'data-candidate="{name}"' in html
    assert 'id="justification-table"' in html and 'id="drift-table"' in html
    assert 'id="retrain-button"' in html
    # Aggregates only: no student is identifiable from the card.
    for national_id in Customer.objects.values_list("national_id", flat=True)[:200]:
        assert national_id not in html
    assert 'id="activate-button"' in html


def test_a_manager_sees_the_card_but_cannot_activate(
    client_for, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    client = client_for("leder")
    html = client.get(reverse("control:model-detail", args=[version.version])).content.decode()
    assert 'id="activate-button"' not in html
    assert client.post(reverse("control:model-activate", args=[version.version])).status_code == 403
    assert RiskModelVersion.objects.get(pk=version.pk).status == RiskModelVersion.Status.CANDIDATE


def test_a_modeller_activates_from_the_card(
    client_for, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    response = client_for("analytiker").post(
        reverse("control:model-activate", args=[version.version]), follow=True
    )
    assert response.status_code == 200
    assert RiskModelVersion.objects.get(pk=version.pk).status == RiskModelVersion.Status.ACTIVE
    assert "er nå aktiv" in response.content.decode()


def test_an_unknown_version_is_a_404(client_for) -> None:
    assert client_for("analytiker").get(reverse("control:model-detail", args=["nope"])).status_code == 404


def test_the_import_page_shows_each_bad_row_and_imports_nothing(client_for) -> None:
    data = import_csv([import_row(1), import_row(2, national_id="12345678901")])
    response = client_for("analytiker").post(
        reverse("control:applications-import"), {"file": SimpleUploadedFile("bad.csv", data)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-refused"' in html and 'id="import-errors"' in html
    assert '<th scope="row">3</th>' in html and "national_id" in html
    assert Application.objects.count() == 0


def test_the_import_page_imports_a_good_file(client_for) -> None:
    data = import_csv([import_row(1), import_row(2)])
    response = client_for("admin").post(
        reverse("control:applications-import"), {"file": SimpleUploadedFile("good.csv", data)}
    )
    assert 'id="import-result"' in response.content.decode()
    assert Application.objects.count() == 2


def test_a_modeller_switches_features_off_and_a_new_version_is_trained_and_audited(
    client_for,
    imported_population: int,
    trained: TrainingResult,
    private_storage: Path,
    django_capture_on_commit_callbacks,
) -> None:
    from lanekassen_ai.models import AuditEvent

    version = model_version_store(trained=trained)
    before = RiskModelVersion.objects.count()
    client = client_for("analytiker")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("control:model-retrain", args=[version.version]),
            {"excluded": ["age", "age_under_21"]},
        )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="control.risk_model.retrain").get()
    assert event.details["excluded_features"] == ["age", "age_under_21"]
    assert RiskModelVersion.objects.count() == before + 1
    new = RiskModelVersion.objects.exclude(pk=version.pk).get()
    assert new.excluded_features == ["age", "age_under_21"]
    importance = {item["feature"] for item in new.global_importance if item["importance"] > 0}
    assert not any(part in {"age", "age_under_21"} for term in importance for part in term.split(" & "))


def test_switching_off_an_unknown_feature_is_refused_with_a_message(
    client_for, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    response = client_for("analytiker").post(
        reverse("control:model-retrain", args=[version.version]), {"excluded": ["gender"]}, follow=True
    )
    assert "unknown feature" in response.content.decode()
    assert RiskModelVersion.objects.count() == 1
