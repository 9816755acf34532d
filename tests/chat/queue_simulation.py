"""A discrete-event simulation of one M/M/s+M queue (FCFS), to check the Erlang A and
Erlang C arithmetic in chat/erlang.py against something that makes no formula's
assumptions beyond the queue's own.

FCFS makes the simulation a recursion over customers in arrival order: a customer's
offered wait is the time until the earliest server frees up after everyone ahead has taken
theirs (customers who gave up take none), which later arrivals cannot change. So a heap of
server free times is the whole state: a customer whose patience is shorter than the offered
wait leaves, any other takes the earliest free server.
"""

import heapq
import math
from dataclasses import dataclass

import numpy as np

BATCHES = 40


@dataclass(frozen=True)
class SimulatedFigures:
    customers: int
    service_level: float
    abandon_probability: float
    mean_wait_seconds: float
    asa_seconds: float
    occupancy: float
    service_level_stderr: float  # batch means, BATCHES batches in arrival order
    abandon_stderr: float


def queue_simulate(
    *,
    arrivals_per_hour: float,
    handle_seconds: float,
    servers: int,
    target_seconds: float,
    patience_seconds: float | None,
    customers: int,
    seed: int,
    warm_up: float = 0.05,
) -> SimulatedFigures:
    """Simulate `customers` arrivals (the first `warm_up` share discarded, so the queue
    starts from a typical state) and return the same figures `staffing_plan` reports."""
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(3600 / arrivals_per_hour, customers)
    arrivals = np.cumsum(gaps).tolist()
    services = rng.exponential(handle_seconds, customers).tolist()
    patience = (
        rng.exponential(patience_seconds, customers).tolist()
        if patience_seconds is not None
        else [math.inf] * customers
    )
    free = [0.0] * servers
    heapq.heapify(free)
    first = int(customers * warm_up)
    counted = customers - first
    batch = counted // BATCHES
    in_time = [0] * BATCHES
    left = [0] * BATCHES
    wait_total = answered_wait = busy = 0.0
    answered = 0
    for n in range(customers):
        arrive = arrivals[n]
        start = max(arrive, free[0])
        offered = start - arrive
        gave_up = patience[n] < offered
        if not gave_up:
            heapq.heapreplace(free, start + services[n])
        if n < first:
            continue
        slot = min((n - first) // batch, BATCHES - 1)
        if gave_up:
            left[slot] += 1
            wait_total += patience[n]
        else:
            answered += 1
            wait_total += offered
            answered_wait += offered
            busy += services[n]
            if offered <= target_seconds:
                in_time[slot] += 1
    sizes = [batch] * (BATCHES - 1) + [counted - batch * (BATCHES - 1)]
    sl_batches = np.array(in_time) / np.array(sizes)
    ab_batches = np.array(left) / np.array(sizes)
    span = arrivals[-1] - arrivals[first]
    return SimulatedFigures(
        customers=counted,
        service_level=sum(in_time) / counted,
        abandon_probability=sum(left) / counted,
        mean_wait_seconds=wait_total / counted,
        asa_seconds=answered_wait / answered if answered else math.nan,
        occupancy=busy / (servers * span),
        service_level_stderr=float(sl_batches.std(ddof=1) / math.sqrt(BATCHES)),
        abandon_stderr=float(ab_batches.std(ddof=1) / math.sqrt(BATCHES)),
    )
