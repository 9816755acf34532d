"""control/api/casework.py: the casework API uses the same services and rules as the pages."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from control.models import Application, ControlCase
from lanekassen_ai.models import AuditEvent
from tests.control.casework_helpers import decide_with_due_process
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory, RiskScoreFactory

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_masks_the_national_id_and_detail_shows_reasons(caseworker: Any) -> None:
    case = ControlCaseFactory()
    RiskScoreFactory(application=case.application, model_version=case.campaign.model_version, percentile=80.0)
    client = _api(caseworker)
    listing = client.get(reverse("control-case-list")).json()
    national_id = case.application.customer.national_id
    assert listing["count"] == 1
    assert listing["results"][0]["national_id_masked"] == f"{national_id[:6]}*****"
    assert national_id not in str(listing)
    detail = client.get(reverse("control-case-detail", args=[case.pk])).json()
    assert detail["national_id"] == national_id
    assert detail["risk_band"] == "medium"
    assert detail["risk_reasons"][0]["feature"] == "distance_study_km"
    assert detail["risk_reason_texts"] == ["Kort avstand mellom foreldrenes hjem og studiestedet"]
    assert AuditEvent.objects.get(action="control.case.view").channel == "api"


def test_bad_list_filters_are_a_400_naming_the_parameter(caseworker: Any) -> None:
    response = _api(caseworker).get(reverse("control-case-list"), {"status": "NOPE", "sort": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"status", "sort"}


def test_request_documentation_then_decide_through_the_api(caseworker: Any) -> None:
    case = ControlCaseFactory()
    client = _api(caseworker)
    created = client.post(reverse("control-case-request-documentation", args=[case.pk]), {}, format="json")
    assert created.status_code == 201
    assert "Lånekassen" in created.json()["letter_text"]
    decided = client.post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CLEARED", "justification": "Leiekontrakten er gyldig."},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["locked"] is True
    assert Application.objects.get(pk=case.application_id).control_outcome == "CLEARED"


def test_deciding_without_justification_through_the_api_is_a_400_and_writes_nothing(caseworker: Any) -> None:
    case = ControlCaseFactory()
    response = _api(caseworker).post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "justification" in response.json()
    case.refresh_from_db()
    assert case.status == ControlCase.Status.OPEN


def test_deciding_a_locked_case_through_the_api_is_a_400(caseworker: Any) -> None:
    case = ControlCaseFactory(locked=True, status=ControlCase.Status.DECIDED, outcome="CLEARED")
    response = _api(caseworker).post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": "Endrer vedtaket nå."},
        format="json",
    )
    assert response.status_code == 400
    assert "låst" in str(response.json())


def test_take_next_through_the_api_and_204_when_empty(caseworker: Any) -> None:
    case = ControlCaseFactory()
    client = _api(caseworker)
    taken = client.post(reverse("control-case-take-next"))
    assert taken.status_code == 200
    assert taken.json()["id"] == case.pk
    assert client.post(reverse("control-case-take-next")).status_code == 204


def test_manager_cannot_decide_through_the_api(manager: Any) -> None:
    case = ControlCaseFactory()
    response = _api(manager).post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CAUGHT", "justification": "Leder vil avgjøre."},
        format="json",
    )
    assert response.status_code == 403


def test_campaign_statistics_give_hit_rate_with_wilson_interval(manager: Any, caseworker: Any) -> None:
    campaign = ControlCampaignFactory()
    for outcome in ("CAUGHT", "CLEARED", "CLEARED", "CLEARED"):
        decide_with_due_process(
            case=ControlCaseFactory(campaign=campaign, selection_reason="RANDOM", selection_probability=0.1),
            outcome=outcome,
            caseworker=caseworker,
        )
    stats = _api(manager).get(reverse("control-campaign-statistics", args=[campaign.pk])).json()
    random = stats["hit_rate_by_reason"]["RANDOM"]
    assert (random["decided"], random["caught"], random["rate"]) == (4, 1, 0.25)
    assert random["ci_low"] == pytest.approx(0.0456, abs=1e-3)
    assert random["ci_high"] == pytest.approx(0.6994, abs=1e-3)
    assert stats["progress"]["decided"] == 4
    assert stats["lift"] is None


def test_the_casework_endpoints_are_in_the_openapi_schema(client_for: Any) -> None:
    schema = client_for("admin").get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/control/cases/" in paths
    assert "/api/v1/control/cases/{id}/decision/" in paths
    assert "/api/v1/control/cases/{id}/request-documentation/" in paths
    assert "/api/v1/control/campaigns/{id}/statistics/" in paths
