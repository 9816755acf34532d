"""Reads for the agent console and the live queue overview."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import Permission, User
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import AgentStatus, Conversation, ConversationNote, Intent, Message, Queue
from chat.selectors import NotFound
from lanekassen_ai.roles import Capability

WAITING_LIST_LIMIT = 50
TRANSCRIPT_LIMIT = 500
NOTES_LIMIT = 200


def agent_status_for(*, user: User) -> AgentStatus | None:
    """The agent's status row, or None if they never opened the console."""
    return AgentStatus.objects.filter(user=user).prefetch_related("queues").first()


def queue_waiting_list(
    *, agent: User | None = None, limit: int = WAITING_LIST_LIMIT, queue_ids: list[int] | None = None
) -> list[Conversation]:
    """Conversations waiting now, in the order "take next" serves them (priority, then
    oldest first), limited to the queues `agent` serves when given. Messages left for a
    later opening are not listed until then."""
    waiting = _waiting_now(agent=agent, queue_ids=queue_ids)
    return list(
        waiting.select_related("queue", "handover_intent", "employee").order_by(
            "queue__priority", "queued_at", "pk"
        )[:limit]
    )


def agent_queue_ids(*, agent: User) -> list[int]:
    """The queues the agent has chosen to serve; empty means all of them."""
    through = AgentStatus.queues.through.objects.filter(agentstatus__user=agent)
    return list(through.values_list("queue_id", flat=True))


def _waiting_now(*, agent: User | None, queue_ids: list[int] | None = None) -> QuerySet[Conversation]:
    waiting = Conversation.objects.filter(
        state=Conversation.State.QUEUED, queue__active=True, queued_at__lte=timezone.now()
    )
    if agent is not None:
        queue_ids = agent_queue_ids(agent=agent) if queue_ids is None else queue_ids
        if queue_ids:
            waiting = waiting.filter(queue_id__in=queue_ids)
    return waiting


def agent_conversations_active(*, agent: User) -> list[Conversation]:
    """The conversations `agent` is in now, oldest first, each with `unread`: the
    customer's messages after the last one the agent has seen."""
    return list(
        Conversation.objects.filter(agent=agent, state=Conversation.State.WITH_AGENT)
        .select_related("queue", "handover_intent", "employee")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(
                    messages__sender=Message.Sender.CUSTOMER, messages__id__gt=F("agent_seen_message_id")
                ),
            )
        )
        .order_by("answered_at", "pk")
    )


@dataclass(frozen=True)
class QueueWait:
    queue_id: int
    queue_name: str
    target_seconds: int
    waiting: int
    oldest_wait_seconds: int
    newest_id: int

    @property
    def over_target(self) -> bool:
        """The oldest customer has waited longer than the queue's service-level target."""
        return self.waiting > 0 and self.oldest_wait_seconds > self.target_seconds


def queue_waits_for_agent(
    *, agent: User, now: datetime | None = None, queue_ids: list[int] | None = None
) -> list[QueueWait]:
    """Per queue the agent serves with someone waiting: how many wait, the oldest wait
    and the newest arrival, for the console's SLA warning. One query."""
    now = now or timezone.now()
    rows = (
        _waiting_now(agent=agent, queue_ids=queue_ids)
        .values("queue_id", "queue__name", "queue__priority", "queue__service_level_target_seconds")
        .annotate(n=Count("pk"), oldest=Min("queued_at"), newest=Max("pk"))
        .order_by("queue__priority", "queue__name")
    )
    return [
        QueueWait(
            queue_id=r["queue_id"],
            queue_name=r["queue__name"],
            target_seconds=r["queue__service_level_target_seconds"],
            waiting=r["n"],
            oldest_wait_seconds=seconds_since(at=r["oldest"], now=now),
            newest_id=r["newest"],
        )
        for r in rows
    ]


