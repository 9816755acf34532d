"""What agents (caseworkers answering chats) do: availability and capacity, taking the
next waiting conversation, replying, internal notes, transferring and closing; what a
manager does (reassigning); and the minute sweeps: customers who left the queue, and
conversations whose agent stopped answering (back to the queue).

Locking: `conversation_take_next` locks the agent's status row first (so one agent's two
clicks cannot both pass the capacity check), then picks the conversation with
``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent agents never wait for or get the same
conversation. Every other write locks the one conversation row it changes.
"""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.limits import MAX_REPLY_LENGTH
from chat.models import AgentStatus, Conversation, ConversationNote, Intent, Message, Queue
from chat.services.queues import QueueError, queue_is_open
from chat.services.statistics import conversation_stats_refresh_on_commit, queue_slot_stat_refresh_for
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.events import event_emit

MAX_NOTE_LENGTH = MAX_REPLY_LENGTH


class AgentError(QueueError):
    """An agent action that cannot be done, with a message that says why."""


def agent_status_get_or_create(*, user: User) -> AgentStatus:
    """The agent's status row, created (away, default capacity) on first use."""
    status, _ = AgentStatus.objects.get_or_create(user=user)
    return status


@transaction.atomic
def agent_status_set(
    *,
    context: AuditContext,
    state: str | None = None,
    capacity: int | None = None,
    queues: list[Queue] | None = None,
) -> AgentStatus:
    """Set the context's agent available or away, their capacity (1-10 concurrent chats)
    and, optionally, the queues they serve (empty list: all queues)."""
    user = context.user
    if state is not None and state not in AgentStatus.State.values:
        raise AgentError(
            _("Ukjent status «%(state)s»: bruk %(choices)s.")
            % {"state": state, "choices": ", ".join(AgentStatus.State.values)}
        )
    if capacity is not None and not 1 <= capacity <= 10:
        raise AgentError(
            _("Kapasitet må være mellom 1 og 10 samtidige samtaler, ikke %(capacity)s.")
            % {"capacity": capacity}
        )
    agent_status_get_or_create(user=user)
    status = AgentStatus.objects.select_for_update().get(user=user)
    changed: dict[str, Any] = {}
    if state is not None and state != status.state:
        changed["state"] = [status.state, state]
        status.state = state
    if capacity is not None and capacity != status.capacity:
        changed["capacity"] = [status.capacity, capacity]
        status.capacity = capacity
    status.save()
    if queues is not None:
        status.queues.set(queues)
        changed["queues"] = sorted(q.slug for q in queues)
    if changed:
        audit_record(action="chat.agent.status", context=context, obj=status, details=changed)
    return status


def _waiting_candidates(*, status: AgentStatus, now: datetime) -> QuerySet[Conversation]:
    waiting = Conversation.objects.filter(
        state=Conversation.State.QUEUED, queue__active=True, queued_at__lte=now
    )
    queue_ids = list(status.queues.values_list("pk", flat=True))
    if queue_ids:
        waiting = waiting.filter(queue_id__in=queue_ids)
    # Highest priority first (lowest number), then oldest first; id breaks ties.
    return waiting.order_by("queue__priority", "queued_at", "pk")


