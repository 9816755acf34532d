"""Maintaining the 30-minute queue rollups (`QueueSlotStat`).

Why rollups: the statistics pages and API must answer in well under a second over
millions of conversations, so they read one row per queue and half hour instead of the
conversations. A conversation belongs to the slot of its `queued_at` (when it was offered
to the queue) in the queue it is in now (a transfer moves it). Every service that changes a
queued conversation refreshes that one slot after commit (`queue_slot_stat_refresh_for`);
`rebuild_queue_stats` recomputes every slot from the conversations, which is also the way
to repair rollups after a bulk load or a change of a queue's service-level target.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMinute, Lower, Substr, TruncHour
from django.utils import timezone

from chat.models import (
    AssistantDayStat,
    Conversation,
    IntentDayStat,
    Message,
    NotUnderstoodDayStat,
    Queue,
    QueueSlotStat,
    ReviewItem,
)
from lanekassen_ai.timezones import agency_timezone

SLOT = timedelta(minutes=30)
NOT_UNDERSTOOD_PER_DAY = 50


def question_normalise(text: str) -> str:
    """One spelling of a question for counting: lower case, single spaces, no trailing
    punctuation, at most 200 characters."""
    return " ".join(text.lower().split()).rstrip(" ?!.,;:")[:200]


def slot_start_for(*, at: datetime) -> datetime:
    """The start of the 30-minute slot holding `at` (UTC; Oslo's offsets are whole hours,
    so the slots are the same half hours in local time)."""
    at = at.astimezone(UTC)
    return at.replace(minute=0 if at.minute < 30 else 30, second=0, microsecond=0)


def _aggregates(*, conversations: QuerySet[Conversation], target_seconds: int) -> dict[str, Any]:
    wait = ExpressionWrapper(F("answered_at") - F("queued_at"), output_field=DurationField())
    handle = ExpressionWrapper(F("closed_at") - F("answered_at"), output_field=DurationField())
    target = timedelta(seconds=target_seconds)
    closed_handled = Q(state=Conversation.State.CLOSED, answered_at__isnull=False, closed_at__isnull=False)
    return {
        "offered": Count("pk"),
        "answered": Count("pk", filter=Q(answered_at__isnull=False)),
        # A customer who closed the chat before anyone answered left the queue too.
        "abandoned": Count(
            "pk",
            filter=Q(state=Conversation.State.ABANDONED)
            | Q(state=Conversation.State.CLOSED, answered_at__isnull=True),
        ),
        "answered_within_target": Count(
            "pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("queued_at") + target)
        ),
        "wait_total": Sum(wait, filter=Q(answered_at__isnull=False)),
        "handle_total": Sum(handle, filter=closed_handled),
        "handled": Count("pk", filter=closed_handled),
        "rating_sum": Sum("rating", filter=Q(rating__isnull=False)),
        "rating_count": Count("pk", filter=Q(rating__isnull=False)),
    }


def _stat_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "offered": row["offered"] or 0,
        "answered": row["answered"] or 0,
        "abandoned": row["abandoned"] or 0,
        "answered_within_target": row["answered_within_target"] or 0,
        "wait_seconds_answered": row["wait_total"].total_seconds() if row["wait_total"] else 0.0,
        "handle_seconds": row["handle_total"].total_seconds() if row["handle_total"] else 0.0,
        "handled": row["handled"] or 0,
        "rating_sum": row["rating_sum"] or 0,
        "rating_count": row["rating_count"] or 0,
    }


def queue_slot_stat_refresh_for(*, queue_id: int, at: datetime) -> QueueSlotStat | None:
    """Recompute the rollup of the slot holding `at` for one queue from its conversations.
    An emptied slot loses its row."""
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None:
        return None
    start = slot_start_for(at=at)
    conversations = Conversation.objects.filter(queue=queue, queued_at__gte=start, queued_at__lt=start + SLOT)
    row = conversations.aggregate(
        **_aggregates(conversations=conversations, target_seconds=queue.service_level_target_seconds)
    )
    if not row["offered"]:
        QueueSlotStat.objects.filter(queue=queue, slot_start=start).delete()
        return None
    stat, _ = QueueSlotStat.objects.update_or_create(
        queue=queue, slot_start=start, defaults=_stat_fields(row)
    )
    return stat


def queue_slot_stats_refresh_many(*, slots: Iterable[tuple[int, datetime]]) -> int:
    """Refresh several (queue id, time) slots, each once. Returns how many were refreshed."""
    unique = {(queue_id, slot_start_for(at=at)) for queue_id, at in slots}
    for queue_id, start in sorted(unique):
        queue_slot_stat_refresh_for(queue_id=queue_id, at=start)
    return len(unique)


@transaction.atomic
def queue_stats_rebuild(
    *, queues: Iterable[Queue] | None = None, since: datetime | None = None, until: datetime | None = None
) -> int:
    """Recompute the rollups of `queues` (default: all) for slots in [`since`, `until`)
    (default: everything) in one grouped query per queue. Returns the number of slot rows
    written. Runs in one transaction, so readers see either the old or the new figures."""
    written = 0
    for queue in list(queues) if queues is not None else list(Queue.objects.all()):
        conversations = Conversation.objects.filter(queue=queue, queued_at__isnull=False)
        existing = QueueSlotStat.objects.filter(queue=queue)
        if since is not None:
            since_slot = slot_start_for(at=since)
            conversations = conversations.filter(queued_at__gte=since_slot)
            existing = existing.filter(slot_start__gte=since_slot)
        if until is not None:
            conversations = conversations.filter(queued_at__lt=until)
            existing = existing.filter(slot_start__lt=until)
        existing.delete()
        # Group by hour and half hour: two grouped queries are simpler across SQLite and
        # PostgreSQL than a portable "floor to 30 minutes" expression.
        stats: list[QueueSlotStat] = []
        for half, condition in ((0, Q(minute__lt=30)), (30, Q(minute__gte=30))):
            grouped = (
                conversations.annotate(
                    hour=TruncHour("queued_at", tzinfo=UTC), minute=ExtractMinute("queued_at")
                )
                .filter(condition)
                .values("hour")
                .annotate(
                    **_aggregates(
                        conversations=conversations, target_seconds=queue.service_level_target_seconds
                    )
                )
                .order_by()
            )
            for row in grouped:
                stats.append(
                    QueueSlotStat(
                        queue=queue, slot_start=row["hour"] + timedelta(minutes=half), **_stat_fields(row)
                    )
                )
        QueueSlotStat.objects.bulk_create(stats, batch_size=2000)
        written += len(stats)
    return written


def conversation_stats_refresh_on_commit(*, conversation: Conversation) -> None:
    """After the current transaction commits, refresh the rollup slot `conversation`
    belongs to (a rolled-back change leaves the rollups alone)."""
    queue_id, queued_at = conversation.queue_id, conversation.queued_at
    if queue_id is None or queued_at is None:
        return
    # Robust: the change itself is committed; a failed refresh (say, racing the minute
    # job's rebuild of the same slot) is logged, never turned into an error for the
    # caller, and the minute job repairs the slot.
    transaction.on_commit(lambda: queue_slot_stat_refresh_for(queue_id=queue_id, at=queued_at), robust=True)


def _day_bounds(*, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=agency_timezone())
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=agency_timezone())


@transaction.atomic
def assistant_day_stats_refresh(*, day: date) -> int:
    """Recompute the bot rollups of one day (conversations started that day, Oslo time)
    from the conversations, messages and review items. Returns the rows written."""
    start, end = _day_bounds(day=day)
    AssistantDayStat.objects.filter(day=day).delete()
    IntentDayStat.objects.filter(day=day).delete()
    NotUnderstoodDayStat.objects.filter(day=day).delete()
    in_day = Q(created_at__gte=start, created_at__lt=end)
    per_assistant: dict[int, AssistantDayStat] = {}
    for row in (
        Conversation.objects.filter(in_day)
        .values("assistant_id")
        .annotate(n=Count("pk"), handed=Count("pk", filter=Q(queued_at__isnull=False)))
        .order_by()
    ):
        per_assistant[row["assistant_id"]] = AssistantDayStat(
            assistant_id=row["assistant_id"], day=day, conversations=row["n"], handed_over=row["handed"]
        )
    messages = Message.objects.filter(conversation__created_at__gte=start, conversation__created_at__lt=end)
    for row in (
        messages.values("conversation__assistant_id")
        .annotate(
            customer=Count("pk", filter=Q(sender=Message.Sender.CUSTOMER)),
            bot=Count("pk", filter=Q(sender=Message.Sender.BOT)),
            fallbacks=Count("pk", filter=Q(sender=Message.Sender.BOT, action="fallback")),
        )
        .order_by()
    ):
        stat = per_assistant.get(row["conversation__assistant_id"])
        if stat is not None:
            stat.customer_messages, stat.bot_replies, stat.fallbacks = (
                row["customer"],
                row["bot"],
                row["fallbacks"],
            )
    AssistantDayStat.objects.bulk_create(per_assistant.values())
    intents = [
        IntentDayStat(intent_id=row["intent_id"], day=day, replies=row["n"])
        for row in messages.filter(sender=Message.Sender.BOT, intent__isnull=False)
        .values("intent_id")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    IntentDayStat.objects.bulk_create(intents)
    not_understood: list[NotUnderstoodDayStat] = []
    for assistant_id in per_assistant:
        # "Hva blir været?" and "hva blir  været" are one question: counted together under
        # one text, so the statistics list it once.
        counts: Counter[str] = Counter()
        for text in (
            ReviewItem.objects.filter(
                assistant_id=assistant_id,
                reason=ReviewItem.Reason.FALLBACK,
                created_at__gte=start,
                created_at__lt=end,
            )
            .annotate(question=Lower(Substr("text", 1, 400)))
            .values_list("question", flat=True)
            .iterator()
        ):
            counts[question_normalise(text)] += 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:NOT_UNDERSTOOD_PER_DAY]
        not_understood.extend(
            NotUnderstoodDayStat(assistant_id=assistant_id, day=day, text=text, count=n)
            for text, n in top
            if text
        )
    NotUnderstoodDayStat.objects.bulk_create(not_understood)
    return len(per_assistant) + len(intents) + len(not_understood)


def chat_stats_rebuild(*, since: datetime | None = None, until: datetime | None = None) -> dict[str, int]:
    """Rebuild every rollup (queue slots and bot days) for the period, default all time.
    The door behind `rebuild_queue_stats`."""
    slots = queue_stats_rebuild(since=since, until=until)
    first = since or Conversation.objects.order_by("created_at").values_list("created_at", flat=True).first()
    last = until or timezone.now()
    days = 0
    if first is not None:
        day = first.astimezone(agency_timezone()).date()
        while day <= last.astimezone(agency_timezone()).date():
            assistant_day_stats_refresh(day=day)
            day += timedelta(days=1)
            days += 1
    return {"slots": slots, "days": days}


def chat_stats_refresh_recent(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic refresh: today's and yesterday's rollups. Catches what services do not
    refresh themselves (ratings given through the customer API, bot messages)."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    slots = queue_stats_rebuild(since=since)
    today = now.astimezone(agency_timezone()).date()
    for day in (today - timedelta(days=1), today):
        assistant_day_stats_refresh(day=day)
    return {"slots": slots, "days": 2}
