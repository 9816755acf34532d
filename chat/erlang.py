"""Erlang C (M/M/N) and Erlang A (M/M/N+M) staffing arithmetic. No Django: numbers in,
numbers out.

Terms: arrivals per second `rate`, average handling time `aht` in seconds, traffic
intensity A = rate * aht (Erlangs), N agents. With N > A:

- P(wait) = Erlang C = N*B / (N - A*(1 - B)), B the Erlang B blocking probability
  (computed with the stable recursion B(0) = 1, B(n) = A*B(n-1) / (n + A*B(n-1)),
  so large N needs no factorials);
- service level for target t: 1 - P(wait) * exp(-(N - A) * t / aht);
- average speed of answer: P(wait) * aht / (N - A).

With N <= A the queue grows without bound: P(wait) = 1, service level 0, ASA infinite.

Erlang A (Palm's M/M/n+M; Garnett, Mandelbaum & Reiman 2002) adds exponential patience
with mean 1/theta: a waiting customer leaves at rate theta. It is computed exactly from the
birth-death chain of the number in the system (birth rate lambda; death rate
mu*min(k, s) + theta*max(k - s, 0)), truncated where the remaining probability is below
e^-40, in log space (log-gamma) so thousands of servers neither overflow nor underflow.
By PASTA an arrival sees the stationary distribution; one who finds all s servers busy
and i customers ahead waits V_i, the sum of exponentials with rates s*mu + j*theta,
j = 0..i, and is served if its patience outlasts V_i. With b = s*mu/theta:

- P(served | i ahead) = E[exp(-theta V_i)] = b / (b + i + 1);
- P(served within T | i ahead) = b / (b + i + 1) * I_x(i + 1, b + 1), x = 1 - exp(-theta T)
  (I the regularised incomplete beta function; the density of V_i is proportional to
  exp(-s mu v) (1 - exp(-theta v))^i, which a change of variables turns into a beta integral);
- E[min(V_i, patience)] = (1 - P(served | i ahead)) / theta (time in the queue, answered or not);
- E[V_i; served] = P(served | i ahead) / theta * (digamma(b + i + 2) - digamma(b + 1)).

Chat concurrency C: an agent who handles C chats at once counts as C servers, each chat
taking the handling time measured per chat. That is exact if any free chat slot of any
agent can take the next customer and a chat's handling time does not depend on how many
others the agent has open; in practice handling time grows with concurrency, so use the
handling time measured at the concurrency being planned.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import betainc, digamma, gammaln

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


MODEL_ERLANG_A = "erlang_a"
MODEL_ERLANG_C = "erlang_c"
# Stationary probabilities below exp(-TAIL_LOG_MASS) of the mode are left out of the chain.
TAIL_LOG_MASS = 40.0


@dataclass(frozen=True)
class QueueFigures:
    """What `agents` (each handling `concurrency` chats at once) achieve. Infinite
    waits (Erlang C with too few servers) are `math.inf`."""

    model: str
    agents: int
    servers: int
    traffic_erlangs: float
    probability_wait: float  # share of arrivals who find every chat slot busy
    service_level: float  # share of all arrivals answered within the target
    abandon_probability: float  # share of arrivals who leave before an answer
    mean_wait_seconds: float  # mean time in the queue over all arrivals
    asa_seconds: float  # mean wait of the answered
    occupancy: float  # share of the chat slots' time spent on a chat

    @property
    def stable(self) -> bool:
        return math.isfinite(self.mean_wait_seconds)


def _check(*, rate: float, aht: float, target_seconds: float, patience: float | None) -> None:
    if not (math.isfinite(rate) and rate >= 0):
        raise ValueError(f"arrival rate must be a number >= 0, got {rate}")
    if not (math.isfinite(aht) and aht > 0):
        raise ValueError(f"handling time must be a number > 0, got {aht}")
    if not (math.isfinite(target_seconds) and target_seconds >= 0):
        raise ValueError(f"target must be a number of seconds >= 0, got {target_seconds}")
    if patience is not None and not (math.isfinite(patience) and patience > 0):
        raise ValueError(f"patience must be a number of seconds > 0, got {patience}")


def erlang_a_evaluate(
    *, rate: float, aht: float, patience: float, servers: int, target_seconds: float
) -> tuple[float, float, float, float, float, float]:
    """Erlang A for `servers` servers: (P(wait), service level within `target_seconds`,
    abandonment probability, mean wait of all arrivals, ASA of the answered, occupancy).
    ASA is nan when nobody is answered (no servers)."""
    _check(rate=rate, aht=aht, target_seconds=target_seconds, patience=patience)
    if servers < 0:
        raise ValueError(f"servers must be >= 0, got {servers}")
    if rate == 0:
        return 0.0, 1.0, 0.0, 0.0, 0.0, 0.0
    mu, theta = 1.0 / aht, 1.0 / patience
    traffic = rate / mu
    b = servers * mu / theta
    # log of the unnormalised stationary weights: k = 0..s (no queue), then s + i, i >= 1.
    k = np.arange(servers + 1, dtype=float)
    log_below = k * math.log(traffic) - gammaln(k + 1)
    ratio = rate / theta  # lambda / theta: the queue's scale once everyone is busy
    tail = int(max(0.0, ratio - b) + 12 * math.sqrt(ratio + 1) + 20)
    i = np.arange(1, tail + 1, dtype=float)
    log_queue = log_below[-1] + i * math.log(ratio) - (gammaln(b + i + 1) - gammaln(b + 1))
    log_w = np.concatenate([log_below, log_queue])
    top = log_w.max()
    if log_w[-1] - top > -TAIL_LOG_MASS:
        # Not yet negligible: extend the chain until the tail is (rare: extreme overload).
        while log_w[-1] - top > -TAIL_LOG_MASS:
            more = np.arange(tail + 1, 2 * tail + 1, dtype=float)
            extra = log_below[-1] + more * math.log(ratio) - (gammaln(b + more + 1) - gammaln(b + 1))
            log_w = np.concatenate([log_w, extra])
            top = max(top, float(extra.max()))
            tail *= 2
    p = np.exp(log_w - top)
    p /= p.sum()
    # Arrivals finding state s + i have i customers ahead (i = 0.. for states s..).
    busy = p[servers:]
    ahead = np.arange(busy.size, dtype=float)
    if b == 0:
        served = np.zeros_like(ahead)
        served_in_time = served
        served_wait = served
    else:
        served = b / (b + ahead + 1)
        x = -math.expm1(-theta * target_seconds)
        served_in_time = served * betainc(ahead + 1, b + 1, x)
        served_wait = served / theta * (digamma(b + ahead + 2) - digamma(b + 1))
    p_wait = float(busy.sum())
    immediate = 1.0 - p_wait
    service_level = immediate + float(busy @ served_in_time)
    answered = immediate + float(busy @ served)
    abandon = max(0.0, 1.0 - answered)
    mean_wait = float(busy @ ((1 - served) / theta))
    asa = float(busy @ served_wait) / answered if answered > 0 else math.nan
    occupancy = rate * answered * aht / servers if servers else 0.0
    return p_wait, min(service_level, 1.0), abandon, mean_wait, asa, min(occupancy, 1.0)


def queue_evaluate(
    *,
    rate: float,
    aht: float,
    agents: int,
    target_seconds: float,
    patience: float | None = None,
    concurrency: int = 1,
) -> QueueFigures:
    """The figures for `agents` agents handling `concurrency` chats each: Erlang A with
    exponential patience of mean `patience` seconds, Erlang C without."""
    _check(rate=rate, aht=aht, target_seconds=target_seconds, patience=patience)
    if agents < 0:
        raise ValueError(f"agents must be >= 0, got {agents}")
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    servers = agents * concurrency
    traffic = rate * aht
    if patience is not None:
        p_wait, sl, abandon, wait, asa, occupancy = erlang_a_evaluate(
            rate=rate, aht=aht, patience=patience, servers=servers, target_seconds=target_seconds
        )
        return QueueFigures(
            MODEL_ERLANG_A, agents, servers, traffic, p_wait, sl, abandon, wait, asa, occupancy
        )
    result = staffing_evaluate(rate=rate, aht=aht, agents=servers, target_seconds=target_seconds)
    asa = result.average_speed_of_answer
    return QueueFigures(
        MODEL_ERLANG_C,
        agents,
        servers,
        traffic,
        result.probability_wait,
        result.service_level,
        0.0,
        asa,
        asa,
        result.occupancy,
    )


def queue_agents_for_target(
    *,
    rate: float,
    aht: float,
    target_seconds: float,
    service_level: float,
    patience: float | None = None,
    concurrency: int = 1,
) -> QueueFigures:
    """The fewest agents whose service level reaches `service_level` (0-1, exclusive):
    service level grows with the number of agents, so a doubling search from the agents
    that just carry the traffic brackets the answer and bisection finds it. No arrivals:
    zero agents. Answers are kept per process (`queue_cache_clear` empties them): the
    statistics, the forecast plan and the letter capacity ask the same few questions for
    thousands of half hours."""
    return _agents_for_target(rate, aht, target_seconds, service_level, patience, concurrency)


def queue_cache_clear() -> None:
    """Forget the answers `queue_agents_for_target` kept (for cold-start measurements)."""
    _agents_for_target.cache_clear()


@lru_cache(maxsize=16384)
def _agents_for_target(
    rate: float,
    aht: float,
    target_seconds: float,
    service_level: float,
    patience: float | None,
    concurrency: int,
) -> QueueFigures:
    if not 0 < service_level < 1:
        raise ValueError(f"service level must be between 0 and 1 (exclusive), got {service_level}")

    seen: dict[int, QueueFigures] = {}

    def figures(agents: int) -> QueueFigures:
        if agents not in seen:
            seen[agents] = queue_evaluate(
                rate=rate,
                aht=aht,
                agents=agents,
                target_seconds=target_seconds,
                patience=patience,
                concurrency=concurrency,
            )
        return seen[agents]

    if rate == 0:
        return figures(0)
    # Start at the agents whose chat slots just carry the traffic: usually within a few
    # agents of the answer. figures(low) always misses the target (0 agents answer nobody).
    low, high = 0, max(1, math.floor(rate * aht / concurrency) + 1)
    if patience is None:
        low = high - 1  # Erlang C: fewer slots than the traffic never reach any target
    while figures(high).service_level < service_level:
        low, high = high, high * 2
        if low >= MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS} agents needed (rate={rate}/s, aht={aht}s)")
    while high - low > 1:
        middle = (low + high) // 2
        if figures(middle).service_level >= service_level:
            high = middle
        else:
            low = middle
    return figures(high)