@transaction.atomic
def conversation_take_next(*, context: AuditContext) -> Conversation | None:
    """Give the context's agent the oldest waiting conversation of the highest-priority
    queue they serve, or None when nothing waits. The agent must be available and below
    capacity."""
    agent = context.user
    agent_status_get_or_create(user=agent)
    status = AgentStatus.objects.select_for_update().get(user=agent)
    if status.state != AgentStatus.State.AVAILABLE:
        raise AgentError(_("Du er satt som borte: sett deg tilgjengelig for å ta samtaler."))
    active = Conversation.objects.filter(agent=agent, state=Conversation.State.WITH_AGENT).count()
    if active >= status.capacity:
        raise AgentError(
            _("Du har %(active)s samtaler og kapasitet %(capacity)s: avslutt en før du tar neste.")
            % {"active": active, "capacity": status.capacity}
        )
    now = timezone.now()
    picked = (
        _waiting_candidates(status=status, now=now).select_for_update(skip_locked=True, of=("self",)).first()
    )
    if picked is None:
        return None
    picked.state = Conversation.State.WITH_AGENT
    picked.agent = agent
    if picked.answered_at is None:
        picked.answered_at = now
    picked.taken_at = picked.awaiting_agent_since = now
    picked.save(update_fields=["state", "agent", "answered_at", "taken_at", "awaiting_agent_since"])
    name = agent.get_full_name() or agent.get_username()
    Message.objects.create(
        conversation=picked, sender=Message.Sender.SYSTEM, text=f"{name} har tatt over samtalen."
    )
    audit_record(
        action="chat.conversation.take", context=context, obj=picked, details={"queue": picked.queue_id}
    )
    conversation_stats_refresh_on_commit(conversation=picked)
    return picked


def _locked_own_conversation(*, conversation: Conversation, agent: User) -> Conversation:
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state != Conversation.State.WITH_AGENT:
        raise AgentError(
            _("Samtale %(conversation_id)s er ikke aktiv hos en saksbehandler (status: %(state)s).")
            % {"conversation_id": locked.pk, "state": locked.state}
        )
    if locked.agent_id != agent.pk:
        raise AgentError(
            _("Samtale %(conversation_id)s er tildelt en annen saksbehandler.")
            % {"conversation_id": locked.pk}
        )
    return locked


@transaction.atomic
def conversation_reply(*, conversation: Conversation, text: str, context: AuditContext) -> Message:
    """The context's agent writes to the customer, who sees it on their next poll.
    Audited as `chat.conversation.reply` (the message and its length; the text itself
    stays in the conversation, where its retention rules apply)."""
    agent = context.user
    text = (text or "").strip()
    if not text:
        raise AgentError(_("Svaret er tomt."))
    if len(text) > MAX_REPLY_LENGTH:
        raise AgentError(
            _("Svaret er for langt (%(length)s tegn, maks %(max_reply_length)s).")
            % {"length": len(text), "max_reply_length": MAX_REPLY_LENGTH}
        )
    locked = _locked_own_conversation(conversation=conversation, agent=agent)
    message = Message.objects.create(
        conversation=locked, sender=Message.Sender.AGENT, text=text, author=agent
    )
    # The agent has answered: the customer no longer waits for them.
    locked.awaiting_agent_since = None
    locked.agent_seen_message_id = max(locked.agent_seen_message_id, message.pk)
    locked.save(update_fields=["awaiting_agent_since", "agent_seen_message_id"])
    audit_record(
        action="chat.conversation.reply",
        context=context,
        obj=locked,
        details={"message_id": message.pk, "length": len(text)},
    )
    return message


def canned_answer_text(*, intent: Intent, language: str) -> str:
    """An intent's ready answer in `language` (the customer's), falling back to bokmål
    when the intent has none in that language, with its link on a line of its own."""
    text = intent.answer_in(language)
    if intent.link_url:
        text = f"{text}\n{intent.link_url}"
    return text


def conversation_reply_with_intent(
    *, conversation: Conversation, intent: Intent, context: AuditContext
) -> Message:
    """Send an intent's ready answer (in the conversation's language) as a canned reply."""
    if intent.assistant_id != conversation.assistant_id:
        raise AgentError(_("Intensjonen «%(slug)s» hører til en annen assistent.") % {"slug": intent.slug})
    text = canned_answer_text(intent=intent, language=conversation.language)
    if not text.strip():
        raise AgentError(_("Intensjonen «%(slug)s» har ikke noe ferdig svar.") % {"slug": intent.slug})
    return conversation_reply(conversation=conversation, text=text, context=context)


