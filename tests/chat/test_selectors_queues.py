"""chat/selectors/queues.py: the conversation detail the agent console and the agent API
share, and the lookups of their actions (NotFound, a 404 at either door)."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from chat.models import Conversation
from chat.selectors import NotFound
from chat.selectors.queues import (
    AgentConversationDetail,
    agent_conversation_detail,
    agent_for_username,
    conversation_for_agent,
    conversation_for_reassign,
    intent_for_conversation,
    queue_choices,
    queue_get,
    queues_by_slug,
)
from tests.chat.factories import (
    AssistantFactory,
    ConversationFactory,
    IntentFactory,
    MessageFactory,
    QueueFactory,
)

pytestmark = pytest.mark.django_db


def _held_by(agent: Any, *, texts: tuple[str, ...] = ()) -> Conversation:
    conversation = ConversationFactory(agent=agent, state=Conversation.State.WITH_AGENT, queue=QueueFactory())
    for text in texts:
        MessageFactory(conversation=conversation, text=text)
    return conversation


def test_the_detail_is_the_conversation_and_its_transcript_in_order(caseworker: Any) -> None:
    conversation = _held_by(caseworker, texts=("Hei", "Er du der?"))
    detail = agent_conversation_detail(agent=caseworker, conversation_id=conversation.pk)
    assert isinstance(detail, AgentConversationDetail)
    assert detail.conversation == conversation
    assert [m.text for m in detail.messages] == ["Hei", "Er du der?"]
    assert detail.last_message_id == detail.messages[-1].pk


def test_after_a_message_id_the_detail_has_only_the_newer_messages(caseworker: Any) -> None:
    conversation = _held_by(caseworker, texts=("Hei",))
    first = agent_conversation_detail(agent=caseworker, conversation_id=conversation.pk)
    assert (
        agent_conversation_detail(
            agent=caseworker, conversation_id=conversation.pk, after=first.last_message_id
        ).messages
        == ()
    )
    MessageFactory(conversation=conversation, text="Hallo?")
    newer = agent_conversation_detail(
        agent=caseworker, conversation_id=conversation.pk, after=first.last_message_id
    )
    assert [m.text for m in newer.messages] == ["Hallo?"]


def test_an_empty_transcript_has_no_last_message(caseworker: Any) -> None:
    detail = agent_conversation_detail(agent=caseworker, conversation_id=_held_by(caseworker).pk)
    assert (detail.messages, detail.last_message_id) == ((), 0)


def test_the_detail_costs_two_queries_whatever_the_length(
    caseworker: Any, django_assert_num_queries: Any
) -> None:
    conversation = _held_by(caseworker, texts=tuple(f"Melding {n}" for n in range(30)))
    with django_assert_num_queries(2):
        detail = agent_conversation_detail(agent=caseworker, conversation_id=conversation.pk)
        assert detail.conversation.queue is not None and detail.conversation.assistant.slug == "kunde"


def test_someone_elses_conversation_is_not_found_without_saying_whose(
    caseworker: Any, make_user: Any
) -> None:
    other = _held_by(make_user("saksbehandler", username="kollega"))
    with pytest.raises(NotFound, match="Samtalen finnes ikke, eller den er ikke din"):
        agent_conversation_detail(agent=caseworker, conversation_id=other.pk)
    with translation.override("en"), pytest.raises(NotFound, match="not yours"):
        conversation_for_agent(agent=caseworker, conversation_id=other.pk + 1000)


def test_a_manager_finds_any_conversation_to_reassign() -> None:
    conversation = ConversationFactory()
    assert conversation_for_reassign(conversation_id=conversation.pk) == conversation
    with pytest.raises(NotFound, match=f"Fant ingen samtale med nummer {conversation.pk + 1}"):
        conversation_for_reassign(conversation_id=conversation.pk + 1)


def test_a_queue_is_found_by_id_or_slug() -> None:
    queue = QueueFactory(slug="stipend")
    assert queue_get(pk=queue.pk) == queue
    assert queue_get(slug="stipend") == queue
    with pytest.raises(NotFound, match="Fant ingen kø 'nowhere'"):
        queue_get(slug="nowhere")
    with pytest.raises(NotFound, match=f"Fant ingen kø {queue.pk + 1}"):
        queue_get(pk=queue.pk + 1)
    assert queues_by_slug(slugs=["stipend", "nowhere"]) == [queue]


def test_an_intent_is_one_of_the_conversations_assistant(caseworker: Any) -> None:
    conversation = _held_by(caseworker)
    own = IntentFactory(slug="frist")
    IntentFactory(slug="annen", assistant=AssistantFactory(slug="una", name="Una"))
    assert intent_for_conversation(conversation=conversation, slug="frist") == own
    assert intent_for_conversation(conversation=conversation, slug="annen") is None


def test_a_reassign_target_is_any_user_by_name(caseworker: Any) -> None:
    assert agent_for_username(username=caseworker.get_username()) == User.objects.get(pk=caseworker.pk)
    assert agent_for_username(username="ghost") is None


def test_an_intent_may_hand_over_to_any_queue_even_a_closed_one() -> None:
    urgent, closed = QueueFactory(priority=10), QueueFactory(priority=30, active=False)
    assert list(queue_choices()) == [urgent, closed]
