"""The agent console pages and API (chat/views/agent.py, chat/api/agent.py)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.models import Conversation, ConversationNote, Message
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.chat.factories import (
    AssistantFactory,
    IntentFactory,
    MessageFactory,
    QueuedConversationFactory,
    QueueFactory,
)
from tests.openapi import assert_matches_schema

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
    # "Sett inn" without script puts the ready answer in the reply box; nothing is sent.
    prefilled = client.get(reverse("chat:agent-console"), {"c": waiting.pk, "canned": intent.pk})
    assert "Du finner svaret på Mine sider." in prefilled.content.decode()
    assert waiting.messages.filter(sender=Message.Sender.AGENT).count() == 1

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
    # Session, user, permissions, the agent's queues, waiting per queue (SLA), the
    # list, the agent's conversations with unread counts, the fingerprint: whatever the size.
    with django_assert_max_num_queries(9):
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
    agent_status_set(context=AuditContext(actor=caseworker), state="AVAILABLE")
    conversation_take_next(context=AuditContext(actor=caseworker))
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
    agent_status_set(context=AuditContext(actor=caseworker), state="AVAILABLE", capacity=3)
    taken = [conversation_take_next(context=AuditContext(actor=caseworker)) for _ in range(3)]
    for n in range(10):
        MessageFactory(conversation=taken[0], text=f"Melding {n}", intent=taken[0].handover_intent)
    client.force_login(caseworker)
    # The same number whatever the size: the waiting list with SLA and unread counts and
    # its fingerprint, the transcript (and marking it seen), notes, canned answers, queues.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("chat:agent-console"), {"c": taken[0].pk})
    assert response.status_code == 200 and "Melding 9" in response.content.decode()


def _take(client, agent) -> Conversation:
    from chat.services.agents import agent_status_set, conversation_take_next

    agent_status_set(context=AuditContext(actor=agent), state="AVAILABLE", capacity=3)
    taken = conversation_take_next(context=AuditContext(actor=agent))
    assert taken is not None
    client.force_login(agent)
    return taken


def test_waiting_list_polling_answers_204_until_the_fingerprint_changes(client, caseworker) -> None:
    QueuedConversationFactory()
    client.force_login(caseworker)
    first = client.get(reverse("chat:agent-waiting"))
    version = re.search(r"\?v=([0-9a-f]+)", first.content.decode()).group(1)
    assert client.get(reverse("chat:agent-waiting"), {"v": version}).status_code == 204
    QueuedConversationFactory()
    changed = client.get(reverse("chat:agent-waiting"), {"v": version})
    assert changed.status_code == 200 and "2 kunder venter" in changed.content.decode()


def test_unread_markers_count_customer_messages_until_the_agent_opens_the_transcript(
    client, caseworker
) -> None:
    QueuedConversationFactory()
    conversation = _take(client, caseworker)
    MessageFactory(conversation=conversation, sender=Message.Sender.CUSTOMER, text="Hei?")
    MessageFactory(conversation=conversation, sender=Message.Sender.CUSTOMER, text="Er du der?")
    assert "2 uleste" in client.get(reverse("chat:agent-waiting")).content.decode()
    client.get(reverse("chat:agent-console"), {"c": conversation.pk})
    assert "uleste" not in client.get(reverse("chat:agent-waiting")).content.decode()


def test_the_sla_warning_shows_when_the_oldest_wait_passes_the_target(client, caseworker) -> None:
    queue = QueueFactory(name="Stipend og lån", service_level_target_seconds=60)
    QueuedConversationFactory(queue=queue, queued_at=timezone.now() - timedelta(seconds=30))
    client.force_login(caseworker)
    assert "Over svartidsmålet" not in client.get(reverse("chat:agent-waiting")).content.decode()
    QueuedConversationFactory(queue=queue, queued_at=timezone.now() - timedelta(seconds=90))
    assert "Over svartidsmålet" in client.get(reverse("chat:agent-waiting")).content.decode()


def test_una_conversations_show_the_employees_name_instead_of_customer(client, caseworker, make_user) -> None:
    from chat.services.conversations import conversation_start

    AssistantFactory(slug="una", name="Una-hjelpen")
    employee = make_user(None, username="kari.ansatt", first_name="Kari", last_name="Ansatt")
    conversation, _ = conversation_start(assistant_slug="una", user=employee)
    Conversation.objects.filter(pk=conversation.pk).update(
        state=Conversation.State.QUEUED, queue=QueueFactory(), queued_at=timezone.now()
    )
    MessageFactory(
        conversation=conversation, sender=Message.Sender.CUSTOMER, text="Hvordan deler jeg en fil?"
    )
    taken = _take(client, caseworker)
    assert taken.pk == conversation.pk
    page = client.get(reverse("chat:agent-console"), {"c": conversation.pk}).content.decode()
    assert '<span class="msg-sender">Kari Ansatt</span>' in page
    assert (
        client.get(reverse("chat-agent-conversation-list")).json()["results"][0]["employee_name"]
        == "Kari Ansatt"
    )


def test_notes_through_the_page_and_the_api_and_not_in_the_customer_api(client, caseworker) -> None:
    from chat.services.conversations import conversation_start

    AssistantFactory()
    conversation, token = conversation_start()
    Conversation.objects.filter(pk=conversation.pk).update(
        state=Conversation.State.QUEUED, queue=QueueFactory(), queued_at=timezone.now()
    )
    _take(client, caseworker)
    page = client.post(
        reverse("chat:agent-note", args=[conversation.pk]),
        {"text": "Intern: sjekk gjeldsbrev."},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200 and "Intern: sjekk gjeldsbrev." in page.content.decode()
    api = client.post(
        reverse("chat-agent-notes", args=[conversation.pk]),
        {"text": "API-merknad"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["author"] == caseworker.username
    assert [n["text"] for n in client.get(reverse("chat-agent-notes", args=[conversation.pk])).json()] == [
        "Intern: sjekk gjeldsbrev.",
        "API-merknad",
    ]
    assert client.post(reverse("chat-agent-notes", args=[conversation.pk]), {"text": ""}).status_code == 400
    customer = client.get(
        reverse("chat-conversation-messages", args=[conversation.pk]), HTTP_X_CONVERSATION_TOKEN=token
    )
    assert "gjeldsbrev" not in customer.content.decode() and "API-merknad" not in customer.content.decode()


def test_a_manager_reassigns_on_the_page_and_through_the_api(client, caseworker, manager, make_user) -> None:
    conversation = QueuedConversationFactory()
    other = make_user("saksbehandler", username="agent-2")
    client.force_login(manager)
    listing = client.get(reverse("chat:conversation-supervision"))
    assert listing.status_code == 200 and f"Sett over samtale {conversation.pk}" in listing.content.decode()
    client.post(reverse("chat:conversation-reassign", args=[conversation.pk]), {"agent": caseworker.pk})
    conversation.refresh_from_db()
    assert conversation.agent == caseworker
    moved = client.post(
        reverse("chat-agent-reassign", args=[conversation.pk]),
        {"agent": "agent-2"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    conversation.refresh_from_db()
    assert conversation.agent == other
    unknown = client.post(
        reverse("chat-agent-reassign", args=[conversation.pk]),
        {"agent": "nobody"},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "agent" in unknown.json()
    same = client.post(
        reverse("chat-agent-reassign", args=[conversation.pk]),
        {"agent": "agent-2"},
        content_type="application/json",
    )
    assert same.status_code == 409
    events = AuditEvent.objects.filter(action="chat.conversation.reassign").order_by("id")
    assert [e.channel for e in events] == ["web", "api"] and all(e.request_id for e in events)


def test_the_console_page_and_the_api_show_the_same_conversation_detail(client, caseworker) -> None:
    QueuedConversationFactory()
    conversation = _take(client, caseworker)
    MessageFactory(conversation=conversation, text="Når kommer stipendet?")
    page = client.get(reverse("chat:agent-console"), {"c": conversation.pk})
    api = client.get(reverse("chat-agent-messages", args=[conversation.pk]))
    body = api.json()
    assert body["conversation"]["id"] == conversation.pk
    texts = [m["text"] for m in body["messages"]]
    assert texts and all(text in page.content.decode() for text in texts)
    assert_matches_schema(client, path="/api/v1/chat/agent/conversations/{id}/messages/", body=body)
    client.post(reverse("chat-agent-notes", args=[conversation.pk]), {"text": "Sjekk gjeldsbrevet."})
    ConversationNote.objects.create(conversation=conversation, author=None, text="Fra en slettet bruker.")
    notes = client.get(reverse("chat-agent-notes", args=[conversation.pk])).json()
    assert [n["author"] for n in notes] == [caseworker.get_username(), None]
    assert_matches_schema(client, path="/api/v1/chat/agent/conversations/{id}/notes/", body=notes)


def test_someone_elses_conversation_is_a_404_with_the_same_reason_on_the_page_and_in_the_api(
    client, caseworker, make_user
) -> None:
    QueuedConversationFactory()
    other = _take(client, make_user("saksbehandler", username="kollega"))
    client.force_login(caseworker)
    assert client.get(reverse("chat:agent-messages", args=[other.pk])).status_code == 404
    api = client.get(reverse("chat-agent-messages", args=[other.pk]))
    assert api.status_code == 404
    assert api.json() == {"detail": "Samtalen finnes ikke, eller den er ikke din."}
    # A stale link on the console shows the console without the conversation.
    assert client.get(reverse("chat:agent-console"), {"c": other.pk}).status_code == 200


def test_the_refusals_of_notes_and_reassign_are_in_the_schema(client, caseworker, manager) -> None:
    QueuedConversationFactory()
    conversation = _take(client, caseworker)
    client.force_login(manager)
    same_agent = client.post(
        reverse("chat-agent-reassign", args=[conversation.pk]),
        {"agent": caseworker.get_username()},
        content_type="application/json",
    )
    assert same_agent.status_code == 409
    path = "/api/v1/chat/agent/conversations/{id}/reassign/"
    assert_matches_schema(client, path=path, body=same_agent.json(), method="post", status=409)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    notes = schema["paths"]["/api/v1/chat/agent/conversations/{id}/notes/"]["post"]["responses"]["409"]
    assert notes["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


WEB_IP, API_IP = "192.0.2.10", "198.51.100.20"


# What an agent's shift on the console (or through the API) records in the audit log.
AGENT_ACTIONS = (
    "chat.agent.status",
    "chat.conversation.take",
    "chat.conversation.reply",
    "chat.conversation.note",
    "chat.conversation.transfer",
    "chat.conversation.close",
)


def _agent_audit() -> set[tuple[str, str, str | None, str]]:
    events = AuditEvent.objects.filter(action__regex=r"^chat\.(agent|conversation)\.")
    assert all(event.request_id for event in events)
    return {(e.action, e.channel, e.ip_address, e.actor_username) for e in events}


def test_agent_actions_on_the_pages_are_audited_with_channel_web_and_the_ip(client, caseworker) -> None:
    QueuedConversationFactory()
    target = QueueFactory(slug="annen-ko", name="Annen kø")
    client.force_login(caseworker)
    web = {"REMOTE_ADDR": WEB_IP}

    client.post(reverse("chat:agent-status"), {"state": "AVAILABLE", "capacity": 2}, **web)
    taken = client.post(reverse("chat:agent-take-next"), **web)
    pk = int(taken["Location"].rsplit("=", 1)[1])
    client.post(reverse("chat:agent-reply", args=[pk]), {"text": "Jeg ser på saken."}, **web)
    client.post(reverse("chat:agent-note", args=[pk]), {"text": "Ring kunden."}, **web)
    client.post(reverse("chat:agent-transfer", args=[pk]), {"queue": target.pk}, **web)
    client.post(reverse("chat:agent-take-next"), **web)
    client.post(reverse("chat:agent-close", args=[pk]), {"wrap_up": "resolved"}, **web)

    conversation = Conversation.objects.get(pk=pk)
    assert (conversation.state, conversation.queue, conversation.notes.count()) == (
        Conversation.State.CLOSED,
        target,
        1,
    )
    assert _agent_audit() == {(action, "web", WEB_IP, caseworker.username) for action in AGENT_ACTIONS}


def test_agent_actions_through_the_api_are_audited_with_channel_api_and_the_ip(client, caseworker) -> None:
    QueuedConversationFactory()
    target = QueueFactory(slug="annen-ko", name="Annen kø")
    client.force_login(caseworker)
    api = {"REMOTE_ADDR": API_IP, "content_type": "application/json"}

    client.patch(reverse("chat-agent-status"), {"state": "AVAILABLE", "capacity": 2}, **api)
    pk = client.post(reverse("chat-agent-take-next"), **api).json()["id"]
    assert client.post(reverse("chat-agent-messages", args=[pk]), {"text": "Hei."}, **api).status_code == 201
    assert (
        client.post(reverse("chat-agent-notes", args=[pk]), {"text": "Ring kunden."}, **api).status_code
        == 201
    )
    assert (
        client.post(reverse("chat-agent-transfer", args=[pk]), {"queue": "annen-ko"}, **api).status_code
        == 200
    )
    assert client.post(reverse("chat-agent-take-next"), **api).json()["id"] == pk
    assert (
        client.post(reverse("chat-agent-close", args=[pk]), {"wrap_up": "resolved"}, **api).status_code == 200
    )

    assert Conversation.objects.get(pk=pk).queue == target
    assert _agent_audit() == {(action, "api", API_IP, caseworker.username) for action in AGENT_ACTIONS}


def test_a_manager_reassigning_is_audited_with_the_door_channel_and_the_ip(
    client, caseworker, manager, make_user
) -> None:
    conversation = QueuedConversationFactory()
    make_user("saksbehandler", username="agent-2")
    client.force_login(manager)

    client.post(
        reverse("chat:conversation-reassign", args=[conversation.pk]),
        {"agent": caseworker.pk},
        REMOTE_ADDR=WEB_IP,
    )
    client.post(
        reverse("chat-agent-reassign", args=[conversation.pk]),
        {"agent": "agent-2"},
        content_type="application/json",
        REMOTE_ADDR=API_IP,
    )

    assert _agent_audit() == {
        ("chat.conversation.reassign", "web", WEB_IP, manager.username),
        ("chat.conversation.reassign", "api", API_IP, manager.username),
    }