@transaction.atomic
def conversation_transfer(*, conversation: Conversation, queue: Queue, context: AuditContext) -> Conversation:
    """The context's agent sends their conversation to another queue. It waits there
    again, keeping its original time in queue (so it is not put behind customers who came
    later) and its first answer time; the statistics count it in the queue it ends in."""
    locked = _locked_own_conversation(conversation=conversation, agent=context.user)
    if not queue.active:
        raise AgentError(_("Køen «%(name)s» er ikke i bruk.") % {"name": queue.name})
    if queue.pk == locked.queue_id:
        raise AgentError(_("Samtalen er allerede i køen «%(name)s».") % {"name": queue.name})
    if not queue_is_open(queue=queue):
        # Nobody would answer there now, and the customer would be swept as abandoned.
        raise AgentError(
            _("Køen «%(name)s» er stengt nå; samtalen kan ikke settes over dit.") % {"name": queue.name}
        )
    old_queue_id, queued_at = locked.queue_id, locked.queued_at
    locked.state = Conversation.State.QUEUED
    locked.queue = queue
    locked.agent = None
    locked.awaiting_agent_since = None
    locked.last_customer_activity_at = timezone.now()
    locked.save(
        update_fields=["state", "queue", "agent", "awaiting_agent_since", "last_customer_activity_at"]
    )
    Message.objects.create(
        conversation=locked,
        sender=Message.Sender.SYSTEM,
        text=f"Samtalen er satt over til køen «{queue.name}».",
    )
    audit_record(
        action="chat.conversation.transfer",
        context=context,
        obj=locked,
        details={"from_queue": old_queue_id, "to_queue": queue.pk},
    )
    conversation_stats_refresh_on_commit(conversation=locked)
    if old_queue_id is not None and queued_at is not None:
        transaction.on_commit(
            lambda: queue_slot_stat_refresh_for(queue_id=old_queue_id, at=queued_at), robust=True
        )
    return locked


@transaction.atomic
def conversation_close(*, conversation: Conversation, wrap_up: str, context: AuditContext) -> Conversation:
    """The context's agent ends their conversation with a wrap-up code; the customer may
    then rate it."""
    agent = context.user
    if wrap_up not in Conversation.WrapUp.values:
        raise AgentError(
            _("Ukjent avslutningskode «%(wrap_up)s»: bruk %(choices)s.")
            % {"wrap_up": wrap_up, "choices": ", ".join(Conversation.WrapUp.values)}
        )
    locked = _locked_own_conversation(conversation=conversation, agent=agent)
    locked.state = Conversation.State.CLOSED
    locked.closed_at = timezone.now()
    locked.wrap_up = wrap_up
    locked.awaiting_agent_since = None
    locked.save(update_fields=["state", "closed_at", "wrap_up", "awaiting_agent_since"])
    Message.objects.create(conversation=locked, sender=Message.Sender.SYSTEM, text="Samtalen er avsluttet.")
    audit_record(action="chat.conversation.close", context=context, obj=locked, details={"wrap_up": wrap_up})
    event_emit(
        type="chat.conversation.closed",
        version=1,
        payload={
            "conversation_id": locked.pk,
            "queue": locked.queue.slug if locked.queue else None,
            "wrap_up": wrap_up,
            "closed_at": locked.closed_at,
        },
    )
    conversation_stats_refresh_on_commit(conversation=locked)
    return locked


