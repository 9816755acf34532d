"""A confirmed campaign's letter schedule: proposal, acceptance and sending
(control/services/letter_schedule.py, control/selectors/letter_schedule.py)."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from control.models import CampaignLetterDay, ControlCampaign, DocumentationRequest, Notice
from control.selectors.expected_load import control_expected_load_events
from control.selectors.letter_schedule import (
    campaign_letter_schedule,
    campaign_letters_pending,
    letter_working_days,
)
from control.services.campaigns import control_campaign_confirm
from control.services.letter_schedule import (
    campaign_letter_schedule_accept,
    campaign_letter_schedule_propose,
    campaign_letters_send,
)
from control.tasks import campaign_letters_task
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_letters_a_day(settings):
    settings.CONTROL_LETTERS_PER_DAY_DEFAULT = 2
    settings.CONTROL_LETTER_SCHEDULE_DAYS = 5


def _confirmed(*, cases: int = 5):
    manager = UserFactory(role=Role.MANAGER)
    campaign = ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED)
    for i in range(cases):
        ControlCaseFactory(campaign=campaign, score=i / 10, priority=i / 10)
    campaign = control_campaign_confirm(
        campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager)
    )
    return campaign, manager


def test_working_days_skip_weekends_and_stop_at_the_last_day() -> None:
    friday = date(2026, 12, 4)
    assert letter_working_days(after=friday, count=3) == [
        date(2026, 12, 7),
        date(2026, 12, 8),
        date(2026, 12, 9),
    ]
    assert letter_working_days(after=friday, count=3, until=date(2026, 12, 8)) == [
        date(2026, 12, 7),
        date(2026, 12, 8),
    ]


def test_confirming_proposes_the_letters_over_the_coming_working_days_within_the_default_limit() -> None:
    campaign, _manager = _confirmed(cases=5)
    schedule = campaign_letter_schedule(campaign=campaign)
    days = letter_working_days(after=timezone.localdate(), count=5)
    assert schedule.state == ControlCampaign.LetterSchedule.PROPOSED
    assert [(d.day, d.letters, d.capacity) for d in schedule.days] == [
        (days[0], 2, 2),
        (days[1], 2, 2),
        (days[2], 1, 2),
        (days[3], 0, 2),
        (days[4], 0, 2),
    ]
    # Without the chat (or with no queue for the topic) the default limit is used, and said so.
    assert {d.capacity_source for d in schedule.days} == {"default"}
    assert schedule.default_reason == ("not_judged" if apps.is_installed("chat") else "no_provider")
    assert schedule.pending == 5 and schedule.unplanned == 0
    event = AuditEvent.objects.get(action="control.campaign.letter_schedule.propose")
    assert event.details["days"] == {days[0].isoformat(): 2, days[1].isoformat(): 2, days[2].isoformat(): 1}


def test_letters_that_do_not_fit_before_the_last_day_stay_with_the_caseworkers() -> None:
    campaign, manager = _confirmed(cases=5)
    last = letter_working_days(after=timezone.localdate(), count=1)[0]
    campaign = campaign_letter_schedule_propose(
        campaign=campaign, letters_by=last, context=AuditContext(actor=manager)
    )
    schedule = campaign_letter_schedule(campaign=campaign)
    assert [(d.day, d.letters) for d in schedule.days] == [(last, 2)]
    assert schedule.unplanned == 3
    assert campaign.letters_by == last


def test_a_last_day_that_has_come_is_refused() -> None:
    campaign, manager = _confirmed(cases=1)
    with pytest.raises(ValidationError, match="etter i dag"):
        campaign_letter_schedule_propose(
            campaign=campaign, letters_by=timezone.localdate(), context=AuditContext(actor=manager)
        )


def test_only_a_confirmed_campaign_gets_a_schedule() -> None:
    manager = UserFactory(role=Role.MANAGER)
    campaign = ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED)
    with pytest.raises(ValidationError, match="bekreftet"):
        campaign_letter_schedule_propose(campaign=campaign, context=AuditContext(actor=manager))


def test_the_manager_accepts_with_changed_days_and_the_empty_days_go() -> None:
    campaign, manager = _confirmed(cases=5)
    days = [d.day for d in campaign_letter_schedule(campaign=campaign).days]
    campaign = campaign_letter_schedule_accept(
        campaign=campaign,
        letters={days[0].isoformat(): "1", days[3].isoformat(): 1},
        accepted_by=manager,
        context=AuditContext(actor=manager),
    )
    assert campaign.letter_schedule == ControlCampaign.LetterSchedule.ACCEPTED
    assert campaign.letter_schedule_accepted_by == manager
    assert list(CampaignLetterDay.objects.filter(campaign=campaign).values_list("day", "letters")) == [
        (days[0], 1),
        (days[1], 2),
        (days[2], 1),
        (days[3], 1),
    ]
    event = AuditEvent.objects.get(action="control.campaign.letter_schedule.accept")
    assert event.details["changed"] == sorted([days[0].isoformat(), days[3].isoformat()])
    with pytest.raises(ValidationError, match="allerede godtatt"):
        campaign_letter_schedule_propose(campaign=campaign, context=AuditContext(actor=manager))


def test_every_wrong_count_is_reported_by_day() -> None:
    campaign, manager = _confirmed(cases=5)
    days = [d.day.isoformat() for d in campaign_letter_schedule(campaign=campaign).days]
    with pytest.raises(ValidationError) as error:
        campaign_letter_schedule_accept(
            campaign=campaign,
            letters={days[0]: "to", days[1]: "3", days[2]: "-1", "2031-01-01": "1"},
            accepted_by=manager,
            context=AuditContext(actor=manager),
        )
    text = " ".join(error.value.messages)
    assert "«to»" in text and "«-1»" in text
    assert "3 brev er mer enn kapasiteten på 2" in text
    assert "2031-01-01 er ikke en dag i planen" in text
    assert CampaignLetterDay.objects.get(campaign=campaign, day=days[0]).letters == 2  # nothing changed


def test_a_schedule_sending_more_letters_than_cases_waiting_is_refused() -> None:
    campaign, manager = _confirmed(cases=3)
    days = [d.day.isoformat() for d in campaign_letter_schedule(campaign=campaign).days]
    with pytest.raises(ValidationError, match="bare 3 saker venter"):
        campaign_letter_schedule_accept(
            campaign=campaign,
            letters={days[3]: 2, days[4]: 2},
            accepted_by=manager,
            context=AuditContext(actor=manager),
        )


def test_a_day_sends_its_letters_to_the_highest_priority_cases_once() -> None:
    campaign, manager = _confirmed(cases=5)
    days = [d.day for d in campaign_letter_schedule(campaign=campaign).days]
    campaign_letter_schedule_accept(
        campaign=campaign, accepted_by=manager, context=AuditContext(actor=manager)
    )
    assert campaign_letters_send(context=AuditContext.for_task(), today=days[0] - timedelta(days=1)) == {
        "days": 0,
        "letters": 0,
    }
    assert campaign_letters_send(context=AuditContext.for_task(), today=days[0]) == {"days": 1, "letters": 2}
    requests = DocumentationRequest.objects.filter(case__campaign=campaign).select_related("case")
    assert sorted(r.case.priority for r in requests) == [0.3, 0.4]
    # Sent by the manager who accepted the schedule, without taking the cases.
    assert {r.requested_by_id for r in requests} == {manager.pk}
    assert all(r.case.assigned_to_id is None for r in requests)
    assert Notice.objects.filter(case__campaign=campaign, kind=Notice.Kind.DOCUMENTATION_REQUEST).exists()
    # Again the same day: nothing more.
    assert campaign_letters_send(context=AuditContext.for_task(), today=days[0]) == {"days": 0, "letters": 0}
    day = CampaignLetterDay.objects.get(campaign=campaign, day=days[0])
    assert day.sent == 2 and day.sent_at is not None
    assert AuditEvent.objects.filter(action="control.campaign.letters_send").count() == 1
    assert AuditEvent.objects.filter(action="control.case.request_documentation").count() == 2
    # A missed day goes out at the next run: two days later, days 2 and 3 are sent.
    assert campaign_letters_send(context=AuditContext.for_task(), today=days[2]) == {"days": 2, "letters": 3}
    assert campaign_letters_pending(campaign=campaign).count() == 0


def test_a_case_a_caseworker_has_taken_is_left_to_them() -> None:
    campaign, manager = _confirmed(cases=2)
    taken = campaign.cases.order_by("-priority").first()
    taken.assigned_to = UserFactory(role=Role.CASEWORKER)
    taken.save(update_fields=["assigned_to"])
    days = [d.day for d in campaign_letter_schedule(campaign=campaign).days]
    campaign_letter_schedule_accept(
        campaign=campaign,
        letters={days[0].isoformat(): 1},
        accepted_by=manager,
        context=AuditContext(actor=manager),
    )
    assert campaign_letters_send(context=AuditContext.for_task(), today=days[0]) == {"days": 1, "letters": 1}
    assert not DocumentationRequest.objects.filter(case=taken).exists()


def test_a_proposed_schedule_sends_nothing() -> None:
    campaign, _manager = _confirmed(cases=2)
    first = campaign_letter_schedule(campaign=campaign).days[0].day
    assert campaign_letters_send(context=AuditContext.for_task(), today=first) == {"days": 0, "letters": 0}


def test_the_letters_still_to_send_and_their_deadlines_are_expected_load() -> None:
    campaign, manager = _confirmed(cases=5)
    days = [d.day for d in campaign_letter_schedule(campaign=campaign).days]
    window = {"since": days[0] - timedelta(days=1), "until": days[0] + timedelta(days=60)}
    # A proposal is not a plan yet.
    assert not [
        e for e in control_expected_load_events(**window) if "planen" in e.title or "planlagte" in e.title
    ]
    campaign_letter_schedule_accept(
        campaign=campaign, accepted_by=manager, context=AuditContext(actor=manager)
    )
    campaign_letters_send(context=AuditContext.for_task(), today=days[0])
    events = {(e.kind, e.day, e.count, e.title) for e in control_expected_load_events(**window)}
    deadline = days[1] + timedelta(days=campaign.documentation_days)
    scheduled = {(kind, day, count) for kind, day, count, title in events if "plan" in title}
    assert scheduled == {
        ("letters_sent", days[1], 2),
        ("letters_sent", days[2], 1),
        ("deadline", deadline, 2),
        ("deadline", days[2] + timedelta(days=campaign.documentation_days), 1),
    }
    # Day 1's letters went out: counted once, as documentation requests.
    sent_today = [e for e in events if e[0] == "letters_sent" and e[1] == timezone.localdate()]
    assert sum(e[2] for e in sent_today) == 2


def test_the_sender_is_scheduled_every_hour_with_celery_beat() -> None:
    task = PeriodicTask.objects.get(task="control.campaign_letters")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "hours")


def test_the_task_sends_the_days_that_have_come() -> None:
    campaign, manager = _confirmed(cases=1)
    CampaignLetterDay.objects.filter(campaign=campaign, letters=0).delete()
    CampaignLetterDay.objects.filter(campaign=campaign).update(day=timezone.localdate())  # the day has come
    campaign_letter_schedule_accept(
        campaign=campaign, accepted_by=manager, context=AuditContext(actor=manager)
    )
    assert campaign_letters_task.delay().get() == {"days": 1, "letters": 1}
    assert AuditEvent.objects.get(action="control.campaign.letters_send").channel == "task"
