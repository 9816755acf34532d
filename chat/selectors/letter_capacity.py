"""The chat's answer to `lanekassen_ai.letter_capacity`: how many letters of a topic can go
out on a day while the topic's queue keeps its service level with the agents the staffing
plan puts on.

Per forecast half hour of the day (chat.selectors.forecast, known events included):
- the agents scheduled are the plan's for the slot's ordinary load (the forecast without
  the extra arrivals of known events, Erlang A with the queue's handling time, target and
  estimated patience, `CHAT_PLAN_CONCURRENCY` chats per agent and the target
  `CHAT_PLAN_TARGET_SERVICE_LEVEL`), at least one in a half hour that has traffic: the
  chat has no roster of its own, so the plan for an ordinary week stands for it, and the
  letters already planned by others eat into the same room;
- the most arrivals those agents take at the target is found by bisection on the arrival
  rate (the service level falls as arrivals grow);
- the room left, over the extra arrivals one letter brings to that half hour (the
  per-letter effect the forecast learns from past letter days, spread over the day like an
  ordinary day of that weekday), is the number of letters the slot allows.
A day's capacity is the smallest over its half hours. A day outside the forecast (the
current week or more than four weeks ahead), a topic without a queue, a queue with too
little history or a letter effect the history has not shown is left out: the caller then
uses its default.
"""

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings

from chat.erlang import queue_agents_for_target, queue_evaluate
from chat.forecasting import SLOTS_PER_DAY
from chat.models import Queue
from chat.selectors.forecast import MAX_FORECAST_WEEKS, TOPIC_QUEUES, queue_forecast_report
from chat.selectors.staffing import DEFAULT_TARGET_SERVICE_LEVEL
from lanekassen_ai.letter_capacity import DayCapacity

LETTER_KIND = "letters_sent"
_BISECTION_STEPS = 40


def _plan_options() -> tuple[int, float]:
    concurrency = int(getattr(settings, "CHAT_PLAN_CONCURRENCY", 1))
    goal = float(getattr(settings, "CHAT_PLAN_TARGET_SERVICE_LEVEL", DEFAULT_TARGET_SERVICE_LEVEL))
    return concurrency, goal


@lru_cache(maxsize=4096)
def _agents_needed(
    per_half_hour: float, handle: float, target: int, patience: float | None, concurrency: int, goal: float
) -> int:
    return queue_agents_for_target(
        rate=per_half_hour / 1800,
        aht=handle,
        target_seconds=target,
        service_level=goal,
        patience=patience,
        concurrency=concurrency,
    ).agents


@lru_cache(maxsize=1024)
def slot_arrivals_within_target(
    agents: int, handle: float, target: int, patience: float | None, concurrency: int, goal: float
) -> float:
    """The most arrivals in a half hour that `agents` answer at the service level `goal`."""

    def meets(per_half_hour: float) -> bool:
        figures = queue_evaluate(
            rate=per_half_hour / 1800,
            aht=handle,
            agents=agents,
            target_seconds=target,
            patience=patience,
            concurrency=concurrency,
        )
        return figures.service_level >= goal

    low, high = 0.0, max(1.0, agents * concurrency * 1800 / handle)
    while meets(high):
        low, high = high, high * 2
    for _step in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        low, high = (middle, high) if meets(middle) else (low, middle)
    return low


def chat_letter_capacity(*, topic: str, days: list[date]) -> Iterable[DayCapacity]:
    """Per day of `days` the forecast covers: the most letters of `topic` that keep its
    queue at the service level (see the module docstring), with the day's forecast
    arrivals and the arrivals one letter brings."""
    slug = TOPIC_QUEUES.get(topic)
    queue = Queue.objects.filter(slug=slug, active=True).first() if slug else None
    if queue is None or not days:
        return []
    first = min(days)
    monday = first - timedelta(days=first.weekday())
    weeks = min(MAX_FORECAST_WEEKS, (max(days) - monday).days // 7 + 1)
    # The forecast's origin is the Monday after `today`: the Sunday before gives the
    # Monday of the first day's week.
    report = queue_forecast_report(today=monday - timedelta(days=1), weeks=weeks, queue=queue)
    forecast = report.queues[0]
    effect = forecast.event_effects.get(LETTER_KIND)
    if not forecast.slots or effect is None:
        return []
    concurrency, goal = _plan_options()
    handle = float(max(round(forecast.handle_seconds), 1))
    patience = None if forecast.patience_seconds is None else float(max(round(forecast.patience_seconds), 1))
    target = forecast.target_seconds
    by_day: dict[date, list[tuple[int, float, float]]] = {}
    for slot in forecast.slots:
        start = datetime.fromisoformat(slot["start"])
        index = start.hour * 2 + start.minute // 30
        by_day.setdefault(start.date(), []).append((index, slot["mean"], slot["events"]))
    wanted = set(days)
    result: list[DayCapacity] = []
    for day in sorted(wanted & by_day.keys()):
        profile = forecast.weekday_profiles[day.weekday()]
        room = math.inf
        for index, mean, events in by_day[day]:
            share = profile[index] if 0 <= index < SLOTS_PER_DAY else 0.0
            if share <= 0:
                continue  # a half hour the letters bring nobody to
            ordinary = max(mean - events, 0.0)
            agents = max(1, _agents_needed(round(ordinary, 2), handle, target, patience, concurrency, goal))
            spare = slot_arrivals_within_target(agents, handle, target, patience, concurrency, goal) - mean
            room = min(room, max(spare, 0.0) / (effect * share) if effect > 0 else math.inf)
        result.append(
            DayCapacity(
                day=day,
                letters=None if math.isinf(room) else math.floor(room + 1e-9),
                source="chat",
                expected_arrivals=round(sum(mean for _i, mean, _e in by_day[day]), 2),
                arrivals_per_letter=round(effect, 4),
            )
        )
    return result
