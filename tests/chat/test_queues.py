"""Opening hours, hand-over and left messages (chat/services/queues.py)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from chat.models import Conversation, Message
from chat.services.agents import conversation_take_next, conversations_abandon_stale
from chat.services.queues import (
    QueueError,
    conversation_hand_over,
    conversation_leave_message,
    queue_for_intent,
    queue_is_open,
    queue_next_opening,
)
from lanekassen_ai.services.audit import AuditContext
from lanekassen_ai.timezones import agency_timezone
from tests.chat.factories import (
    AgentStatusFactory,
    ConversationFactory,
    IntentFactory,
    MessageFactory,
    OpeningHoursFactory,
    QueueFactory,
)

pytestmark = pytest.mark.django_db
OSLO = agency_timezone()


def _closed_today_open_tomorrow():
    """A queue with hours only on tomorrow's weekday, so it is closed all of today."""
    queue = QueueFactory()
    tomorrow = timezone.now().astimezone(OSLO).date() + timedelta(days=1)
    OpeningHoursFactory(queue=queue, weekday=tomorrow.weekday(), opens=time(8), closes=time(15, 30))
    return queue, datetime.combine(tomorrow, time(8), tzinfo=OSLO)


def test_a_queue_without_opening_hours_is_always_open() -> None:
    queue = QueueFactory()
    assert queue_is_open(queue=queue, at=datetime(2026, 12, 25, 3, 0, tzinfo=OSLO))
    at = timezone.now()
    assert queue_next_opening(queue=queue, at=at) == at


def test_opening_hours_are_read_in_oslo_time() -> None:
    queue = QueueFactory()
    OpeningHoursFactory(queue=queue, weekday=0, opens=time(8), closes=time(15, 30))  # Monday
    monday = datetime(2026, 11, 23, tzinfo=OSLO)
    assert queue_is_open(queue=queue, at=monday.replace(hour=8))
    assert queue_is_open(queue=queue, at=monday.replace(hour=15, minute=29))
    assert not queue_is_open(queue=queue, at=monday.replace(hour=15, minute=30))
    # 07:30 UTC is 08:30 in Oslo in winter.
    assert queue_is_open(queue=queue, at=datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("UTC")))
    assert not queue_is_open(queue=queue, at=monday.replace(hour=7, minute=59))


def test_next_opening_after_friday_evening_is_monday_morning() -> None:
    queue = QueueFactory()
    for weekday in range(5):
        OpeningHoursFactory(queue=queue, weekday=weekday, opens=time(8), closes=time(15, 30))
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=OSLO)
    assert queue_next_opening(queue=queue, at=friday_evening) == datetime(2026, 11, 30, 8, 0, tzinfo=OSLO)


def test_next_opening_keeps_local_time_across_the_summer_time_change() -> None:
    queue = QueueFactory()
    OpeningHoursFactory(queue=queue, weekday=0, opens=time(8), closes=time(15, 30))
    # Summer time starts Sunday 29 March 2026; Monday 08:00 is then 06:00 UTC.
    opens = queue_next_opening(queue=queue, at=datetime(2026, 3, 28, 12, 0, tzinfo=OSLO))
    assert opens is not None
    assert opens.astimezone(ZoneInfo("UTC")) == datetime(2026, 3, 30, 6, 0, tzinfo=ZoneInfo("UTC"))


def test_an_inactive_queue_is_closed_with_no_next_opening() -> None:
    queue = QueueFactory(active=False)
    assert not queue_is_open(queue=queue)
    assert queue_next_opening(queue=queue) is None


def test_hand_over_to_an_open_queue_queues_the_conversation_in_order() -> None:
    queue = QueueFactory()
    intent = IntentFactory(queue=queue)
    first, second = ConversationFactory(), ConversationFactory()

    result = conversation_hand_over(conversation=first, queue=queue, intent=intent)
    assert (result.queued, result.open_now, result.opens_at, result.position) == (True, True, None, 1)
    first.refresh_from_db()
    assert first.state == Conversation.State.QUEUED
    assert (first.queue, first.handover_intent) == (queue, intent)
    assert first.queued_at is not None

    assert conversation_hand_over(conversation=second, queue=queue).position == 2


def test_hand_over_to_a_closed_queue_changes_nothing_and_says_when_it_opens() -> None:
    queue, opens = _closed_today_open_tomorrow()
    conversation = ConversationFactory()

    result = conversation_hand_over(conversation=conversation, queue=queue)

    assert (result.queued, result.open_now, result.position) == (False, False, None)
    assert result.opens_at == opens
    conversation.refresh_from_db()
    assert (conversation.state, conversation.queue, conversation.queued_at) == (
        Conversation.State.BOT,
        None,
        None,
    )


def test_handing_over_twice_keeps_the_first_place() -> None:
    queue = QueueFactory()
    conversation = ConversationFactory()
    conversation_hand_over(conversation=conversation, queue=queue)
    queued_at = Conversation.objects.get(pk=conversation.pk).queued_at
    assert conversation_hand_over(conversation=conversation, queue=queue).position == 1
    assert Conversation.objects.get(pk=conversation.pk).queued_at == queued_at


def test_a_closed_conversation_cannot_be_handed_over() -> None:
    conversation = ConversationFactory(state=Conversation.State.CLOSED)
    with pytest.raises(QueueError, match="avsluttet"):
        conversation_hand_over(conversation=conversation, queue=QueueFactory())


def test_a_left_message_waits_for_the_next_opening_and_is_never_abandoned(make_user) -> None:
    queue, opens = _closed_today_open_tomorrow()
    intent = IntentFactory(queue=queue)
    conversation = ConversationFactory()
    MessageFactory(conversation=conversation, sender=Message.Sender.BOT, text="Vi har stengt.", intent=intent)

    conversation_leave_message(conversation=conversation, text="Ring meg om tilbakebetaling, takk.")

    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.QUEUED
    assert conversation.left_message and conversation.queue == queue
    assert conversation.queued_at == opens
    assert conversation.messages.filter(
        sender=Message.Sender.SYSTEM, text__contains="tilbakebetaling"
    ).exists()
    # Not offered before the queue opens, and not swept away as abandoned.
    agent = make_user("saksbehandler")
    AgentStatusFactory(user=agent)
    assert conversation_take_next(context=AuditContext(actor=agent)) is None
    assert conversations_abandon_stale(now=timezone.now() + timedelta(hours=3)) == 0


def test_leaving_an_empty_message_is_refused_without_writing() -> None:
    queue, _ = _closed_today_open_tomorrow()
    conversation = ConversationFactory()
    with pytest.raises(QueueError, match="tom"):
        conversation_leave_message(conversation=conversation, text="   ", queue=queue)
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.BOT
    assert not conversation.messages.exists()


def test_leaving_a_message_without_any_queue_says_why() -> None:
    with pytest.raises(QueueError, match="finner ingen kø"):
        conversation_leave_message(conversation=ConversationFactory(), text="Hei")


def test_queue_for_intent_skips_inactive_queues() -> None:
    assert queue_for_intent(intent=None) is None
    active = IntentFactory(queue=QueueFactory())
    assert queue_for_intent(intent=active) == active.queue
    assert queue_for_intent(intent=IntentFactory(queue=QueueFactory(active=False))) is None
    assert queue_for_intent(intent=IntentFactory(queue=None)) is None
