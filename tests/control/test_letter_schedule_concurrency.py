"""The letter sender under real concurrency (PostgreSQL): four runs of the beat task at once
send each scheduled letter once (control/services/letter_schedule.py)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from control.models import CampaignLetterDay, ControlCampaign, DocumentationRequest
from control.services import letter_schedule
from control.services.campaigns import control_campaign_confirm
from control.services.letter_schedule import campaign_letter_schedule_accept, campaign_letters_send
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.conftest import require_postgresql
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_senders_at_once_send_each_letter_once(settings, monkeypatch) -> None:
    require_postgresql()
    settings.CONTROL_LETTERS_PER_DAY_DEFAULT = 7
    settings.CONTROL_LETTER_SCHEDULE_DAYS = 2
    # Small chunks, so the runs take turns on the day's lock many times.
    monkeypatch.setattr(letter_schedule, "SEND_CHUNK", 2)
    manager = UserFactory(role=Role.MANAGER)
    campaign = ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED)
    for i in range(10):
        ControlCaseFactory(campaign=campaign, priority=i)
    control_campaign_confirm(campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager))
    campaign_letter_schedule_accept(
        campaign=campaign, accepted_by=manager, context=AuditContext(actor=manager)
    )
    first, second = CampaignLetterDay.objects.filter(campaign=campaign).order_by("day")
    barrier = threading.Barrier(4)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            results.append(campaign_letters_send(context=AuditContext.for_task(), today=second.day))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    per_case = Counter(
        DocumentationRequest.objects.filter(case__campaign=campaign).values_list("case_id", flat=True)
    )
    assert len(per_case) == 10 and set(per_case.values()) == {1}
    assert sum(r["letters"] for r in results) == 10
    assert sum(r["days"] for r in results) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sent, second.sent) == (7, 3)
    assert first.sent_at is not None and second.sent_at is not None
    assert AuditEvent.objects.filter(action="control.campaign.letters_send").count() == 2
