"""The agent console pages and API (chat/views/agent.py, chat/api/agent.py)."""

import pytest
from django.urls import reverse

from chat.models import Conversation, Message
from tests.chat.factories import IntentFactory, MessageFactory, QueuedConversationFactory, QueueFactory

pytestmark = pytest.mark.django_db


def test_an_agent_takes_replies_and_closes_through_the_pages(client, caseworker) -> None:
    queue = QueueFactory(slug="stipend-og-lan", name="Stipend og lån")
    intent = IntentFactory(slug="soknadsfrist", title_nb="Søknadsfrist", queue=queue)
    waiting = QueuedConversationFactory(queue=queue, handover_intent=intent)
    MessageFactory(conversation=waiting, text="Når er søknadsfristen?", intent=intent, confidence=0.91)
    client.force_login(caseworker)

    client.post(reverse("chat:agent-status"), {"state": "AVAILABLE", "capacity": 2})
    taken = client.post(reverse("chat:agent-take-next"))
    assert taken.status_code == 302 and taken["Location"].endswith(f"?c={waiting.pk}")

    console = client.get(taken["Location"])
    content = console.content.decode()
    assert "Når er søknadsfristen?" in content and "soknadsfrist" in content

    reply = client.post(
        reverse("chat:agent-reply", args=[waiting.pk]),
        {"text": "Fristen er 15. november."},
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200 and "Fristen er 15. november." in reply.content.decode()
    client.post(reverse("chat:agent-canned", args=[waiting.pk]), {"intent": intent.pk})
    assert waiting.messages.filter(sender=Message.Sender.AGENT).count() == 2

    empty = client.post(reverse("chat:agent-reply", args=[waiting.pk]), {"text": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422

    client.post(reverse("chat:agent-close", args=[waiting.pk]), {"wrap_up": "resolved"})
    waiting.refresh_from_db()
    assert (waiting.state, waiting.wrap_up) == (Conversation.State.CLOSED, "resolved")


def test_take_next_while_away_shows_why(client, caseworker) -> None:
    QueuedConversationFactory()
    client.force_login(caseworker)
    response = client.post(reverse("chat:agent-take-next"), follow=True)
    assert "borte" in response.content.decode()


def test_the_waiting_list_is_a_fixed_number_of_queries(
    client, caseworker, django_assert_max_num_queries
) -> None:
    for queue in (QueueFactory(priority=10), QueueFactory(priority=20)):
        for _ in range(15):
            QueuedConversationFactory(queue=queue, handover_intent=IntentFactory(queue=queue))
    client.force_login(caseworker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("chat:agent-waiting"))
    assert response.content.decode().count("<tr>") == 31  # header + 30 waiting


def test_the_api_take_reply_poll_and_close(client, caseworker) -> None:
    conversation = QueuedConversationFactory()
    client.force_login(caseworker)
    assert (
        client.patch(
            reverse("chat-agent-status"), {"state": "AVAILABLE"}, content_type="application/json"
        ).json()["state"]
        == "AVAILABLE"
    )
    taken = client.post(reverse("chat-agent-take-next"))
    assert taken.status_code == 200 and taken.json()["id"] == conversation.pk
    assert client.post(reverse("chat-agent-take-next")).status_code == 204

    sent = client.post(
        reverse("chat-agent-messages", args=[conversation.pk]),
        {"text": "Hei!"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    after = sent.json()["id"] - 1
    polled = client.get(reverse("chat-agent-messages", args=[conversation.pk]), {"after": after}).json()
    assert [m["text"] for m in polled["messages"]] == ["Hei!"]
    assert (
        client.get(reverse("chat-agent-messages", args=[conversation.pk]), {"after": "x"}).status_code == 400
    )
    both = client.post(
        reverse("chat-agent-messages", args=[conversation.pk]),
        {"text": "a", "intent": "b"},
        content_type="application/json",
    )
    assert both.status_code == 400

    closed = client.post(
        reverse("chat-agent-close", args=[conversation.pk]),
        {"wrap_up": "resolved"},
        content_type="application/json",
    )
    assert closed.json()["state"] == "closed"
    again = client.post(
        reverse("chat-agent-close", args=[conversation.pk]),
        {"wrap_up": "resolved"},
        content_type="application/json",
    )
    assert again.status_code == 409 and "ikke aktiv" in again.json()["detail"]


def test_transcript_polling_answers_204_until_something_new_arrives(client, caseworker) -> None:
    from chat.services.agents import agent_status_set, conversation_take_next

    conversation = QueuedConversationFactory()
    agent_status_set(user=caseworker, state="AVAILABLE")
    conversation_take_next(agent=caseworker)
    last = conversation.messages.order_by("-pk").first()
    client.force_login(caseworker)
    url = reverse("chat:agent-messages", args=[conversation.pk])
    assert client.get(url, {"after": last.pk}).status_code == 204
    MessageFactory(conversation=conversation, text="Er du der?")
    fresh = client.get(url, {"after": last.pk})
    assert fresh.status_code == 200 and "Er du der?" in fresh.content.decode()


def test_the_console_with_an_open_conversation_is_a_fixed_number_of_queries(
    client, caseworker, django_assert_max_num_queries
) -> None:
    from chat.services.agents import agent_status_set, conversation_take_next

    queue = QueueFactory()
    for _ in range(20):
        QueuedConversationFactory(queue=queue, handover_intent=IntentFactory(queue=queue))
    agent_status_set(user=caseworker, state="AVAILABLE", capacity=3)
    taken = [conversation_take_next(agent=caseworker) for _ in range(3)]
    for n in range(10):
        MessageFactory(conversation=taken[0], text=f"Melding {n}", intent=taken[0].handover_intent)
    client.force_login(caseworker)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("chat:agent-console"), {"c": taken[0].pk})
    assert response.status_code == 200 and "Melding 9" in response.content.decode()