def agent_console_version(
    *,
    agent: User,
    now: datetime | None = None,
    queue_ids: list[int] | None = None,
    waits: list[QueueWait] | None = None,
) -> str:
    """A short fingerprint of what the console's waiting list shows: who waits per
    queue, which queues are over their target, the agent's conversations with their
    newest message and what the agent has seen. The console polls with it and gets "no
    change" (204) while it is the same. The minute is part of it, so the "waited 3
    minutes" labels move on. Two small queries (plus the agent's queues)."""
    now = now or timezone.now()
    if waits is None:
        waits = queue_waits_for_agent(agent=agent, now=now, queue_ids=queue_ids)
    mine = (
        Conversation.objects.filter(agent=agent, state=Conversation.State.WITH_AGENT)
        .annotate(newest=Max("messages__id"))
        .values_list("pk", "newest", "agent_seen_message_id")
        .order_by("pk")
    )
    parts = [
        repr([(w.queue_id, w.waiting, w.newest_id, w.over_target) for w in waits]),
        repr(list(mine)),
        now.strftime("%Y%m%d%H%M"),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def conversation_for_agent(*, agent: User, conversation_id: int) -> Conversation:
    """A conversation `agent` is or was in (they may read their closed ones). Raises
    NotFound for any other: whether it exists is not the agent's to know."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id, agent=agent)
        .select_related("queue", "handover_intent", "assistant", "employee")
        .first()
    )
    if conversation is None:
        raise NotFound(_("Samtalen finnes ikke, eller den er ikke din."))
    return conversation


@dataclass(frozen=True)
class AgentConversationDetail:
    """What the agent console and the agent API show of one of the agent's conversations:
    the conversation and its transcript (bot part included; all of it, or only the
    messages after a given id), and the id of the newest message in it (0 when empty)."""

    conversation: Conversation
    messages: tuple[Message, ...]
    last_message_id: int


def agent_conversation_detail(
    *, agent: User, conversation_id: int, after: int | None = None
) -> AgentConversationDetail:
    """One conversation `agent` is or was in, with its transcript or only the messages
    after id `after`: the console page and the API read the same. Raises NotFound (see
    conversation_for_agent)."""
    conversation = conversation_for_agent(agent=agent, conversation_id=conversation_id)
    messages = tuple(conversation_messages(conversation=conversation, after=after))
    return AgentConversationDetail(
        conversation=conversation,
        messages=messages,
        last_message_id=messages[-1].pk if messages else 0,
    )


def conversation_for_reassign(*, conversation_id: int) -> Conversation:
    """Any conversation, for a manager to reassign (the service checks its state).
    Raises NotFound."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise NotFound(_("Fant ingen samtale med nummer %(pk)s.") % {"pk": conversation_id})
    return conversation


def agent_for_username(*, username: str) -> User | None:
    """The user called `username`, or None; whether they may answer chats is the
    service's check (conversation_reassign)."""
    return User.objects.filter(username=username).first()


def queue_get(*, pk: int | None = None, slug: str | None = None) -> Queue:
    """The queue with primary key `pk` or slug `slug` (a conversation is transferred to
    it). Raises NotFound."""
    queue = (Queue.objects.filter(pk=pk) if pk is not None else Queue.objects.filter(slug=slug)).first()
    if queue is None:
        raise NotFound(_("Fant ingen kø %(queue)s.") % {"queue": pk if pk is not None else repr(slug)})
    return queue


def queue_choices() -> QuerySet[Queue]:
    """Every queue, active or not, for choosing where an intent hands over to."""
    return Queue.objects.order_by("priority", "name")


def queues_by_slug(*, slugs: list[str]) -> list[Queue]:
    """The queues among `slugs` that exist (an agent's choice of queues to serve)."""
    return list(Queue.objects.filter(slug__in=slugs))


def intent_for_conversation(*, conversation: Conversation, slug: str) -> Intent | None:
    """The intent `slug` of the conversation's assistant, whose ready answer an agent
    sends, or None."""
    return Intent.objects.filter(assistant_id=conversation.assistant_id, slug=slug).first()


def conversation_notes(*, conversation: Conversation) -> list[ConversationNote]:
    """The conversation's internal notes, oldest first (at most NOTES_LIMIT, the newest)."""
    notes = ConversationNote.objects.filter(conversation=conversation).select_related("author")
    return list(reversed(notes.order_by("-id")[:NOTES_LIMIT]))


def conversations_for_supervision(*, state: str = "") -> QuerySet[Conversation]:
    """Conversations a manager may reassign: waiting now or with an agent, oldest in the
    queue first; for a paginated list."""
    states = [state] if state else [Conversation.State.QUEUED, Conversation.State.WITH_AGENT]
    return (
        Conversation.objects.filter(state__in=states, queue__isnull=False)
        .select_related("queue", "agent", "employee", "handover_intent")
        .order_by("queued_at", "pk")
    )


def chat_agents() -> list[User]:
    """Active users who may answer chats (directly, through a role or as superuser), by
    name, each with `agent_status` when they have one. Bounded by the staff size."""
    permission = Permission.objects.filter(
        codename=Capability.ANSWER_CHATS.value, content_type__app_label="lanekassen_ai"
    ).first()
    users = User.objects.filter(is_active=True)
    if permission is not None:
        users = users.filter(
            Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission)
        )
    else:
        users = users.filter(is_superuser=True)
    return list(
        users.distinct()
        .select_related("agent_status")
        .annotate(active=Count("chat_conversations", filter=Q(chat_conversations__state="with_agent")))
        .order_by("first_name", "last_name", "username")[:500]
    )


def agent_choices(*, agents: list[User]) -> QuerySet[User]:
    """`agents` (from chat_agents) as a queryset, for a form's choice of agent."""
    return User.objects.filter(pk__in=[agent.pk for agent in agents])


def conversation_messages(*, conversation: Conversation, after: int | None = None) -> list[Message]:
    """The transcript (bot part included) in order, or only the messages after id `after`."""
    messages: QuerySet[Message] = Message.objects.filter(conversation=conversation)
    if after is not None:
        messages = messages.filter(pk__gt=after)
    return list(messages.select_related("intent").order_by("pk")[:TRANSCRIPT_LIMIT])


def canned_reply_intents(*, conversation: Conversation) -> list[Intent]:
    """Intents of the conversation's assistant that have a ready answer to insert (a
    catalogue's worth: tens of rows)."""
    return list(
        Intent.objects.filter(assistant_id=conversation.assistant_id, active=True)
        .exclude(answer_nb="")
        .order_by("title_nb")[:500]
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
            1 for s in statuses if s.active < s.capacity and (not s.queues.all() or queue in s.queues.all())
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
