"""Erlang C (M/M/N queue) staffing arithmetic. Pure Python, no Django: numbers in,
numbers out.

Terms: arrivals per second `rate`, average handling time `aht` in seconds, traffic
intensity A = rate * aht (Erlangs), N agents. With N > A:

- P(wait) = Erlang C = N*B / (N - A*(1 - B)), B the Erlang B blocking probability
  (computed with the stable recursion B(0) = 1, B(n) = A*B(n-1) / (n + A*B(n-1)),
  so large N needs no factorials);
- service level for target t: 1 - P(wait) * exp(-(N - A) * t / aht);
- average speed of answer: P(wait) * aht / (N - A).

With N <= A the queue grows without bound: P(wait) = 1, service level 0, ASA infinite.
"""

import math
from dataclasses import dataclass

# Above this many agents a 30-minute slot is outside anything this agency staffs; the
# search stops there rather than loop on absurd input.
MAX_AGENTS = 10_000


@dataclass(frozen=True)
class StaffingResult:
    agents: int
    traffic_erlangs: float
    probability_wait: float
    service_level: float
    average_speed_of_answer: float  # seconds
    occupancy: float


def erlang_b(*, traffic: float, agents: int) -> float:
    """Probability that all `agents` are busy in a loss system offered `traffic` Erlangs."""
    if traffic < 0 or agents < 0:
        raise ValueError(f"traffic and agents must be non-negative (got {traffic}, {agents})")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(*, traffic: float, agents: int) -> float:
    """Probability that an arrival has to wait (Erlang C)."""
    if agents <= traffic:
        return 1.0
    if traffic == 0:
        return 0.0
    blocking = erlang_b(traffic=traffic, agents=agents)
    return agents * blocking / (agents - traffic * (1 - blocking))


def staffing_evaluate(*, rate: float, aht: float, agents: int, target_seconds: float) -> StaffingResult:
    """P(wait), service level within `target_seconds`, ASA and occupancy for `agents`."""
    if rate < 0 or aht <= 0 or target_seconds < 0:
        raise ValueError(
            f"rate must be >= 0, aht > 0 and target >= 0 "
            f"(got rate={rate}, aht={aht}, target={target_seconds})"
        )
    traffic = rate * aht
    if agents <= traffic:
        return StaffingResult(agents, traffic, 1.0, 0.0, math.inf, 1.0 if agents else 0.0)
    p_wait = erlang_c(traffic=traffic, agents=agents)
    service_level = 1.0 - p_wait * math.exp(-(agents - traffic) * target_seconds / aht)
    asa = p_wait * aht / (agents - traffic)
    return StaffingResult(agents, traffic, p_wait, service_level, asa, traffic / agents)


def staffing_recommend(
    *, rate: float, aht: float, target_seconds: float, service_level: float
) -> StaffingResult:
    """The fewest agents that answer at least `service_level` (0-1) of arrivals within
    `target_seconds`. No arrivals: zero agents."""
    if not 0 < service_level < 1:
        raise ValueError(f"service level must be between 0 and 1 (exclusive), got {service_level}")
    if rate == 0:
        return StaffingResult(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    agents = max(1, math.floor(rate * aht) + 1)
    while agents <= MAX_AGENTS:
        result = staffing_evaluate(rate=rate, aht=aht, agents=agents, target_seconds=target_seconds)
        if result.service_level >= service_level:
            return result
        agents += 1
    raise ValueError(f"more than {MAX_AGENTS} agents needed (rate={rate}/s, aht={aht}s)")
