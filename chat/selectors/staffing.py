"""Staffing plans for a queue: the door-independent part of `staffing_plan` (command, API
and statistics page), and the patience and handling time a queue's own history gives.

Patience estimator: with exponential patience, the maximum-likelihood estimate of the
abandonment rate from waits that end either in an answer (censored: the customer was still
patient) or in abandonment is theta = abandoned / total time waited by everyone offered
(answered and abandoned); the mean patience is its inverse. Over a queue's last 28 days:
waits of the answered from the rollups, time to abandonment of the abandoned from the
conversations (one indexed, bounded aggregate). Fewer than `MIN_ABANDONED` abandonments:
no estimate, and the plan falls back to Erlang C (patience taken as unlimited).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.erlang import MAX_AGENTS, QueueFigures, queue_agents_for_target, queue_evaluate
from chat.models import Conversation, Queue, QueueSlotStat

DEFAULT_TARGET_SERVICE_LEVEL = 0.8
HISTORY_DAYS = 28
MIN_ABANDONED = 10
MAX_CONCURRENCY = 10  # the agent console allows 1-10 chats at once


class StaffingInputError(ValueError):
    """A staffing request that cannot be answered; the message names the argument and why."""


@dataclass(frozen=True)
class QueueHistory:
    """What a queue's recent history says: mean patience (None: too few abandonments to
    estimate), mean handling time (None: nothing handled) and the counts behind them."""

    queue_slug: str
    patience_seconds: float | None
    handle_seconds: float | None
    offered: int
    abandoned: int
    waited_seconds: float
    handled: int


@dataclass(frozen=True)
class StaffingRequest:
    arrivals_per_hour: float
    handle_seconds: float
    target_seconds: float
    patience_seconds: float | None
    patience_source: str | None  # "given", "estimated" or None (Erlang C)
    agents: int | None
    target_service_level: float | None
    concurrency: int
    shrinkage: float
    queue_slug: str | None = None


@dataclass(frozen=True)
class StaffingPlan:
    question: StaffingRequest
    figures: QueueFigures
    agents_to_schedule: int

    @property
    def meets_target(self) -> bool | None:
        goal = self.question.target_service_level
        return None if goal is None else self.figures.service_level >= goal

    def as_dict(self) -> dict[str, Any]:
        f, r = self.figures, self.question
        return {
            "model": f.model,
            "agents": f.agents,
            "agents_to_schedule": self.agents_to_schedule,
            "servers": f.servers,
            "concurrency": r.concurrency,
            "shrinkage": r.shrinkage,
            "arrivals_per_hour": r.arrivals_per_hour,
            "handle_seconds": r.handle_seconds,
            "target_seconds": r.target_seconds,
            "patience_seconds": _number(r.patience_seconds),
            "patience_source": r.patience_source,
            "queue": r.queue_slug,
            "target_service_level": r.target_service_level,
            "meets_target": self.meets_target,
            "traffic_erlangs": _number(f.traffic_erlangs),
            "probability_wait": _number(f.probability_wait),
            "service_level": _number(f.service_level),
            "abandon_probability": _number(f.abandon_probability),
            "mean_wait_seconds": _number(f.mean_wait_seconds),
            "asa_seconds": _number(f.asa_seconds),
            "occupancy": _number(f.occupancy),
            "stable": f.stable,
        }


def _number(value: float | None) -> float | None:
    # JSON has no infinity: an unbounded wait (Erlang C, too few agents) is null.
    if value is None or not math.isfinite(value):
        return None
    return round(value, 6)


def queue_history_figures(
    *, queues: list[Queue], until: datetime | None = None, days: int = HISTORY_DAYS
) -> dict[int, QueueHistory]:
    """Per queue id: the patience and handling time of the `days` days before `until`
    (default now). Three grouped queries whatever the number of queues."""
    until = until or timezone.now()
    since = until - timedelta(days=days)
    ids = [q.pk for q in queues]
    rollups = {
        row["queue_id"]: row
        for row in QueueSlotStat.objects.filter(queue_id__in=ids, slot_start__gte=since, slot_start__lt=until)
        .values("queue_id")
        .annotate(
            offered_sum=Sum("offered"),
            abandoned_sum=Sum("abandoned"),
            waited=Sum("wait_seconds_answered"),
            handle=Sum("handle_seconds"),
            handled_sum=Sum("handled"),
        )
        .order_by()
    }
    left = ExpressionWrapper(
        Coalesce("abandoned_at", "closed_at") - F("queued_at"), output_field=DurationField()
    )
    abandoned_waits = {
        row["queue_id"]: row["total"]
        for row in Conversation.objects.filter(queue_id__in=ids, queued_at__gte=since, queued_at__lt=until)
        .filter(
            Q(state=Conversation.State.ABANDONED)
            | Q(state=Conversation.State.CLOSED, answered_at__isnull=True)
        )
        .values("queue_id")
        .annotate(total=Sum(left))
        .order_by()
    }
    result: dict[int, QueueHistory] = {}
    for queue in queues:
        row = rollups.get(queue.pk, {})
        abandoned = row.get("abandoned_sum") or 0
        waited = (row.get("waited") or 0.0) + (
            abandoned_waits[queue.pk].total_seconds() if abandoned_waits.get(queue.pk) else 0.0
        )
        handled = row.get("handled_sum") or 0
        result[queue.pk] = QueueHistory(
            queue_slug=queue.slug,
            patience_seconds=waited / abandoned if abandoned >= MIN_ABANDONED and waited > 0 else None,
            handle_seconds=(row.get("handle") or 0.0) / handled if handled else None,
            offered=row.get("offered_sum") or 0,
            abandoned=abandoned,
            waited_seconds=waited,
            handled=handled,
        )
    return result


def _float(
    value: str | float | None, name: str, *, low: float, high: float = math.inf, strict_low: bool
) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise StaffingInputError(
            _("%(name)s: forventet et tall, fikk %(value)s.") % {"name": name, "value": repr(value)}
        ) from exc
    if not math.isfinite(number) or (number <= low if strict_low else number < low) or number >= high:
        bound = f"> {low:g}" if strict_low else f">= {low:g}"
        if math.isfinite(high):
            message = _("%(name)s: må være %(bound)s og < %(high)s, fikk %(value)s.")
        else:
            message = _("%(name)s: må være %(bound)s, fikk %(value)s.")
        raise StaffingInputError(
            message % {"name": name, "bound": bound, "high": f"{high:g}", "value": repr(value)}
        )
    return number


def _int(value: str | int | None, name: str, *, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError) as exc:
        raise StaffingInputError(
            _("%(name)s: forventet et helt tall, fikk %(value)s.") % {"name": name, "value": repr(value)}
        ) from exc
    if not low <= number <= high:
        raise StaffingInputError(
            _("%(name)s: må være mellom %(low)s og %(high)s, fikk %(value)s.")
            % {"name": name, "low": low, "high": high, "value": repr(value)}
        )
    return number


def staffing_plan_parse(
    *,
    arrivals_per_hour: str | float | None,
    handle_seconds: str | float | None,
    target_seconds: str | float | None,
    patience_seconds: str | float | None = None,
    agents: str | int | None = None,
    target_service_level: str | float | None = None,
    concurrency: str | int | None = 1,
    shrinkage: str | float | None = 0,
    queue: str | None = None,
    names: str = "api",
) -> StaffingRequest:
    """Check a staffing request's arguments (strings from a command line or query string,
    or numbers) and raise `StaffingInputError` naming the bad one. `names` is "command"
    (--arrivals-per-hour) or "api" (arrivals_per_hour), for the messages. With `queue`,
    a missing handling time or target comes from the queue, and a missing patience is
    estimated from its last 28 days."""

    def name(argument: str) -> str:
        return "--" + argument.replace("_", "-") if names == "command" else argument

    chosen: Queue | None = None
    history: QueueHistory | None = None
    if queue:
        chosen = Queue.objects.filter(slug=queue).first()
        if chosen is None:
            raise StaffingInputError(
                _("%(name)s: ingen kø med slugen %(queue)s.") % {"name": name("queue"), "queue": repr(queue)}
            )
        history = queue_history_figures(queues=[chosen])[chosen.pk]
        if handle_seconds in (None, "") and history.handle_seconds is not None:
            handle_seconds = history.handle_seconds
        if target_seconds in (None, ""):
            target_seconds = chosen.service_level_target_seconds
    for argument, value in (
        ("arrivals_per_hour", arrivals_per_hour),
        ("handle_seconds", handle_seconds),
        ("target_seconds", target_seconds),
    ):
        if value in (None, ""):
            raise StaffingInputError(_("%(argument)s: påkrevd.") % {"argument": name(argument)})
    if agents not in (None, "") and target_service_level not in (None, ""):
        raise StaffingInputError(
            _("%(agents)s og %(target_service_level)s: gi én, ikke begge.")
            % {"agents": name("agents"), "target_service_level": name("target_service_level")}
        )
    patience: float | None = None
    source: str | None = None
    if patience_seconds not in (None, ""):
        patience = _float(patience_seconds, name("patience_seconds"), low=0, strict_low=True)
        source = "given"
    elif history is not None and history.patience_seconds is not None:
        patience, source = history.patience_seconds, "estimated"
    chosen_agents = _int(agents, name("agents"), low=1, high=MAX_AGENTS) if agents not in (None, "") else None
    goal = (
        _float(target_service_level, name("target_service_level"), low=0, high=1, strict_low=True)
        if target_service_level not in (None, "")
        else (DEFAULT_TARGET_SERVICE_LEVEL if chosen_agents is None else None)
    )
    return StaffingRequest(
        arrivals_per_hour=_float(
            arrivals_per_hour, name("arrivals_per_hour"), low=0, high=1e6, strict_low=False
        ),
        handle_seconds=_float(handle_seconds, name("handle_seconds"), low=0, high=86400, strict_low=True),
        target_seconds=_float(target_seconds, name("target_seconds"), low=0, high=86400, strict_low=False),
        patience_seconds=patience,
        patience_source=source,
        agents=chosen_agents,
        target_service_level=goal,
        concurrency=_int(
            concurrency if concurrency not in (None, "") else 1,
            name("concurrency"),
            low=1,
            high=MAX_CONCURRENCY,
        ),
        shrinkage=_float(
            shrinkage if shrinkage not in (None, "") else 0,
            name("shrinkage"),
            low=0,
            high=1,
            strict_low=False,
        ),
        queue_slug=chosen.slug if chosen else None,
    )


def agents_to_schedule(*, agents: int, shrinkage: float) -> int:
    """Agents to put on the roster so that `agents` are on the queue when a `shrinkage`
    share of paid time (breaks, training, absence) is not available."""
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


def staffing_plan(*, question: StaffingRequest) -> StaffingPlan:
    """The figures for the request's agents, or for the fewest agents reaching its
    service-level target."""
    rate = question.arrivals_per_hour / 3600
    try:
        if question.agents is not None:
            figures = queue_evaluate(
                rate=rate,
                aht=question.handle_seconds,
                agents=question.agents,
                target_seconds=question.target_seconds,
                patience=question.patience_seconds,
                concurrency=question.concurrency,
            )
        else:
            figures = queue_agents_for_target(
                rate=rate,
                aht=question.handle_seconds,
                target_seconds=question.target_seconds,
                service_level=question.target_service_level or DEFAULT_TARGET_SERVICE_LEVEL,
                patience=question.patience_seconds,
                concurrency=question.concurrency,
            )
    except ValueError as exc:
        raise StaffingInputError(str(exc)) from exc
    return StaffingPlan(
        question=question,
        figures=figures,
        agents_to_schedule=agents_to_schedule(agents=figures.agents, shrinkage=question.shrinkage),
    )
