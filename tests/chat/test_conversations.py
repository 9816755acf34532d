"""chat/services/conversations.py: what the customer's own actions change beyond the conversation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import Conversation, QueueSlotStat
from chat.services.conversations import conversation_rate
from tests.chat.factories import ConversationFactory, QueueFactory

pytestmark = pytest.mark.django_db


def test_a_rating_reaches_the_queues_half_hour_figures_at_once(django_capture_on_commit_callbacks) -> None:
    queue = QueueFactory()
    queued_at = timezone.now() - timedelta(minutes=10)
    conversation = ConversationFactory(
        queue=queue,
        state=Conversation.State.CLOSED,
        queued_at=queued_at,
        answered_at=queued_at + timedelta(seconds=20),
        closed_at=queued_at + timedelta(seconds=200),
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversation_rate(conversation=conversation, rating=4)
    stat = QueueSlotStat.objects.get(queue=queue)
    assert (stat.rating_sum, stat.rating_count) == (4, 1)
    assert stat.answered == 1
