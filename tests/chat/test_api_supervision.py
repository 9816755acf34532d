"""chat/api/supervision.py: the managers' list of conversations to reassign."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chat.models import Conversation
from tests.chat.factories import ConversationFactory, QueuedConversationFactory

pytestmark = pytest.mark.django_db


def test_managers_see_waiting_and_answered_conversations_but_not_closed_ones(
    manager: Any, make_user: Any
) -> None:
    agent = make_user("saksbehandler", username="agent-sup")
    waiting = QueuedConversationFactory()
    answered = QueuedConversationFactory(state=Conversation.State.WITH_AGENT, agent=agent)
    ConversationFactory(state=Conversation.State.CLOSED)
    client = APIClient()
    client.force_authenticate(manager)
    listing = client.get(reverse("chat-conversation-supervision")).json()
    assert [(c["id"], c["agent"]) for c in listing["results"]] == [
        (waiting.pk, None),
        (answered.pk, "agent-sup"),
    ]
    only_waiting = client.get(reverse("chat-conversation-supervision"), {"state": "queued"}).json()
    assert [c["id"] for c in only_waiting["results"]] == [waiting.pk]
    assert client.get(reverse("chat-conversation-supervision"), {"state": "closed"}).status_code == 400
