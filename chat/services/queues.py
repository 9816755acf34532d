"""Human queues: opening hours, the bot's hand-over into a queue, and messages left
outside opening hours.

Opening hours are wall-clock times in the agency's time zone (settings.TIME_ZONE), one or more
rows per weekday. A queue with no `OpeningHours` rows at all is always open: that is how
a queue staffed around the clock (or a test queue) is set up. An inactive queue is never
open and has no next opening.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.limits import MAX_REPLY_LENGTH
from chat.models import Conversation, Intent, Message, OpeningHours, Queue
from chat.services.statistics import conversation_stats_refresh_on_commit
from lanekassen_ai.services.events import event_emit
from lanekassen_ai.timezones import agency_timezone

# How far ahead `queue_next_opening` looks; a week plus one day covers every weekly pattern.
_LOOKAHEAD_DAYS = 8


class QueueError(ValueError):
    """A queue operation that cannot be done, with a message that says why."""


@dataclass(frozen=True)
class HandoverResult:
    queued: bool
    open_now: bool
    opens_at: datetime | None
    position: int | None


def _hours(*, queue: Queue) -> list[OpeningHours]:
    # Small (a handful of rows per queue); prefetched lists are reused when present.
    cache = getattr(queue, "_prefetched_objects_cache", {})
    if "opening_hours" in cache:
        return list(cache["opening_hours"])
    return list(OpeningHours.objects.filter(queue=queue))


def queue_is_open(*, queue: Queue, at: datetime | None = None) -> bool:
    """Whether `queue` takes conversations at `at` (default: now). No opening-hours rows
    means always open; an inactive queue is closed."""
    if not queue.active:
        return False
    hours = _hours(queue=queue)
    if not hours:
        return True
    local = (at or timezone.now()).astimezone(agency_timezone())
    now_time = local.time()
    return any(h.weekday == local.weekday() and h.opens <= now_time < h.closes for h in hours)


def queue_next_opening(*, queue: Queue, at: datetime | None = None) -> datetime | None:
    """When `queue` next takes conversations: `at` itself if it is open then, otherwise the
    start of its next opening period (an aware datetime in the agency's time zone). None for an
    inactive queue."""
    at = at or timezone.now()
    if queue_is_open(queue=queue, at=at):
        return at
    if not queue.active:
        return None
    hours = _hours(queue=queue)
    local = at.astimezone(agency_timezone())
    for offset in range(_LOOKAHEAD_DAYS):
        day: date = local.date() + timedelta(days=offset)
        starts = sorted(h.opens for h in hours if h.weekday == day.weekday() and h.opens < h.closes)
        for opens in starts:
            candidate = datetime.combine(day, opens, tzinfo=agency_timezone())
            if candidate > local:
                return candidate
    return None


def queue_for_intent(*, intent: Intent | None) -> Queue | None:
    """The active queue that conversations about `intent` are handed over to, if any."""
    if intent is None or intent.queue_id is None:
        return None
    return Queue.objects.filter(pk=intent.queue_id, active=True).first()


def conversation_queue_position(*, conversation: Conversation) -> int | None:
    """1-based place of a waiting conversation in its queue (FIFO by time queued), or None
    when it is not waiting."""
    if conversation.state != Conversation.State.QUEUED or conversation.queued_at is None:
        return None
    if conversation.queue_id is None:
        return None
    ahead = Conversation.objects.filter(
        Q(queued_at__lt=conversation.queued_at) | Q(queued_at=conversation.queued_at, pk__lt=conversation.pk),
        state=Conversation.State.QUEUED,
        queue_id=conversation.queue_id,
    ).count()
    return ahead + 1


@transaction.atomic
def conversation_hand_over(
    *, conversation: Conversation, queue: Queue, intent: Intent | None = None
) -> HandoverResult:
    """Put a bot conversation into a human queue.

    Open queue: the conversation becomes `queued` in `queue` from now, remembering the
    intent that led here. Closed queue: nothing changes; the result says when it opens so
    the bot can tell the customer and offer `conversation_leave_message`. Handing over a
    conversation that already waits or is with an agent changes nothing and reports its
    place. Locks the conversation row so two hand-overs cannot race.
    """
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state in (Conversation.State.CLOSED, Conversation.State.ABANDONED):
        raise QueueError(
            _("Samtale %(conversation_id)s er avsluttet og kan ikke settes i kø.")
            % {"conversation_id": locked.pk}
        )
    if locked.state in (Conversation.State.QUEUED, Conversation.State.WITH_AGENT):
        _copy_state(source=locked, target=conversation)
        return HandoverResult(
            queued=True,
            open_now=True,
            opens_at=None,
            position=conversation_queue_position(conversation=locked),
        )
    now = timezone.now()
    if not queue_is_open(queue=queue, at=now):
        return HandoverResult(
            queued=False, open_now=False, opens_at=queue_next_opening(queue=queue, at=now), position=None
        )
    locked.state = Conversation.State.QUEUED
    locked.queue = queue
    locked.queued_at = now
    locked.handover_intent = intent
    locked.last_customer_activity_at = now
    locked.save(update_fields=["state", "queue", "queued_at", "handover_intent", "last_customer_activity_at"])
    event_emit(
        type="chat.conversation.handed_over",
        version=1,
        payload={
            "conversation_id": locked.pk,
            "queue": queue.slug,
            "intent": intent.slug if intent else None,
            "left_message": False,
            "queued_at": now,
        },
    )
    _copy_state(source=locked, target=conversation)
    conversation_stats_refresh_on_commit(conversation=locked)
    return HandoverResult(
        queued=True, open_now=True, opens_at=None, position=conversation_queue_position(conversation=locked)
    )


def _queue_for_left_message(*, conversation: Conversation, queue: Queue | None) -> Queue:
    if queue is not None:
        return queue
    if conversation.queue_id is not None:
        return conversation.queue  # type: ignore[return-value]
    if conversation.handover_intent_id is not None:
        found = queue_for_intent(intent=conversation.handover_intent)
        if found is not None:
            return found
    # The hand-over was refused as closed and changed nothing, so look at what the bot
    # last acted on.
    latest = (
        Message.objects.filter(
            conversation=conversation, intent__queue__isnull=False, intent__queue__active=True
        )
        .select_related("intent__queue")
        .order_by("-id")
        .first()
    )
    if latest is not None and latest.intent is not None and latest.intent.queue is not None:
        return latest.intent.queue
    raise QueueError(
        _(
            "Samtale %(conversation_id)s: finner ingen kø for meldingen "
            "(ingen kø oppgitt og ingen intensjon med kø i samtalen)."
        )
        % {"conversation_id": conversation.pk}
    )


@transaction.atomic
def conversation_leave_message(*, conversation: Conversation, text: str, queue: Queue | None = None) -> None:
    """Outside opening hours: leave a message that becomes a case for the next opening.

    The conversation waits in the queue (`left_message`, state `queued`) with `queued_at`
    set to the queue's next opening, so "take next" offers it first thing in the morning
    and the abandonment sweep leaves it alone. The text is kept as a system message. The
    queue is `queue`, else the conversation's own, else the queue of the intent the bot
    last acted on.
    """
    text = (text or "").strip()
    if not text:
        raise QueueError(_("Meldingen er tom: skriv hva saken gjelder."))
    if len(text) > MAX_REPLY_LENGTH:
        raise QueueError(
            _("Meldingen er for lang (%(length)s tegn, maks %(max_reply_length)s).")
            % {"length": len(text), "max_reply_length": MAX_REPLY_LENGTH}
        )
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state != Conversation.State.BOT:
        raise QueueError(
            _("Samtale %(conversation_id)s er allerede i kø eller avsluttet; meldingen ble ikke lagret.")
            % {"conversation_id": locked.pk}
        )
    target = _queue_for_left_message(conversation=locked, queue=queue)
    now = timezone.now()
    opens_at = queue_next_opening(queue=target, at=now)
    if opens_at is None:
        raise QueueError(
            _("Køen «%(name)s» er ikke i bruk og tar ikke imot meldinger.") % {"name": target.name}
        )
    locked.state = Conversation.State.QUEUED
    locked.queue = target
    locked.queued_at = opens_at
    locked.left_message = True
    locked.last_customer_activity_at = now
    locked.save(update_fields=["state", "queue", "queued_at", "left_message", "last_customer_activity_at"])
    event_emit(
        type="chat.conversation.handed_over",
        version=1,
        payload={
            "conversation_id": locked.pk,
            "queue": target.slug,
            "intent": locked.handover_intent.slug if locked.handover_intent else None,
            "left_message": True,
            "queued_at": opens_at,
        },
    )
    Message.objects.create(conversation=locked, sender=Message.Sender.SYSTEM, text=text)
    _copy_state(source=locked, target=conversation)
    conversation_stats_refresh_on_commit(conversation=locked)


def _copy_state(*, source: Conversation, target: Conversation) -> None:
    # Callers hold their own instance; keep it in step with what was written.
    if source is target:
        return
    for field in (
        "state",
        "queue_id",
        "agent_id",
        "queued_at",
        "answered_at",
        "closed_at",
        "abandoned_at",
        "handover_intent_id",
        "left_message",
        "last_customer_activity_at",
        "wrap_up",
        "rating",
    ):
        setattr(target, field, getattr(source, field))
