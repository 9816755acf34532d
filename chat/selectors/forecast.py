"""The arrivals forecast per queue and half hour for the coming weeks, the backtest that
says how good it is, and the staffing plan per forecast slot. Reads the rollups
(`QueueSlotStat`) and the known events of other apps (`lanekassen_ai.expected_load`).

Timing: the history is the whole weeks (Monday 00:00 Oslo) before the current week, at most
`MAX_HISTORY_WEEKS`; the forecast covers the `weeks` calendar weeks from next Monday
(the current week is the gap between them). A report takes about a second per queue
(five fits: four backtest weeks and the forecast), so it is cached in Django's cache
(`CACHE_URL`) for `CACHE_SECONDS` per origin, number of weeks, queues and known events: the
history it reads only changes when a new week begins, the known events whenever another app
plans something.

Known events: each event topic maps to a queue (`TOPIC_QUEUES`). The effect of an event
kind (say, "letters_sent") is learnt from the history: extra arrivals per event = sum over
history days with such events of (the day's arrivals - the mean of the same weekday on days
without events) / the events' count, floored at 0, and only when at least
`MIN_EVENT_DAYS` history days had that kind. The extra load of a forecast day is spread
over its half hours like an ordinary day of that weekday. An event kind the history has
not seen enough of is listed with no effect.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.utils.translation import gettext as _

from chat.erlang import queue_agents_for_target
from chat.forecasting import (
    DEFAULT_LEVEL,
    MIN_WEEKS,
    SLOTS_PER_DAY,
    SLOTS_PER_WEEK,
    arrivals_backtest,
    arrivals_forecast,
)
from chat.models import Queue, QueueSlotStat
from chat.selectors.staffing import (
    DEFAULT_TARGET_SERVICE_LEVEL,
    MAX_CONCURRENCY,
    QueueHistory,
    agents_to_schedule,
    queue_history_figures,
)
from lanekassen_ai.expected_load import ExpectedLoadEvent, expected_load_events
from lanekassen_ai.timezones import agency_timezone

MAX_HISTORY_WEEKS = 16
MAX_FORECAST_WEEKS = 4
CACHE_SECONDS = 6 * 3600
DEFAULT_HANDLE_SECONDS = 300.0
MIN_EVENT_DAYS = 3
TOPIC_QUEUES = {"residence_control": "bostedskontroll"}
CSV_COLUMNS = [
    "queue",
    "slot_start",
    "slot_end",
    "forecast_arrivals",
    "forecast_lower",
    "forecast_upper",
    "interval_level",
    "event_arrivals",
    "model",
    "handle_seconds",
    "target_seconds",
    "patience_seconds",
    "concurrency",
    "agents",
    "agents_to_schedule",
    "service_level",
    "abandon_probability",
]


class ForecastQueryError(ValueError):
    """A forecast request that cannot be answered; the message names the parameter."""


@dataclass(frozen=True)
class PlanOptions:
    concurrency: int = 1
    shrinkage: float = 0.0
    target_service_level: float = DEFAULT_TARGET_SERVICE_LEVEL


@dataclass
class QueueForecast:
    queue_slug: str
    queue_name: str
    history_weeks: int
    history_start: date | None
    backtest: dict[str, Any] | None  # Backtest.as_dict(), None with too little history
    note: str  # why there is no forecast or backtest, empty otherwise
    handle_seconds: float
    target_seconds: int
    patience_seconds: float | None
    slots: list[dict[str, Any]] = field(default_factory=list)  # start, mean, lower, upper, events
    events: list[dict[str, Any]] = field(default_factory=list)
    # Extra arrivals per event, per event kind learnt from the history (only the kinds
    # seen on enough days), and each weekday's share of a day's arrivals per half hour
    # (7 x 48), how an event's extra load is spread over its day.
    event_effects: dict[str, float] = field(default_factory=dict)
    weekday_profiles: list[list[float]] = field(default_factory=list)


@dataclass
class ForecastReport:
    origin: date  # the Monday the forecast starts
    weeks: int
    level: float
    queues: list[QueueForecast]

    def as_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin.isoformat(),
            "weeks": self.weeks,
            "interval_level": self.level,
            "queues": [
                {
                    "queue": q.queue_slug,
                    "queue_name": q.queue_name,
                    "history_weeks": q.history_weeks,
                    "history_start": q.history_start.isoformat() if q.history_start else None,
                    "backtest": q.backtest,
                    "note": q.note,
                    "handle_seconds": round(q.handle_seconds, 1),
                    "target_seconds": q.target_seconds,
                    "patience_seconds": None if q.patience_seconds is None else round(q.patience_seconds, 1),
                    "events": q.events,
                    "slots": q.slots,
                }
                for q in self.queues
            ],
        }


def forecast_params_parse(
    *,
    weeks: str | None,
    queue: str | None,
    concurrency: str | None = None,
    shrinkage: str | None = None,
    target_service_level: str | None = None,
) -> tuple[int, Queue | None, PlanOptions]:
    """Check the forecast's parameters (strings from a query string or command line;
    defaults 1 week, all queues, concurrency 1, shrinkage 0, target 0.8)."""

    def number(name: str, value: str | None, default: float, low: float, high: float) -> float:
        if value in (None, ""):
            return default
        try:
            result = float(value)  # type: ignore[arg-type]
        except ValueError as exc:
            raise ForecastQueryError(
                _("%(name)s=%(value)s: forventet et tall.") % {"name": name, "value": repr(value)}
            ) from exc
        if not (math.isfinite(result) and low <= result <= high):
            raise ForecastQueryError(
                _("%(name)s=%(value)s: må være mellom %(low)s og %(high)s.")
                % {"name": name, "value": repr(value), "low": format(low, "g"), "high": format(high, "g")}
            )
        return result

    span = number("weeks", weeks, 1, 1, MAX_FORECAST_WEEKS)
    chats = number("concurrency", concurrency, 1, 1, MAX_CONCURRENCY)
    if span != int(span) or chats != int(chats):
        raise ForecastQueryError(_("weeks og concurrency må være hele tall."))
    share = number("shrinkage", shrinkage, 0.0, 0.0, 0.95)
    goal = number("target_service_level", target_service_level, DEFAULT_TARGET_SERVICE_LEVEL, 0.01, 0.99)
    chosen: Queue | None = None
    if queue:
        chosen = Queue.objects.filter(slug=queue).first()
        if chosen is None:
            raise ForecastQueryError(_("queue=%(queue)s: ingen kø med den slugen.") % {"queue": repr(queue)})
    return int(span), chosen, PlanOptions(concurrency=int(chats), shrinkage=share, target_service_level=goal)


def forecast_origin(*, today: date) -> date:
    """The Monday after `today` (the first forecast day)."""
    return today + timedelta(days=7 - today.weekday())


def _local_index(at: datetime, start: date) -> int:
    local = at.astimezone(agency_timezone())
    return (local.date() - start).days * SLOTS_PER_DAY + local.hour * 2 + local.minute // 30


def _slot_start(start: date, index: int) -> datetime:
    day = start + timedelta(days=index // SLOTS_PER_DAY)
    minutes = 30 * (index % SLOTS_PER_DAY)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=agency_timezone())


def queue_arrival_history(
    *, queues: list[Queue], until: date, max_weeks: int = MAX_HISTORY_WEEKS
) -> dict[int, tuple[date | None, np.ndarray]]:
    """Per queue id: (first Monday, offered per Oslo half hour) over the whole weeks
    before the Monday `until` (at most `max_weeks`, from the first Monday the queue has
    rollups on). One query for all queues."""
    earliest = until - timedelta(weeks=max_weeks)
    start_at = datetime.combine(earliest, time(0), tzinfo=agency_timezone())
    end_at = datetime.combine(until, time(0), tzinfo=agency_timezone())
    rows: dict[int, list[tuple[datetime, int]]] = {q.pk: [] for q in queues}
    for queue_id, slot_start, offered in (
        QueueSlotStat.objects.filter(queue__in=queues, slot_start__gte=start_at, slot_start__lt=end_at)
        .order_by("queue_id", "slot_start")
        .values_list("queue_id", "slot_start", "offered")
    ):
        rows[queue_id].append((slot_start, offered))
    result: dict[int, tuple[date | None, np.ndarray]] = {}
    for queue in queues:
        found = rows[queue.pk]
        if not found:
            result[queue.pk] = (None, np.zeros(0))
            continue
        first_day = found[0][0].astimezone(agency_timezone()).date()
        # The first whole week starts on the first Monday with traffic (the days of a
        # week that began before the first rollup may simply predate the data).
        monday = first_day + timedelta(days=(7 - first_day.weekday()) % 7)
        if monday >= until:
            result[queue.pk] = (None, np.zeros(0))
            continue
        series = np.zeros((until - monday).days * SLOTS_PER_DAY)
        for slot_start, offered in found:
            index = _local_index(slot_start, monday)
            if 0 <= index < series.size:
                series[index] += offered
        result[queue.pk] = (monday, series)
    return result


def _event_effects(*, series: np.ndarray, start: date, events: list[ExpectedLoadEvent]) -> dict[str, float]:
    days = series.size // SLOTS_PER_DAY
    totals = series.reshape(days, SLOTS_PER_DAY).sum(axis=1)
    by_day: dict[date, list[ExpectedLoadEvent]] = {}
    for event in events:
        if start <= event.day < start + timedelta(days=days):
            by_day.setdefault(event.day, []).append(event)
    quiet: dict[int, list[float]] = {}
    for n in range(days):
        day = start + timedelta(days=n)
        if day not in by_day:
            quiet.setdefault(day.weekday(), []).append(float(totals[n]))
    effects: dict[str, float] = {}
    for kind in {e.kind for e in events}:
        extra = count = 0.0
        seen = 0
        for day, happening in by_day.items():
            matching = sum(e.count for e in happening if e.kind == kind)
            usual = quiet.get(day.weekday())
            if not matching or not usual:
                continue
            seen += 1
            extra += totals[(day - start).days] - float(np.mean(usual))
            count += matching
        if seen >= MIN_EVENT_DAYS and count:
            effects[kind] = max(0.0, extra / count)
    return effects


def _weekday_profiles(*, series: np.ndarray) -> np.ndarray:
    """Mean share of a day's arrivals per half hour, per weekday (7 x 48)."""
    weeks = series.reshape(-1, 7, SLOTS_PER_DAY).sum(axis=0)
    totals = weeks.sum(axis=1, keepdims=True)
    return np.divide(weeks, totals, out=np.zeros_like(weeks), where=totals > 0)


