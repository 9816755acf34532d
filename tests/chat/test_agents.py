"""The agent's actions and the abandonment sweep (chat/services/agents.py)."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import timezone

from chat.models import AgentStatus, Conversation, Message, Queue, QueueSlotStat
from chat.services.agents import (
    AgentError,
    agent_status_set,
    canned_answer_text,
    conversation_close,
    conversation_note_add,
    conversation_reassign,
    conversation_reply,
    conversation_reply_with_intent,
    conversation_take_next,
    conversation_transfer,
    conversations_abandon_stale,
    conversations_requeue_unanswered,
)
from chat.services.conversations import conversation_message_post
from chat.tasks import queue_maintenance
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.chat.factories import (
    AgentStatusFactory,
    IntentFactory,
    QueuedConversationFactory,
    QueueFactory,
)
from tests.conftest import require_postgresql


@pytest.fixture
def agent(make_user):
    user = make_user("saksbehandler", username="agent-1")
    AgentStatusFactory(user=user, capacity=2)
    return user


@pytest.mark.django_db
def test_take_next_serves_the_highest_priority_queue_first_then_the_oldest(agent) -> None:
    now = timezone.now()
    low = QueueFactory(slug="lav", priority=40)
    high = QueueFactory(slug="hoy", priority=10)
    old_low = QueuedConversationFactory(queue=low, queued_at=now - timedelta(minutes=10))
    new_high = QueuedConversationFactory(queue=high, queued_at=now - timedelta(minutes=1))
    old_high = QueuedConversationFactory(queue=high, queued_at=now - timedelta(minutes=5))

    taken = [
        conversation_take_next(context=AuditContext(actor=agent)),
        conversation_take_next(context=AuditContext(actor=agent)),
    ]

    assert [c.pk for c in taken] == [old_high.pk, new_high.pk]
    old_high.refresh_from_db()
    assert (old_high.state, old_high.agent, old_high.answered_at is not None) == (
        Conversation.State.WITH_AGENT,
        agent,
        True,
    )
    assert old_high.messages.filter(sender=Message.Sender.SYSTEM).exists()
    assert AuditEvent.objects.filter(action="chat.conversation.take", object_id=str(old_high.pk)).exists()
    # Capacity 2 reached: the low-priority conversation waits.
    with pytest.raises(AgentError, match="kapasitet 2"):
        conversation_take_next(context=AuditContext(actor=agent))
    assert Conversation.objects.get(pk=old_low.pk).state == Conversation.State.QUEUED


@pytest.mark.django_db
def test_an_away_agent_cannot_take_conversations(agent) -> None:
    agent_status_set(context=AuditContext(actor=agent), state=AgentStatus.State.AWAY)
    QueuedConversationFactory()
    with pytest.raises(AgentError, match="borte"):
        conversation_take_next(context=AuditContext(actor=agent))


@pytest.mark.django_db
def test_take_next_returns_none_when_nobody_waits(agent) -> None:
    assert conversation_take_next(context=AuditContext(actor=agent)) is None


@pytest.mark.django_db
def test_an_agent_serving_some_queues_gets_only_those(agent) -> None:
    mine, other = QueueFactory(priority=50), QueueFactory(priority=1)
    QueuedConversationFactory(queue=other)
    expected = QueuedConversationFactory(queue=mine)
    agent_status_set(context=AuditContext(actor=agent), queues=[mine])
    assert conversation_take_next(context=AuditContext(actor=agent)) == expected


@pytest.mark.django_db
def test_status_rejects_capacity_out_of_range_and_unknown_states(agent) -> None:
    with pytest.raises(AgentError, match="mellom 1 og 10"):
        agent_status_set(context=AuditContext(actor=agent), capacity=0)
    with pytest.raises(AgentError, match="Ukjent status"):
        agent_status_set(context=AuditContext(actor=agent), state="SLEEPING")
    assert AgentStatus.objects.get(user=agent).capacity == 2


@pytest.mark.django_db
def test_reply_canned_reply_transfer_and_close(agent, make_user) -> None:
    conversation = QueuedConversationFactory()
    conversation_take_next(context=AuditContext(actor=agent))
    conversation.refresh_from_db()

    message = conversation_reply(
        conversation=conversation, context=AuditContext(actor=agent), text="  Hei, jeg ser på saken.  "
    )
    assert (message.sender, message.text, message.author) == (
        Message.Sender.AGENT,
        "Hei, jeg ser på saken.",
        agent,
    )
    event = AuditEvent.objects.get(action="chat.conversation.reply")
    assert (event.actor, event.object_id, event.details) == (
        agent,
        str(conversation.pk),
        {"message_id": message.pk, "length": len("Hei, jeg ser på saken.")},
    )
    intent = IntentFactory(assistant=conversation.assistant, answer_nb="Søk på Mine sider.")
    canned = conversation_reply_with_intent(
        conversation=conversation, context=AuditContext(actor=agent), intent=intent
    )
    assert canned.text.startswith("Søk på Mine sider.")

    other_agent = make_user("saksbehandler", username="agent-2")
    with pytest.raises(AgentError, match="annen saksbehandler"):
        conversation_reply(conversation=conversation, context=AuditContext(actor=other_agent), text="Hei")
    with pytest.raises(AgentError, match="tomt"):
        conversation_reply(conversation=conversation, context=AuditContext(actor=agent), text=" ")

    target = QueueFactory(slug="una-servicedesk")
    queued_at = conversation.queued_at
    conversation_transfer(conversation=conversation, context=AuditContext(actor=agent), queue=target)
    conversation.refresh_from_db()
    assert (conversation.state, conversation.queue, conversation.agent) == (
        Conversation.State.QUEUED,
        target,
        None,
    )
    assert conversation.queued_at == queued_at  # keeps its place

    AgentStatusFactory(user=other_agent)
    assert conversation_take_next(context=AuditContext(actor=other_agent)) == conversation
    with pytest.raises(AgentError, match="avslutningskode"):
        conversation_close(conversation=conversation, context=AuditContext(actor=other_agent), wrap_up="bye")
    conversation_close(
        conversation=conversation,
        context=AuditContext(actor=other_agent),
        wrap_up=Conversation.WrapUp.RESOLVED,
    )
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED and conversation.closed_at is not None
    with pytest.raises(AgentError, match="ikke aktiv"):
        conversation_reply(conversation=conversation, context=AuditContext(actor=other_agent), text="Hallo?")


@pytest.mark.django_db(transaction=True)
def test_rollups_follow_the_conversation_after_commit(agent) -> None:
    conversation = QueuedConversationFactory()
    conversation_take_next(context=AuditContext(actor=agent))
    conversation_close(
        conversation=conversation, context=AuditContext(actor=agent), wrap_up=Conversation.WrapUp.RESOLVED
    )
    stat = QueueSlotStat.objects.get(queue=conversation.queue)
    assert (stat.offered, stat.answered, stat.handled, stat.answered_within_target) == (1, 1, 1, 1)


@pytest.mark.django_db
def test_customers_who_stop_polling_are_abandoned_with_the_time_they_waited(agent) -> None:
    now = timezone.now()
    queue = QueueFactory(abandon_after_seconds=120)
    gone = QueuedConversationFactory(
        queue=queue,
        queued_at=now - timedelta(minutes=10),
        last_customer_activity_at=now - timedelta(minutes=7),
    )
    polling = QueuedConversationFactory(
        queue=queue,
        queued_at=now - timedelta(minutes=10),
        last_customer_activity_at=now - timedelta(seconds=30),
    )

    assert conversations_abandon_stale(now=now) == 1

    gone.refresh_from_db()
    assert gone.state == Conversation.State.ABANDONED
    assert gone.abandoned_at - gone.queued_at == timedelta(minutes=3)
    assert Conversation.objects.get(pk=polling.pk).state == Conversation.State.QUEUED


@pytest.mark.django_db
def test_the_command_and_the_periodic_task_abandon_stale_conversations(capsys) -> None:
    old = timezone.now() - timedelta(hours=1)
    QueuedConversationFactory(queued_at=old, last_customer_activity_at=old)
    call_command("abandon_stale_conversations")
    assert "abandoned: 1" in capsys.readouterr().out
    QueuedConversationFactory(queued_at=old, last_customer_activity_at=old)
    assert queue_maintenance.delay().get()["abandoned"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_agents_taking_at_once_get_each_conversation_exactly_once_in_fifo_order(make_user) -> None:
    require_postgresql()
    queue = QueueFactory(priority=10)
    start = timezone.now() - timedelta(hours=1)
    waiting = [
        QueuedConversationFactory(queue=queue, queued_at=start + timedelta(seconds=i)) for i in range(60)
    ]
    agents = [make_user("saksbehandler", username=f"parallel-{i}") for i in range(50)]
    for user in agents:
        AgentStatusFactory(user=user, capacity=1)
    barrier = threading.Barrier(len(agents))
    results: dict[int, int | None] = {}
    errors: list[BaseException] = []

    def take(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            taken = conversation_take_next(context=AuditContext(actor=user))
            results[user.pk] = taken.pk if taken else None
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=take, args=(user,)) for user in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    taken_ids = [pk for pk in results.values() if pk is not None]
    assert len(taken_ids) == 50 == len(set(taken_ids))
    # Exactly the 50 oldest were taken; the 10 newest still wait.
    assert set(taken_ids) == {c.pk for c in waiting[:50]}
    assert set(Conversation.objects.filter(state=Conversation.State.QUEUED).values_list("pk", flat=True)) == {
        c.pk for c in waiting[50:]
    }
    owners = Conversation.objects.filter(state=Conversation.State.WITH_AGENT).values_list(
        "agent_id", flat=True
    )
    assert sorted(owners) == sorted(u.pk for u in agents)


@pytest.mark.django_db
def test_the_maintenance_task_is_scheduled_every_minute_with_celery_beat() -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="chat.queue_maintenance")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")


@pytest.mark.worker
def test_a_real_worker_runs_the_maintenance_task(redis_celery_worker) -> None:
    old = timezone.now() - timedelta(hours=1)
    stale = QueuedConversationFactory(queued_at=old, last_customer_activity_at=old)
    result = queue_maintenance.delay().get(timeout=60)
    assert result["abandoned"] == 1
    assert Conversation.objects.get(pk=stale.pk).state == Conversation.State.ABANDONED
    assert QueueSlotStat.objects.get(queue=stale.queue).abandoned == 1


@pytest.mark.django_db
def test_a_conversation_cannot_be_transferred_to_a_closed_queue(agent) -> None:
    from chat.models import OpeningHours

    conversation = QueuedConversationFactory()
    conversation_take_next(context=AuditContext(actor=agent))
    closed = QueueFactory(slug="stengt")
    today = timezone.localdate().weekday()
    OpeningHours.objects.create(queue=closed, weekday=(today + 1) % 7, opens="08:00", closes="09:00")
    with pytest.raises(AgentError, match="stengt"):
        conversation_transfer(conversation=conversation, context=AuditContext(actor=agent), queue=closed)
    assert Conversation.objects.get(pk=conversation.pk).state == Conversation.State.WITH_AGENT


def _taken(agent) -> Conversation:
    QueuedConversationFactory()
    agent_status_set(context=AuditContext(actor=agent), state=AgentStatus.State.AVAILABLE)
    taken = conversation_take_next(context=AuditContext(actor=agent))
    assert taken is not None
    return taken


@pytest.mark.django_db
def test_a_conversation_whose_agent_stops_answering_goes_back_to_the_queue_in_its_place(agent) -> None:
    queue = QueueFactory(requeue_after_minutes=10)
    first_queued = timezone.now() - timedelta(minutes=30)
    QueuedConversationFactory(queue=queue, queued_at=first_queued)
    agent_status_set(context=AuditContext(actor=agent), state=AgentStatus.State.AVAILABLE)
    conversation = conversation_take_next(context=AuditContext(actor=agent))
    assert conversation is not None and conversation.awaiting_agent_since is not None

    # Nine minutes without an answer: nothing happens yet.
    assert (
        conversations_requeue_unanswered(
            context=AuditContext.for_task(), now=timezone.now() + timedelta(minutes=9)
        )
        == 0
    )
    # The agent answers, the customer writes again, and then the agent is silent.
    conversation_reply(conversation=conversation, context=AuditContext(actor=agent), text="Jeg ser på saken.")
    conversation.refresh_from_db()
    assert conversation.awaiting_agent_since is None
    assert (
        conversations_requeue_unanswered(
            context=AuditContext.for_task(), now=timezone.now() + timedelta(hours=1)
        )
        == 0
    )
    conversation_message_post(conversation=conversation, text="Hallo?")
    conversation.refresh_from_db()
    assert conversation.awaiting_agent_since is not None

    assert (
        conversations_requeue_unanswered(
            context=AuditContext.for_task(), now=timezone.now() + timedelta(minutes=11)
        )
        == 1
    )
    conversation.refresh_from_db()
    assert (conversation.state, conversation.agent, conversation.queued_at) == (
        Conversation.State.QUEUED,
        None,
        first_queued,
    )
    assert "satt tilbake i køen" in conversation.messages.filter(sender=Message.Sender.SYSTEM).last().text
    event = AuditEvent.objects.get(action="chat.conversation.requeue")
    assert (event.channel, event.details["from_agent"]) == ("task", agent.pk)


@pytest.mark.django_db
def test_a_queue_with_zero_minutes_never_takes_conversations_back(agent) -> None:
    conversation = _taken(agent)
    Queue.objects.filter(pk=conversation.queue_id).update(requeue_after_minutes=0)
    assert (
        conversations_requeue_unanswered(
            context=AuditContext.for_task(), now=timezone.now() + timedelta(days=1)
        )
        == 0
    )


@pytest.mark.django_db
def test_the_minute_task_also_puts_unanswered_conversations_back() -> None:
    conversation = QueuedConversationFactory(state=Conversation.State.WITH_AGENT)
    Conversation.objects.filter(pk=conversation.pk).update(
        awaiting_agent_since=timezone.now() - timedelta(minutes=20)
    )
    assert queue_maintenance()["requeued"] == 1


@pytest.mark.django_db
def test_notes_are_audited_never_reach_the_customer_and_only_the_agent_or_a_manager_writes_them(
    agent, make_user
) -> None:
    conversation = _taken(agent)
    note = conversation_note_add(
        conversation=conversation, context=AuditContext(actor=agent), text="  Ring kunden i morgen.  "
    )
    assert note.text == "Ring kunden i morgen."
    manager = make_user("leder", username="leder-1")
    conversation_note_add(conversation=conversation, context=AuditContext(actor=manager), text="Sjekket.")
    with pytest.raises(AgentError, match="ikke din"):
        conversation_note_add(
            conversation=conversation,
            context=AuditContext(actor=make_user("saksbehandler", username="other")),
            text="x",
        )
    with pytest.raises(AgentError, match="tom"):
        conversation_note_add(conversation=conversation, context=AuditContext(actor=agent), text="   ")
    assert AuditEvent.objects.filter(action="chat.conversation.note").count() == 2
    assert not Message.objects.filter(text__contains="Ring kunden").exists()


@pytest.mark.django_db
def test_a_manager_reassigns_to_another_agent_and_it_is_audited(agent, make_user) -> None:
    conversation = _taken(agent)
    other = make_user("saksbehandler", username="agent-2", first_name="Ola", last_name="Nordmann")
    manager = make_user("leder", username="leder-1")
    with pytest.raises(AgentError, match="tilgang"):
        conversation_reassign(conversation=conversation, to_agent=other, context=AuditContext(actor=agent))
    with pytest.raises(AgentError, match="svarer ikke på chat"):
        conversation_reassign(
            conversation=conversation, to_agent=manager, context=AuditContext(actor=manager)
        )

    moved = conversation_reassign(
        conversation=conversation, to_agent=other, context=AuditContext(actor=manager)
    )
    assert (moved.state, moved.agent) == (Conversation.State.WITH_AGENT, other)
    assert moved.messages.filter(text="Ola Nordmann har tatt over samtalen.").exists()
    event = AuditEvent.objects.get(action="chat.conversation.reassign")
    assert (event.actor, event.details) == (manager, {"from_agent": agent.pk, "to_agent": other.pk})
    with pytest.raises(AgentError, match="allerede"):
        conversation_reassign(conversation=moved, to_agent=other, context=AuditContext(actor=manager))
    # A waiting conversation can be given straight to an agent too.
    waiting = QueuedConversationFactory()
    assert (
        conversation_reassign(conversation=waiting, to_agent=agent, context=AuditContext(actor=manager)).agent
        == agent
    )


@pytest.mark.django_db
def test_canned_answers_come_in_the_customers_language(agent) -> None:
    intent = IntentFactory(
        answer_nb="Svar på bokmål.", answer_en="Answer in English.", link_url="https://x.test/"
    )
    assert canned_answer_text(intent=intent, language="en") == "Answer in English.\nhttps://x.test/"
    assert canned_answer_text(intent=intent, language="nb") == "Svar på bokmål.\nhttps://x.test/"
    # A language the intent has no answer in falls back to bokmål.
    assert canned_answer_text(intent=intent, language="nn") == "Svar på bokmål.\nhttps://x.test/"
