"""The chat's answer to `lanekassen_ai.letter_capacity`: how many letters of a topic can go
out on a day while the topic's queue keeps its service level with the agents the staffing
plan puts on.

The agents on duty: the chat keeps no roster, so the staffing plan for an ordinary day
stands for it. For each forecast half hour of the day (chat.selectors.forecast) the plan
gives the fewest agents reaching the target for the slot's ordinary load (the forecast
without the extra arrivals of known events; Erlang A with the queue's handling time,
target and estimated patience, `CHAT_PLAN_CONCURRENCY` chats per agent, the target
`CHAT_PLAN_TARGET_SERVICE_LEVEL`), and the agents work the whole opening day: the day's
most in any half hour, at least one. Known events (letters already planned by other
campaigns, deadlines) are not staffed for: they use up the same room.

Then per half hour of the day:
- the most arrivals those agents answer at the target is found by bisection on the
  arrival rate (the service level falls as arrivals grow);
- the room left over the forecast (known events included), divided by the extra arrivals
  one letter brings to that half hour (the per-letter effect the forecast learns from past
  letter days, spread over the day like an ordinary day of that weekday), is the number of
  letters the slot allows.
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
from django.utils import timezone

from chat.erlang import queue_agents_for_target, queue_evaluate
from chat.forecasting import SLOTS_PER_DAY
from chat.models import Queue
from chat.selectors.forecast import MAX_FORECAST_WEEKS, TOPIC_QUEUES, forecast_origin, queue_forecast_report
from chat.selectors.staffing import DEFAULT_TARGET_SERVICE_LEVEL
from lanekassen_ai.letter_capacity import DayCapacity

LETTER_KIND = "letters_sent"
_BISECTION_STEPS = 40


def _plan_options() -> tuple[int, float]:
    concurrency = int(getattr(settings, "CHAT_PLAN_CONCURRENCY", 1))
    goal = float(getattr(settings, "CHAT_PLAN_TARGET_SERVICE_LEVEL", DEFAULT_TARGET_SERVICE_LEVEL))
    return concurrency, goal


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
    # The forecast starts on the Monday of the first day's week (its history then ends a
    # week before), never later than next Monday: the history must be in the past.
    monday = min(first - timedelta(days=first.weekday()), forecast_origin(today=timezone.localdate()))
    weeks = min(MAX_FORECAST_WEEKS, max((max(days) - monday).days // 7 + 1, 1))
    # The forecast's origin is the Monday after `today`: the Sunday before gives `monday`.
    report = queue_forecast_report(today=monday - timedelta(days=1), weeks=weeks, queue=queue)
    forecast = report.queues[0]
    learnt = forecast.event_effects.get(LETTER_KIND)
    effect = None if learnt is None else float(learnt)
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
        slots = [
            (profile[index] if 0 <= index < SLOTS_PER_DAY else 0.0, mean, events)
            for index, mean, events in by_day[day]
        ]
        agents = max(
            [1]
            + [
                queue_agents_for_target(
                    rate=round(max(mean - events, 0.0), 2) / 1800,
                    aht=handle,
                    target_seconds=target,
                    service_level=goal,
                    patience=patience,
                    concurrency=concurrency,
                ).agents
                for _share, mean, events in slots
            ]
        )
        answered = slot_arrivals_within_target(agents, handle, target, patience, concurrency, goal)
        room = math.inf
        for share, mean, _events in slots:
            if share > 0 and effect > 0:  # else the letters bring nobody to this half hour
                room = min(room, max(answered - mean, 0.0) / (effect * share))
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