def _queue_forecast(
    *,
    queue: Queue,
    start: date | None,
    series: np.ndarray,
    origin: date,
    weeks: int,
    level: float,
    history: QueueHistory,
    events: list[ExpectedLoadEvent],
) -> QueueForecast:
    result = QueueForecast(
        queue_slug=queue.slug,
        queue_name=queue.name,
        history_weeks=series.size // SLOTS_PER_WEEK,
        history_start=start,
        backtest=None,
        note="",
        handle_seconds=history.handle_seconds or DEFAULT_HANDLE_SECONDS,
        target_seconds=queue.service_level_target_seconds,
        patience_seconds=history.patience_seconds,
    )
    if start is None or result.history_weeks < MIN_WEEKS:
        result.note = f"too little history: {result.history_weeks} whole weeks, {MIN_WEEKS} needed"
        return result
    mine = [e for e in events if TOPIC_QUEUES.get(e.topic) == queue.slug]
    effects = _event_effects(series=series, start=start, events=mine)
    profiles = _weekday_profiles(series=series)
    result.event_effects = effects
    result.weekday_profiles = profiles.tolist()
    current = start + timedelta(days=series.size // SLOTS_PER_DAY)  # the current week's Monday
    gap = (origin - current).days * SLOTS_PER_DAY
    horizon = gap + weeks * SLOTS_PER_WEEK
    extra = np.zeros(horizon)
    for event in mine:
        offset = (event.day - current).days
        effect = effects.get(event.kind)
        if 0 <= offset < horizon // SLOTS_PER_DAY and effect:
            extra[offset * SLOTS_PER_DAY : (offset + 1) * SLOTS_PER_DAY] += (
                effect * event.count * profiles[event.day.weekday()]
            )
        if origin <= event.day < origin + timedelta(weeks=weeks):
            result.events.append(
                {
                    "day": event.day.isoformat(),
                    "kind": event.kind,
                    "count": event.count,
                    "title": event.title,
                    "source": event.source,
                    "arrivals_per_event": None if effect is None else round(effect, 4),
                }
            )
    forecast = arrivals_forecast(history=series, horizon=horizon, level=level, extra=extra)
    if result.history_weeks >= MIN_WEEKS + 4:
        result.backtest = arrivals_backtest(history=series, level=level).as_dict()
    else:
        result.note = f"no backtest: {result.history_weeks} whole weeks, {MIN_WEEKS + 4} needed"
    for index in range(gap, horizon):
        result.slots.append(
            {
                "start": _slot_start(current, index).isoformat(),
                "mean": round(float(forecast.mean[index]), 3),
                "lower": int(forecast.lower[index]),
                "upper": int(forecast.upper[index]),
                "events": round(float(extra[index]), 3),
            }
        )
    return result


def queue_forecast_report(
    *,
    today: date,
    weeks: int = 1,
    queue: Queue | None = None,
    level: float = DEFAULT_LEVEL,
    progress: Callable[[str], None] | None = None,
) -> ForecastReport:
    """The forecast (cached, see the module docstring) for `queue` or every active queue.
    `progress` hears the slug of each queue as its fitting starts (not from the cache)."""
    if not 1 <= weeks <= MAX_FORECAST_WEEKS:
        raise ForecastQueryError(
            _("weeks=%(weeks)s: må være mellom 1 og %(max_forecast_weeks)s.")
            % {"weeks": weeks, "max_forecast_weeks": MAX_FORECAST_WEEKS}
        )
    origin = forecast_origin(today=today)
    queues = [queue] if queue is not None else list(Queue.objects.filter(active=True).order_by("priority"))
    current = origin - timedelta(days=7)
    earliest = current - timedelta(weeks=MAX_HISTORY_WEEKS)
    # The known events are read first (a few grouped queries) and are part of the key:
    # unlike the history, they change whenever another app plans something (a campaign's
    # letter schedule accepted), and the forecast must show it at once.
    events = expected_load_events(since=earliest, until=origin + timedelta(weeks=weeks))
    digest = hashlib.sha256(repr(events).encode()).hexdigest()[:16]
    key = f"chat:forecast:v2:{origin}:{weeks}:{level}:{','.join(str(q.pk) for q in queues)}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    histories = queue_arrival_history(queues=queues, until=current)
    figures = queue_history_figures(queues=queues)
    forecasts: list[QueueForecast] = []
    for number, q in enumerate(queues, start=1):
        if progress is not None:
            progress(f"{number}/{len(queues)} {q.slug}")
        forecasts.append(
            _queue_forecast(
                queue=q,
                start=histories[q.pk][0],
                series=histories[q.pk][1],
                origin=origin,
                weeks=weeks,
                level=level,
                history=figures[q.pk],
                events=events,
            )
        )
    report = ForecastReport(origin=origin, weeks=weeks, level=level, queues=forecasts)
    cache.set(key, report, CACHE_SECONDS)
    return report


def forecast_plan_rows(*, report: ForecastReport, options: PlanOptions) -> list[dict[str, Any]]:
    """One row per queue and forecast half hour: the forecast and the staffing that
    reaches the target for it (Erlang A with the queue's estimated patience, Erlang C
    when it has none), with the columns of `CSV_COLUMNS`. Arrival rates are rounded to a
    tenth per hour, so slots share results."""
    rows: list[dict[str, Any]] = []
    for q in report.queues:
        handle = max(round(q.handle_seconds), 1)
        patience = None if q.patience_seconds is None else max(round(q.patience_seconds), 1)
        for slot in q.slots:
            per_hour = round(slot["mean"] * 2, 1)
            figures = queue_agents_for_target(
                rate=per_hour / 3600,
                aht=handle,
                target_seconds=q.target_seconds,
                service_level=options.target_service_level,
                patience=patience,
                concurrency=options.concurrency,
            )
            start = datetime.fromisoformat(slot["start"])
            rows.append(
                {
                    "queue": q.queue_slug,
                    "slot_start": slot["start"],
                    "slot_end": (start + timedelta(minutes=30)).isoformat(),
                    "forecast_arrivals": slot["mean"],
                    "forecast_lower": slot["lower"],
                    "forecast_upper": slot["upper"],
                    "interval_level": report.level,
                    "event_arrivals": slot["events"],
                    "model": figures.model,
                    "handle_seconds": handle,
                    "target_seconds": q.target_seconds,
                    "patience_seconds": patience,
                    "concurrency": options.concurrency,
                    "agents": figures.agents,
                    "agents_to_schedule": agents_to_schedule(
                        agents=figures.agents, shrinkage=options.shrinkage
                    ),
                    "service_level": round(figures.service_level, 4),
                    "abandon_probability": round(figures.abandon_probability, 4),
                }
            )
    return rows
