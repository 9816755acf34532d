"""The letter schedule on the campaign page and in the API (control/views/campaigns.py,
control/api/campaigns.py): shown when the campaign is confirmed, accepted or adjusted by a
manager, with every wrong count explained."""

from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from control.models import CampaignLetterDay, ControlCampaign
from lanekassen_ai.models import AuditEvent
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory
from tests.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_letters_a_day(settings):
    settings.CONTROL_LETTERS_PER_DAY_DEFAULT = 3
    settings.CONTROL_LETTER_SCHEDULE_DAYS = 4


def _proposed(cases: int = 7) -> ControlCampaign:
    campaign = ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED)
    for i in range(cases):
        ControlCaseFactory(campaign=campaign, priority=i)
    return campaign


def test_confirming_on_the_page_shows_the_proposed_schedule_and_says_the_default_was_used(
    manager: Any,
) -> None:
    campaign = _proposed()
    client = Client()
    client.force_login(manager)
    response = client.post(reverse("control:campaign-confirm", args=[campaign.pk]), follow=True)
    page = response.content.decode()
    assert "Utsendingsplan for brevene" in page
    assert page.count('type="number"') == 4
    days = list(CampaignLetterDay.objects.filter(campaign=campaign).order_by("day"))
    assert [d.letters for d in days] == [3, 3, 1, 0]
    assert f'name="letters-{days[0].day.isoformat()}" value="3"' in page
    assert "standardgrense" in page
    if apps.is_installed("chat"):
        assert "Chatten har ingen prognose" in page
    else:
        assert "Chatten er ikke installert, så standardgrensen på 3 brev per dag er brukt." in page


def test_the_manager_adjusts_and_accepts_on_the_page_and_wrong_counts_are_explained(manager: Any) -> None:
    campaign = _proposed()
    client = Client()
    client.force_login(manager)
    client.post(reverse("control:campaign-confirm", args=[campaign.pk]))
    days = [
        d.isoformat()
        for d in CampaignLetterDay.objects.filter(campaign=campaign).values_list("day", flat=True)
    ]
    accept = reverse("control:campaign-letters-accept", args=[campaign.pk])
    wrong = client.post(accept, {f"letters-{days[0]}": "4", f"letters-{days[1]}": "x"}, follow=True)
    page = wrong.content.decode()
    assert "4 brev er mer enn kapasiteten på 3" in page
    assert "ikke «x»" in page
    campaign.refresh_from_db()
    assert campaign.letter_schedule == ControlCampaign.LetterSchedule.PROPOSED

    accepted = client.post(accept, {f"letters-{days[2]}": "0", f"letters-{days[3]}": "1"}, follow=True)
    assert "Utsendingsplanen er godtatt" in accepted.content.decode()
    campaign.refresh_from_db()
    assert campaign.letter_schedule == ControlCampaign.LetterSchedule.ACCEPTED
    assert list(CampaignLetterDay.objects.filter(campaign=campaign).values_list("letters", flat=True)) == [
        3,
        3,
        1,
    ]
    assert AuditEvent.objects.get(action="control.campaign.letter_schedule.accept").channel == "web"
    # Accepted: the page shows what was sent, with no inputs.
    assert 'type="number"' not in accepted.content.decode()


def test_a_new_proposal_with_a_last_day_for_letters(manager: Any) -> None:
    campaign = _proposed()
    client = Client()
    client.force_login(manager)
    client.post(reverse("control:campaign-confirm", args=[campaign.pk]))
    first = CampaignLetterDay.objects.filter(campaign=campaign).order_by("day").first()
    propose = reverse("control:campaign-letters-propose", args=[campaign.pk])
    client.post(propose, {"letters_by": first.day.isoformat()})
    assert list(CampaignLetterDay.objects.filter(campaign=campaign).values_list("letters", flat=True)) == [3]
    bad = client.post(propose, {"letters_by": "i morgen"}, follow=True)
    assert "Skriv datoen som åååå-mm-dd." in bad.content.decode()


def test_a_caseworker_may_not_accept_a_schedule(caseworker: Any, manager: Any) -> None:
    campaign = _proposed()
    staff = Client()
    staff.force_login(manager)
    staff.post(reverse("control:campaign-confirm", args=[campaign.pk]))
    client = Client()
    client.force_login(caseworker)
    assert client.post(reverse("control:campaign-letters-accept", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("control-campaign-letter-schedule", args=[campaign.pk])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.letter_schedule == ControlCampaign.LetterSchedule.PROPOSED


def test_the_schedule_is_read_and_accepted_through_the_api(manager: Any) -> None:
    campaign = _proposed()
    client = APIClient()
    client.force_authenticate(manager)
    client.post(reverse("control-campaign-confirm", args=[campaign.pk]))
    url = reverse("control-campaign-letter-schedule", args=[campaign.pk])
    body = client.get(url).json()
    assert_matches_schema(client, path="/api/v1/control/campaigns/{id}/letter-schedule/", body=body)
    assert body["state"] == "PROPOSED" and body["pending"] == 7 and body["planned"] == 7
    assert [d["letters"] for d in body["days"]] == [3, 3, 1, 0]
    assert {d["capacity_source"] for d in body["days"]} == {"default"}
    assert body["default_reason"] == ("not_judged" if apps.is_installed("chat") else "no_provider")

    accept = reverse("control-campaign-letter-schedule-accept", args=[campaign.pk])
    wrong = client.post(accept, {"letters": {body["days"][0]["day"]: 9}}, format="json")
    assert wrong.status_code == 400 and "kapasiteten på 3" in str(wrong.json())
    done = client.post(accept, {"letters": {body["days"][3]["day"]: 0}}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "ACCEPTED"
    assert_matches_schema(
        client, path="/api/v1/control/campaigns/{id}/letter-schedule/accept/", body=done.json(), method="post"
    )
    again = client.post(accept, {}, format="json")
    assert again.status_code == 409 and "ingen foreslått" in again.json()["detail"]
    refused = client.post(
        reverse("control-campaign-letter-schedule-propose", args=[campaign.pk]), {}, format="json"
    )
    assert refused.status_code == 409 and "allerede godtatt" in refused.json()["detail"]
