"""Reads for the agent console and the live queue overview."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from chat.models import AgentStatus, Conversation, Intent, Message, Queue

WAITING_LIST_LIMIT = 50
TRANSCRIPT_LIMIT = 500


def agent_status_for(*, user: User) -> AgentStatus | None:
    """The agent's status row, or None if they never opened the console."""
    return AgentStatus.objects.filter(user=user).prefetch_related("queues").first()


def queue_waiting_list(*, agent: User | None = None, limit: int = WAITING_LIST_LIMIT) -> list[Conversation]:
    """Conversations waiting now, in the order "take next" serves them (priority, then
    oldest first), limited to the queues `agent` serves when given. Messages left for a
    later opening are not listed until then."""
    waiting = Conversation.objects.filter(
        state=Conversation.State.QUEUED, queue__active=True, queued_at__lte=timezone.now()
    )
    if agent is not None:
        status = agent_status_for(user=agent)
        queue_ids = [q.pk for q in status.queues.all()] if status is not None else []
        if queue_ids:
            waiting = waiting.filter(queue_id__in=queue_ids)
    return list(
        waiting.select_related("queue", "handover_intent").order_by("queue__priority", "queued_at", "pk")[
            :limit
        ]
    )


def agent_conversations_active(*, agent: User) -> list[Conversation]:
    """The conversations `agent` is in now, oldest first."""
    return list(
        Conversation.objects.filter(agent=agent, state=Conversation.State.WITH_AGENT)
        .select_related("queue", "handover_intent")
        .order_by("answered_at", "pk")
    )


def conversation_for_agent(*, agent: User, conversation_id: int) -> Conversation | None:
    """A conversation `agent` is or was in (they may read their closed ones), or None."""
    return (
        Conversation.objects.filter(pk=conversation_id, agent=agent)
        .select_related("queue", "handover_intent", "assistant")
        .first()
    )


def conversation_messages(*, conversation: Conversation, after: int | None = None) -> list[Message]:
    """The transcript (bot part included) in order, or only the messages after id `after`."""
    messages: QuerySet[Message] = Message.objects.filter(conversation=conversation)
    if after is not None:
        messages = messages.filter(pk__gt=after)
    return list(messages.select_related("intent").order_by("pk")[:TRANSCRIPT_LIMIT])


def canned_reply_intents(*, conversation: Conversation) -> list[Intent]:
    """Intents of the conversation's assistant that have a ready answer to insert."""
    return list(
        Intent.objects.filter(assistant_id=conversation.assistant_id, active=True)
        .exclude(answer_nb="")
        .only("pk", "slug", "title_nb", "title_en", "assistant_id")
        .order_by("title_nb")
    )


def queues_active() -> list[Queue]:
    """The queues in use, in priority order."""
    return list(Queue.objects.filter(active=True).order_by("priority", "name"))


@dataclass(frozen=True)
class QueueLive:
    queue: Queue
    waiting: int
    longest_wait_seconds: int
    agents_available: int
    agents_busy: int


def queue_live_overview(*, now: datetime | None = None) -> list[QueueLive]:
    """Per active queue, right now: how many wait, the longest wait, and how many agents
    could take a conversation (available with free capacity) or are in one. An agent who
    serves all queues counts in each. A fixed number of queries, whatever the traffic."""
    now = now or timezone.now()
    queues = queues_active()
    waiting = {
        row["queue_id"]: row
        for row in Conversation.objects.filter(state=Conversation.State.QUEUED, queued_at__lte=now)
        .values("queue_id")
        .annotate(n=Count("pk"), oldest=Min("queued_at"))
        .order_by()
    }
    busy_pairs = (
        Conversation.objects.filter(state=Conversation.State.WITH_AGENT, agent__isnull=False)
        .values_list("queue_id", "agent_id")
        .distinct()
    )
    busy: dict[int | None, set[int]] = {}
    for queue_id, agent_id in busy_pairs:
        busy.setdefault(queue_id, set()).add(agent_id)
    statuses = list(
        AgentStatus.objects.filter(state=AgentStatus.State.AVAILABLE)
        .annotate(
            active=Count("user__chat_conversations", filter=Q(user__chat_conversations__state="with_agent"))
        )
        .prefetch_related("queues")
    )
    overview: list[QueueLive] = []
    for queue in queues:
        row: dict[str, Any] = waiting.get(queue.pk, {})
        oldest = row.get("oldest")
        available = sum(
            1
            for s in statuses
            if s.active < s.capacity and (not s.queues.all() or queue in s.queues.all())  # type: ignore[attr-defined]
        )
        overview.append(
            QueueLive(
                queue=queue,
                waiting=row.get("n", 0),
                longest_wait_seconds=int((now - oldest).total_seconds()) if oldest else 0,
                agents_available=available,
                agents_busy=len(busy.get(queue.pk, set())),
            )
        )
    return overview


def seconds_since(*, at: datetime | None, now: datetime | None = None) -> int:
    """Whole seconds from `at` to now (0 for None), for "waited 3 min" labels."""
    if at is None:
        return 0
    return max(0, int(((now or timezone.now()) - at) / timedelta(seconds=1)))
