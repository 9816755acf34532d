"""The chat's forecast and staffing plan decide how a campaign's letters are spread
(both apps installed): chat/selectors/letter_capacity.py answers
lanekassen_ai.letter_capacity, control/services/letter_schedule.py plans with it, and the
accepted schedule reaches the forecast as expected load (control/selectors/expected_load.py)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from chat.selectors.letter_capacity import chat_letter_capacity, slot_arrivals_within_target
from control.models import ControlCampaign
from control.selectors.letter_schedule import campaign_letter_schedule
from control.services.campaigns import control_campaign_confirm
from control.services.letter_schedule import campaign_letter_schedule_accept
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.chat.factories import QueueFactory
from tests.chat.test_forecast import _current_monday, _history
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory
from tests.factories import UserFactory
from tests.lanekassen_ai.test_forecast_events import _letters

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chat_history(settings):
    """A residence-control queue with six weeks of 20 chats a working day, and five past
    days with 5 letters each that brought 10 more chats: 2 per letter."""
    settings.CONTROL_LETTERS_PER_DAY_DEFAULT = 1000  # never the limit here
    settings.CONTROL_LETTER_SCHEDULE_DAYS = 4
    queue = QueueFactory(slug="bostedskontroll", service_level_target_seconds=60)
    current = _current_monday()
    letter_days = [current - timedelta(weeks=w, days=-1) for w in (1, 2, 3, 4, 5)]  # Tuesdays
    _history(queue, weeks=6, per_day=20, seed=6, extra=dict.fromkeys(letter_days, 10))
    for day in letter_days:
        _letters(day, 5)
    return queue


def _confirmed(cases: int) -> tuple[ControlCampaign, object]:
    manager = UserFactory(role=Role.MANAGER)
    campaign = ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED)
    for i in range(cases):
        ControlCaseFactory(campaign=campaign, priority=i)
    campaign = control_campaign_confirm(
        campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager)
    )
    return campaign, manager


def test_more_agents_take_more_arrivals_within_the_target() -> None:
    one = slot_arrivals_within_target(1, 300.0, 60, None, 1, 0.8)
    two = slot_arrivals_within_target(2, 300.0, 60, None, 1, 0.8)
    assert 0 < one < two < 12  # two agents answer at most 12 chats of 5 minutes in half an hour


def test_the_chat_capacity_drives_the_schedule_and_the_accepted_letters_use_it_up(chat_history) -> None:
    first, manager = _confirmed(cases=300)
    schedule = campaign_letter_schedule(campaign=first)
    days = [d.day for d in schedule.days]
    capacity = {c.day: c for c in chat_letter_capacity(topic="residence_control", days=days)}
    assert {d.capacity_source for d in schedule.days} == {"chat"}
    assert schedule.default_reason == ""
    for day in schedule.days:
        assert day.capacity == capacity[day.day].letters
        assert day.capacity is not None and 0 < day.capacity < 300
        assert day.arrivals_per_letter == pytest.approx(2, abs=1)
        assert day.expected_arrivals == pytest.approx(20, abs=6)
    # Earliest first, each day up to what the chat can take; the rest to the caseworkers.
    assert [d.letters for d in schedule.days] == [d.capacity for d in schedule.days]
    assert schedule.unplanned == 300 - sum(d.capacity for d in schedule.days)

    campaign_letter_schedule_accept(campaign=first, accepted_by=manager, context=AuditContext(actor=manager))
    # The accepted letters are expected load now: a second campaign finds the days full.
    second, _manager = _confirmed(cases=10)
    for day in campaign_letter_schedule(campaign=second).days:
        assert day.capacity == 0
        assert day.letters == 0
        assert day.expected_arrivals > capacity[day.day].expected_arrivals


def test_a_topic_without_a_queue_or_a_day_beyond_the_forecast_is_left_to_the_default(chat_history) -> None:
    assert list(chat_letter_capacity(topic="unknown_topic", days=[timezone.localdate()])) == []
    far = _current_monday() + timedelta(weeks=8)
    assert list(chat_letter_capacity(topic="residence_control", days=[far])) == []