@transaction.atomic
def conversation_abandon(*, conversation: Conversation, at: datetime | None = None) -> Conversation:
    """The customer left while waiting (closed the page, or stopped polling). The time it
    waited is `abandoned_at - queued_at`."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state != Conversation.State.QUEUED:
        raise AgentError(
            _("Samtale %(conversation_id)s venter ikke i kø (status: %(state)s).")
            % {"conversation_id": locked.pk, "state": locked.state}
        )
    at = at or timezone.now()
    if locked.queued_at is not None and at < locked.queued_at:
        at = locked.queued_at
    locked.state = Conversation.State.ABANDONED
    locked.abandoned_at = at
    locked.save(update_fields=["state", "abandoned_at"])
    Message.objects.create(conversation=locked, sender=Message.Sender.SYSTEM, text="Kunden forlot køen.")
    conversation_stats_refresh_on_commit(conversation=locked)
    return locked


def conversations_abandon_stale(*, now: datetime | None = None) -> int:
    """Abandon every waiting conversation whose customer has not polled for longer than its
    queue's `abandon_after_seconds`. The abandonment is dated at the customer's last sign
    of life, so the recorded wait is the time they actually waited. Messages left outside
    opening hours are never abandoned. Returns how many were abandoned."""
    now = now or timezone.now()
    abandoned = 0
    for queue in Queue.objects.all():
        cutoff = now - timedelta(seconds=queue.abandon_after_seconds)
        stale = (
            Conversation.objects.filter(
                state=Conversation.State.QUEUED, queue=queue, left_message=False, queued_at__lte=now
            )
            .annotate(seen=Coalesce("last_customer_activity_at", "queued_at"))
            .filter(Q(seen__lt=cutoff))
            .values_list("pk", "seen")
        )
        for pk, seen in list(stale[:1000]):
            try:
                conversation_abandon(conversation=Conversation(pk=pk), at=seen)
            except AgentError:
                continue  # taken or closed meanwhile: nothing to do
            abandoned += 1
    return abandoned


def conversation_mark_seen(*, conversation: Conversation, message_id: int, context: AuditContext) -> None:
    """The context's agent has seen the transcript up to `message_id` (the unread markers
    count customer messages after it). Only the conversation's own agent moves it, and
    only forward."""
    agent = context.user
    if conversation.agent_id != agent.pk or message_id <= conversation.agent_seen_message_id:
        return
    Conversation.objects.filter(pk=conversation.pk, agent_seen_message_id__lt=message_id).update(
        agent_seen_message_id=message_id
    )
    conversation.agent_seen_message_id = message_id


@transaction.atomic
def conversation_note_add(
    *, conversation: Conversation, text: str, context: AuditContext
) -> ConversationNote:
    """An internal note by the context's user on a conversation, for colleagues and
    managers; never shown to the customer. The conversation's agent (now or earlier) and
    managers who may reassign write notes; the note is audited (its length, not its text)."""
    author = context.user
    text = (text or "").strip()
    if not text:
        raise AgentError(_("Merknaden er tom."))
    if len(text) > MAX_NOTE_LENGTH:
        raise AgentError(
            _("Merknaden er for lang (%(length)s tegn, maks %(max_note_length)s).")
            % {"length": len(text), "max_note_length": MAX_NOTE_LENGTH}
        )
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.agent_id != author.pk and not author.has_perm(perm(Capability.REASSIGN_CHATS)):
        raise AgentError(
            _("Samtale %(conversation_id)s er ikke din: bare saksbehandleren og ledere skriver merknader.")
            % {"conversation_id": locked.pk}
        )
    note = ConversationNote.objects.create(conversation=locked, author=author, text=text)
    audit_record(
        action="chat.conversation.note",
        obj=locked,
        details={"note": note.pk, "length": len(text)},
        context=context,
    )
    return note


@transaction.atomic
def conversation_reassign(
    *, conversation: Conversation, to_agent: User, context: AuditContext
) -> Conversation:
    """The context's user, a manager (capability REASSIGN_CHATS), gives a waiting or
    ongoing conversation to another agent, who may answer chats. The new agent gets it at
    once, whatever their status or load: a manager's decision, shown to them in their
    console. Audited."""
    by = context.user
    if not by.has_perm(perm(Capability.REASSIGN_CHATS)):
        raise AgentError(_("Du har ikke tilgang til å sette samtaler over til en annen saksbehandler."))
    if not to_agent.is_active or not to_agent.has_perm(perm(Capability.ANSWER_CHATS)):
        raise AgentError(
            _("%(username)s svarer ikke på chat og kan ikke få samtalen.")
            % {"username": to_agent.get_username()}
        )
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state not in (Conversation.State.QUEUED, Conversation.State.WITH_AGENT):
        raise AgentError(
            _("Samtale %(conversation_id)s venter ikke og er ikke hos en saksbehandler (status: %(state)s).")
            % {"conversation_id": locked.pk, "state": locked.state}
        )
    if locked.agent_id == to_agent.pk:
        raise AgentError(
            _("Samtale %(conversation_id)s er allerede hos %(username)s.")
            % {"conversation_id": locked.pk, "username": to_agent.get_username()}
        )
    from_agent_id = locked.agent_id
    now = timezone.now()
    locked.state = Conversation.State.WITH_AGENT
    locked.agent = to_agent
    if locked.answered_at is None:
        locked.answered_at = now
    locked.taken_at = now
    # The new agent owes the customer an answer from now on.
    locked.awaiting_agent_since = now
    locked.agent_seen_message_id = 0
    locked.save(
        update_fields=[
            "state",
            "agent",
            "answered_at",
            "taken_at",
            "awaiting_agent_since",
            "agent_seen_message_id",
        ]
    )
    name = to_agent.get_full_name() or to_agent.get_username()
    Message.objects.create(
        conversation=locked, sender=Message.Sender.SYSTEM, text=f"{name} har tatt over samtalen."
    )
    audit_record(
        action="chat.conversation.reassign",
        obj=locked,
        details={"from_agent": from_agent_id, "to_agent": to_agent.pk},
        context=context,
    )
    conversation_stats_refresh_on_commit(conversation=locked)
    return locked


def conversations_requeue_unanswered(*, context: AuditContext, now: datetime | None = None) -> int:
    """Put back in the queue every agent conversation whose customer has waited longer
    than the queue's `requeue_after_minutes` for the agent's answer (the agent went away
    without setting themselves away). The conversation keeps its original place in the
    queue. Queues with 0 minutes are left alone. Audited under `context` (the periodic
    task's: channel "task", one request id per sweep). Returns how many went back."""
    now = now or timezone.now()
    requeued = 0
    for queue in Queue.objects.filter(requeue_after_minutes__gt=0):
        cutoff = now - timedelta(minutes=queue.requeue_after_minutes)
        stale = Conversation.objects.filter(
            state=Conversation.State.WITH_AGENT, queue=queue, awaiting_agent_since__lt=cutoff
        ).values_list("pk", flat=True)
        for pk in list(stale[:1000]):
            if _requeue_one(pk=pk, cutoff=cutoff, minutes=queue.requeue_after_minutes, context=context):
                requeued += 1
    return requeued


@transaction.atomic
def _requeue_one(*, pk: int, cutoff: datetime, minutes: int, context: AuditContext) -> bool:
    locked = Conversation.objects.select_for_update().get(pk=pk)
    # Checked again under the lock: the agent may have answered meanwhile.
    if (
        locked.state != Conversation.State.WITH_AGENT
        or locked.awaiting_agent_since is None
        or locked.awaiting_agent_since >= cutoff
    ):
        return False
    from_agent_id = locked.agent_id
    locked.state = Conversation.State.QUEUED
    locked.agent = None
    locked.awaiting_agent_since = None
    # The customer is still there (they wrote or were just taken); the abandonment sweep
    # counts their patience from now.
    locked.last_customer_activity_at = timezone.now()
    locked.save(update_fields=["state", "agent", "awaiting_agent_since", "last_customer_activity_at"])
    Message.objects.create(
        conversation=locked,
        sender=Message.Sender.SYSTEM,
        text=f"Ingen svar fra saksbehandleren på {minutes} minutter: samtalen er satt tilbake i køen.",
    )
    audit_record(
        action="chat.conversation.requeue",
        context=context,
        obj=locked,
        details={"from_agent": from_agent_id, "minutes": minutes},
    )
    conversation_stats_refresh_on_commit(conversation=locked)
    return True
