"""control/api/campaigns.py: campaigns are created, confirmed and discarded, and
do-not-control flags kept, through the API with the pages' services and audit events."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from control.models import ControlCampaign, ControlCase, DoNotControlFlag
from lanekassen_ai.models import AuditEvent, DomainEvent
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory, scored_applications

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_campaign_is_created_selected_and_confirmed_through_the_api(
    manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    scores = scored_applications(n=60)
    year = scores[0].academic_year
    client = _api(manager)
    body = {"name": "Kontroll via API", "academic_year": year, "budget_count": 10, "random_share": 0.2}
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            reverse("control-campaign-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="c-1"
        )
    assert created.status_code == 202, created.json()
    campaign = ControlCampaign.objects.get(pk=created.json()["id"])
    assert campaign.status == ControlCampaign.Status.PROPOSED  # the selection ran after commit
    assert campaign.cases.count() == 10
    replay = client.post(reverse("control-campaign-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert replay["Idempotent-Replayed"] == "true" and ControlCampaign.objects.count() == 1

    confirmed = client.post(reverse("control-campaign-confirm", args=[campaign.pk]))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "CONFIRMED"
    assert AuditEvent.objects.get(action="control.campaign.confirm").channel == "api"
    assert DomainEvent.objects.get(type="control.campaign.confirmed").payload["campaign_id"] == campaign.pk
    again = client.post(reverse("control-campaign-confirm", args=[campaign.pk]))
    assert again.status_code == 409 and "foreslått" in again.json()["detail"]


def test_a_bad_campaign_is_a_400_naming_the_fields_and_nothing_is_created(manager: Any) -> None:
    response = _api(manager).post(
        reverse("control-campaign-list"),
        {"name": "", "academic_year": 1999, "random_share": 0.01},
        format="json",
    )
    assert response.status_code == 400
    assert {"name", "academic_year", "random_share"} <= set(response.json())
    assert not ControlCampaign.objects.exists()


def test_a_proposal_is_discarded_with_its_cases_but_a_confirmed_campaign_is_not(manager: Any) -> None:
    proposed = ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED)
    ControlCaseFactory(campaign=proposed)
    confirmed = ControlCampaignFactory(status=ControlCampaign.Status.CONFIRMED)
    client = _api(manager)
    assert client.post(reverse("control-campaign-discard", args=[proposed.pk])).status_code == 204
    assert not ControlCampaign.objects.filter(pk=proposed.pk).exists()
    assert not ControlCase.objects.filter(campaign_id=proposed.pk).exists()
    assert AuditEvent.objects.get(action="control.campaign.discard").channel == "api"
    refused = client.post(reverse("control-campaign-discard", args=[confirmed.pk]))
    assert refused.status_code == 409 and ControlCampaign.objects.filter(pk=confirmed.pk).exists()


def test_a_caseworker_may_not_create_a_campaign(caseworker: Any) -> None:
    response = _api(caseworker).post(reverse("control-campaign-list"), {}, format="json")
    assert response.status_code == 403


def test_do_not_control_flags_are_created_listed_and_lifted(manager: Any) -> None:
    customer = ControlCaseFactory().application.customer
    client = _api(manager)
    created = client.post(
        reverse("do-not-control-flag-list"),
        {"customer_id": customer.pk, "reason": "Sårbar student."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="flag-1",
    )
    assert created.status_code == 201 and created.json()["customer"] == customer.pk
    flag_id = created.json()["id"]
    assert AuditEvent.objects.get(action="control.flag.create").channel == "api"
    listing = client.get(reverse("do-not-control-flag-list"), {"active": "true"}).json()
    assert [f["id"] for f in listing["results"]] == [flag_id]
    lifted = client.post(reverse("do-not-control-flag-deactivate", args=[flag_id]))
    assert lifted.status_code == 200 and lifted.json()["active"] is False
    assert not DoNotControlFlag.objects.get(pk=flag_id).active
    assert client.post(reverse("do-not-control-flag-deactivate", args=[flag_id])).status_code == 409
    assert client.get(reverse("do-not-control-flag-list"), {"active": "true"}).json()["count"] == 0


def test_a_flag_for_an_unknown_customer_is_a_400_on_the_field(manager: Any) -> None:
    response = _api(manager).post(
        reverse("do-not-control-flag-list"), {"customer_id": "NOBODY", "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "customer_id" in response.json()
    assert not DoNotControlFlag.objects.exists()
