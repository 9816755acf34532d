"""The domain events the chat services emit (chat/domain_events.py)."""

import pytest

from chat.models import Conversation
from chat.services.agents import conversation_close
from chat.services.queues import conversation_hand_over
from lanekassen_ai.models import DomainEvent
from lanekassen_ai.services.audit import AuditContext
from tests.chat.factories import AgentStatusFactory, ConversationFactory, IntentFactory, QueueFactory

pytestmark = pytest.mark.django_db


def test_handing_over_emits_handed_over_once(make_user) -> None:
    queue = QueueFactory(slug="studielan")
    intent = IntentFactory(queue=queue)
    conversation = ConversationFactory()
    conversation_hand_over(conversation=conversation, queue=queue, intent=intent)
    conversation_hand_over(conversation=conversation, queue=queue, intent=intent)  # already queued
    (event,) = DomainEvent.objects.filter(type="chat.conversation.handed_over")
    assert event.payload["conversation_id"] == conversation.pk
    assert (event.payload["queue"], event.payload["intent"], event.payload["left_message"]) == (
        "studielan",
        intent.slug,
        False,
    )


def test_closing_emits_closed_with_the_wrap_up(make_user) -> None:
    agent = make_user("saksbehandler", username="agent-ev")
    AgentStatusFactory(user=agent)
    queue = QueueFactory(slug="kontroll")
    conversation = ConversationFactory(state=Conversation.State.WITH_AGENT, agent=agent, queue=queue)
    conversation_close(
        conversation=conversation, context=AuditContext(actor=agent), wrap_up=Conversation.WrapUp.RESOLVED
    )
    (event,) = DomainEvent.objects.filter(type="chat.conversation.closed")
    assert event.payload["conversation_id"] == conversation.pk
    assert (event.payload["queue"], event.payload["wrap_up"]) == ("kontroll", Conversation.WrapUp.RESOLVED)


def test_the_customer_closing_emits_closed_once_without_a_wrap_up() -> None:
    from chat.services.conversations import conversation_close_by_customer

    queue = QueueFactory(slug="stipend")
    conversation = ConversationFactory(state=Conversation.State.QUEUED, queue=queue)
    conversation_close_by_customer(conversation=conversation)
    conversation_close_by_customer(conversation=conversation)  # closing twice is harmless
    (event,) = DomainEvent.objects.filter(type="chat.conversation.closed")
    assert (event.payload["conversation_id"], event.payload["queue"]) == (conversation.pk, "stipend")
    assert event.payload["wrap_up"] is None
