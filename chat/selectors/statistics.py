"""Reads for the queue and assistant statistics: history per half hour, day or week from
the rollups, with the Erlang C staffing recommendation per period.

Definitions (per queue and period, conversations counted in the slot they were offered):
offered = handed over to the queue; answered = taken by an agent; abandoned = the customer
left while waiting; average speed of answer = mean wait of the answered; service level =
answered within the queue's target (default 60 s) / offered; average handling time = mean
time from answer to close; CSAT = mean rating 1-5. Staffing: for each half hour, the fewest
agents that meet the service-level goal (default 80 % within the target) for the slot's
arrival rate and handling time, with Erlang A when the queue's last 28 days (up to the
report's last day) give a patience estimate (see chat.selectors.staffing), else Erlang C;
`concurrency` chats per agent; a day or week shows its busiest half hour's.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Sum, Window
from django.db.models.functions import RowNumber, TruncDay, TruncWeek
from django.utils.translation import gettext as _

from chat.erlang import queue_agents_for_target
from chat.models import AssistantDayStat, IntentDayStat, NotUnderstoodDayStat, Queue, QueueSlotStat
from chat.selectors.staffing import queue_history_figures
from lanekassen_ai.timezones import agency_timezone

GRANULARITIES = ("slot", "day", "week")
# The longest period each granularity may ask for, so one request stays bounded.
MAX_DAYS = {"slot": 31, "day": 366, "week": 5 * 366}
DEFAULT_SERVICE_LEVEL_GOAL = 0.8
# Handling time assumed for staffing when a slot has no closed conversation to learn from.
DEFAULT_HANDLE_SECONDS = 300.0
SLOT_SECONDS = 1800
TOP_N = 10


class StatisticsQueryError(ValueError):
    """A statistics request that cannot be answered, with a message that says why."""


@dataclass
class PeriodRow:
    period_start: datetime
    queue_slug: str
    queue_name: str
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_within_target: int = 0
    wait_seconds: float = 0.0
    handle_seconds: float = 0.0
    handled: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    recommended_agents: int | None = None

    @property
    def average_speed_of_answer(self) -> float | None:
        return self.wait_seconds / self.answered if self.answered else None

    @property
    def service_level(self) -> float | None:
        return self.answered_within_target / self.offered if self.offered else None

    @property
    def average_handling_time(self) -> float | None:
        return self.handle_seconds / self.handled if self.handled else None

    @property
    def csat(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def abandon_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "period_start": self.period_start.astimezone(agency_timezone()).isoformat(),
            "queue": self.queue_slug,
            "queue_name": self.queue_name,
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "answered_within_target": self.answered_within_target,
            "average_speed_of_answer": _round(self.average_speed_of_answer),
            "service_level": _round(self.service_level, 4),
            "average_handling_time": _round(self.average_handling_time),
            "csat": _round(self.csat, 2),
            "ratings": self.rating_count,
            "recommended_agents": self.recommended_agents,
        }


@dataclass
class BotFigures:
    assistant: str
    conversations: int = 0
    handed_over: int = 0
    customer_messages: int = 0
    bot_replies: int = 0
    fallbacks: int = 0

    @property
    def deflection_rate(self) -> float | None:
        return (self.conversations - self.handed_over) / self.conversations if self.conversations else None

    @property
    def handover_rate(self) -> float | None:
        return self.handed_over / self.conversations if self.conversations else None

    @property
    def fallback_rate(self) -> float | None:
        return self.fallbacks / self.bot_replies if self.bot_replies else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "assistant": self.assistant,
            "conversations": self.conversations,
            "handed_over": self.handed_over,
            "deflection_rate": _round(self.deflection_rate, 4),
            "handover_rate": _round(self.handover_rate, 4),
            "customer_messages": self.customer_messages,
            "bot_replies": self.bot_replies,
            "fallbacks": self.fallbacks,
            "fallback_rate": _round(self.fallback_rate, 4),
        }


@dataclass
class StatisticsReport:
    since: date
    until: date  # inclusive
    granularity: str
    queue: Queue | None
    service_level_goal: float
    rows: list[PeriodRow] = field(default_factory=list)
    totals: list[PeriodRow] = field(default_factory=list)  # one per queue, period_start = since
    bot: list[BotFigures] = field(default_factory=list)
    top_intents: list[dict[str, Any]] = field(default_factory=list)
    top_not_understood: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.since.isoformat(),
            "to": self.until.isoformat(),
            "granularity": self.granularity,
            "queue": self.queue.slug if self.queue else None,
            "service_level_goal": self.service_level_goal,
            "rows": [r.as_dict() for r in self.rows],
            "totals": [r.as_dict() for r in self.totals],
            "bot": [b.as_dict() for b in self.bot],
            "top_intents": self.top_intents,
            "top_not_understood": self.top_not_understood,
        }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=agency_timezone())


def statistics_period_parse(
    *, since: str | None, until: str | None, granularity: str | None, queue: str | None, today: date
) -> tuple[date, date, str, Queue | None]:
    """Check and default the request's period (last 7 days), granularity (day) and queue
    (all); raise `StatisticsQueryError` naming the bad parameter and why."""
    granularity = granularity or "day"
    if granularity not in GRANULARITIES:
        raise StatisticsQueryError(
            _("granularity=%(granularity)s: bruk en av %(choices)s.")
            % {"granularity": repr(granularity), "choices": ", ".join(GRANULARITIES)}
        )

    def parse(name: str, value: str | None, default: date) -> date:
        if not value:
            return default
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise StatisticsQueryError(
                _("%(name)s=%(value)s: forventet en dato som ÅÅÅÅ-MM-DD.")
                % {"name": name, "value": repr(value)}
            ) from exc

    end = parse("to", until, today)
    start = parse("from", since, end - timedelta(days=6))
    if start > end:
        raise StatisticsQueryError(_("from=%(start)s er etter to=%(end)s.") % {"start": start, "end": end})
    if (end - start).days + 1 > MAX_DAYS[granularity]:
        raise StatisticsQueryError(
            _(
                "Perioden %(start)s–%(end)s er for lang for granularity=%(granularity)s "
                "(maks %(max_days)s dager)."
            )
            % {"start": start, "end": end, "granularity": granularity, "max_days": MAX_DAYS[granularity]}
        )
    chosen: Queue | None = None
    if queue:
        chosen = Queue.objects.filter(slug=queue).first()
        if chosen is None:
            raise StatisticsQueryError(
                _("queue=%(queue)s: ingen kø med den slugen.") % {"queue": repr(queue)}
            )
    return start, end, granularity, chosen


def _fill(row: PeriodRow, values: dict[str, Any]) -> PeriodRow:
    row.offered = values["offered"] or 0
    row.answered = values["answered"] or 0
    row.abandoned = values["abandoned"] or 0
    row.answered_within_target = values["answered_within_target"] or 0
    row.wait_seconds = values["wait_seconds_answered"] or 0.0
    row.handle_seconds = values["handle_seconds"] or 0.0
    row.handled = values["handled"] or 0
    row.rating_sum = values["rating_sum"] or 0
    row.rating_count = values["rating_count"] or 0
    return row


_SUMS = {
    name: Sum(name)
    for name in (
        "offered",
        "answered",
        "abandoned",
        "answered_within_target",
        "wait_seconds_answered",
        "handle_seconds",
        "handled",
        "rating_sum",
        "rating_count",
    )
}


def _slot_recommendation(
    *,
    offered: int,
    handled: int,
    handle_seconds: float,
    target: int,
    goal: float,
    patience: float | None = None,
    concurrency: int = 1,
) -> int:
    aht = handle_seconds / handled if handled else DEFAULT_HANDLE_SECONDS
    # Whole seconds of handling time and patience change no recommendation and let slots
    # share results.
    whole_patience = None if patience is None else max(round(patience), 1)
    return queue_agents_for_target(
        rate=offered / SLOT_SECONDS,
        aht=max(round(aht), 1),
        target_seconds=target,
        service_level=goal,
        patience=whole_patience,
        concurrency=concurrency,
    ).agents


def queue_statistics(
    *,
    since: date,
    until: date,
    granularity: str = "day",
    queue: Queue | None = None,
    service_level_goal: float = DEFAULT_SERVICE_LEVEL_GOAL,
    concurrency: int = 1,
) -> StatisticsReport:
    """Queue history per period and queue, totals per queue, and the assistants' figures
    for the days `since`..`until` (inclusive, Oslo time). Reads only rollups: a handful
    of queries whatever the number of conversations."""
    report = StatisticsReport(since, until, granularity, queue, service_level_goal)
    start, end = _midnight(since), _midnight(until + timedelta(days=1))
    stats = QueueSlotStat.objects.filter(slot_start__gte=start, slot_start__lt=end)
    if queue is not None:
        stats = stats.filter(queue=queue)
    queues = {q.pk: q for q in Queue.objects.all()}
    patience = {
        pk: figures.patience_seconds
        for pk, figures in queue_history_figures(queues=list(queues.values()), until=end).items()
    }

    period: Any
    if granularity == "slot":
        period = F("slot_start")
    elif granularity == "day":
        period = TruncDay("slot_start", tzinfo=agency_timezone())
    else:
        period = TruncWeek("slot_start", tzinfo=agency_timezone())
    grouped = stats.annotate(period=period)

    # Staffing: a half hour's own recommendation; for a day or week, the recommendation
    # for its busiest half hour (most offered), picked in the database with a window
    # function so only one row per period and queue comes back.
    peak: dict[tuple[datetime, int], int] = {}
    if granularity != "slot":
        busiest = (
            grouped.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("queue_id"), period],
                    order_by=[F("offered").desc(), F("slot_start").asc()],
                )
            )
            .filter(rank=1)
            .values_list("period", "queue_id", "offered", "handled", "handle_seconds")
        )
        for when, queue_id, offered, handled, handle_seconds in busiest:
            peak[(when, queue_id)] = _slot_recommendation(
                offered=offered,
                handled=handled,
                handle_seconds=handle_seconds,
                target=queues[queue_id].service_level_target_seconds,
                goal=service_level_goal,
                patience=patience[queue_id],
                concurrency=concurrency,
            )

    for values in grouped.values("period", "queue_id").annotate(**_SUMS).order_by("period", "queue_id"):
        q = queues[values["queue_id"]]
        row = _fill(PeriodRow(values["period"], q.slug, q.name), values)
        if granularity == "slot":
            row.recommended_agents = _slot_recommendation(
                offered=row.offered,
                handled=row.handled,
                handle_seconds=row.handle_seconds,
                target=q.service_level_target_seconds,
                goal=service_level_goal,
                patience=patience[q.pk],
                concurrency=concurrency,
            )
        else:
            row.recommended_agents = peak.get((values["period"], q.pk))
        report.rows.append(row)
    for values in stats.values("queue_id").annotate(**_SUMS).order_by("queue_id"):
        q = queues[values["queue_id"]]
        report.totals.append(_fill(PeriodRow(start, q.slug, q.name), values))
    priority = {q.slug: q.priority for q in queues.values()}
    report.totals.sort(key=lambda r: (priority[r.queue_slug], r.queue_slug))

    _bot_figures(report=report)
    return report


def _bot_figures(*, report: StatisticsReport) -> None:
    days = AssistantDayStat.objects.filter(day__gte=report.since, day__lte=report.until)
    for values in (
        days.values("assistant__slug")
        .annotate(
            conversations=Sum("conversations"),
            handed_over=Sum("handed_over"),
            customer_messages=Sum("customer_messages"),
            bot_replies=Sum("bot_replies"),
            fallbacks=Sum("fallbacks"),
        )
        .order_by("assistant__slug")
    ):
        report.bot.append(
            BotFigures(
                assistant=values["assistant__slug"],
                conversations=values["conversations"] or 0,
                handed_over=values["handed_over"] or 0,
                customer_messages=values["customer_messages"] or 0,
                bot_replies=values["bot_replies"] or 0,
                fallbacks=values["fallbacks"] or 0,
            )
        )
    report.top_intents = [
        {
            "assistant": v["intent__assistant__slug"],
            "intent": v["intent__slug"],
            "title": v["intent__title_nb"],
            "replies": v["n"],
        }
        for v in IntentDayStat.objects.filter(day__gte=report.since, day__lte=report.until)
        .values("intent__assistant__slug", "intent__slug", "intent__title_nb")
        .annotate(n=Sum("replies"))
        .order_by("-n", "intent__slug")[:TOP_N]
    ]
    # One row per question: the same text from both assistants is one question with the
    # assistants listed, not two rows with different counts.
    counts: dict[str, int] = {}
    assistants: dict[str, set[str]] = {}
    for v in (
        NotUnderstoodDayStat.objects.filter(day__gte=report.since, day__lte=report.until)
        .values("text", "assistant__slug")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        counts[v["text"]] = counts.get(v["text"], 0) + v["n"]
        assistants.setdefault(v["text"], set()).add(v["assistant__slug"])
    report.top_not_understood = [
        {"assistant": ", ".join(sorted(assistants[text])), "text": text, "count": n}
        for text, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]
    ]


def statistics_csv_rows(*, report: StatisticsReport) -> list[list[Any]]:
    """The report's period rows as CSV lines, header first."""
    header = [
        "period_start",
        "queue",
        "offered",
        "answered",
        "abandoned",
        "answered_within_target",
        "average_speed_of_answer",
        "service_level",
        "average_handling_time",
        "csat",
        "ratings",
        "recommended_agents",
    ]
    lines: list[list[Any]] = [header]
    for row in report.rows:
        d = row.as_dict()
        lines.append(["" if d[h] is None else d[h] for h in header])
    return lines
