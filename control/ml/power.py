"""What a campaign's random share can tell: the width of the 95 % intervals its results
will have, the random share a chosen width needs, and the random draw itself (uniform or
stratified by an audit group).

Pure functions on arrays and plain dicts; the campaign service calls them when it selects
cases and the proposal page when it answers "what share for this width?".

The intervals are the ones the results are reported with:
- a hit rate (share found cheating among the randomly drawn cases, overall or in one audit
  group) gets the Wilson score interval (selectors.casework.wilson_interval);
- the model's lift (hit rate of the risk picks / hit rate of the random draw) gets Katz's log
  interval for a ratio of two proportions (ml/fairness.ratio_interval).
Before any outcome exists the expected hit rates come from the calibrated scores: the mean
score of the risk picks and of the applications the random draw is taken from. A width here
is the expected width: the one the interval has when the observed rate equals the expected.

The draw. Uniform: every eligible application the model did not pick has the same
probability n / M. Stratified by an audit attribute: the random cases are shared out equally
between the attribute's groups (a group smaller than its share gives all it has and the rest
goes to the others), and a group's applications each have probability n_g / M_g. Either way
every drawn case stores its own probability, so 1 / probability weights (inverse probability
weighting) keep the population estimates unbiased: see `evaluation.weighted_rate`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from control.ml.fairness import age_band
from control.ml.features import age_on_august_1

Z = 1.959964
# Group codes, one per application: a list or a numpy array of strings.
Codes = Sequence[str] | np.ndarray
STRATIFY_ATTRIBUTES: tuple[str, ...] = ("gender", "birth_country_group", "age_band")


def wilson_widths(*, rate: float, n: np.ndarray, z: float = Z) -> np.ndarray:
    """Widths of the 95 % Wilson interval for a proportion `rate` seen in each of `n`
    trials (1.0 without trials: nothing is known)."""
    n = np.asarray(n, dtype=float)
    p = min(max(float(rate), 0.0), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        widths = np.minimum(1.0, centre + half) - np.maximum(0.0, centre - half)
    return np.where(n > 0, widths, 1.0)


def wilson_width(*, rate: float, n: float, z: float = Z) -> float:
    """Width of the 95 % Wilson interval for a proportion `rate` seen in `n` trials."""
    return float(wilson_widths(rate=rate, n=np.array([n]), z=z)[0])


def ratio_interval_widths(
    *, rate_a: float, n_a: np.ndarray, rate_b: float, n_b: np.ndarray, z: float = Z
) -> np.ndarray:
    """Widths of the 95 % Katz log interval of rate_a / rate_b when rate_a is seen in n_a
    trials and rate_b in n_b (elementwise); inf when a rate is 0 or a side has no trials."""
    n_a, n_b = np.asarray(n_a, dtype=float), np.asarray(n_b, dtype=float)
    if rate_a <= 0 or rate_b <= 0:
        return np.full(np.broadcast(n_a, n_b).shape, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(np.maximum(0.0, 1 / (rate_a * n_a) - 1 / n_a + 1 / (rate_b * n_b) - 1 / n_b))
        widths = rate_a / rate_b * (np.exp(z * se) - np.exp(-z * se))
    return np.where((n_a > 0) & (n_b > 0), widths, np.inf)


def ratio_interval_width(
    *, rate_a: float, n_a: float, rate_b: float, n_b: float, z: float = Z
) -> float | None:
    """Width of the 95 % Katz log interval of rate_a / rate_b when rate_a is seen in n_a
    trials and rate_b in n_b; None when a rate is 0 or a side has no trials."""
    width = float(
        ratio_interval_widths(rate_a=rate_a, n_a=np.array([n_a]), rate_b=rate_b, n_b=np.array([n_b]), z=z)[0]
    )
    return width if math.isfinite(width) else None


def _smallest_n(*, widths: np.ndarray, target: float) -> int | None:
    """1-based index of the first width at or under `target` (None when there is none)."""
    hits = np.flatnonzero(widths <= target)
    return int(hits[0]) + 1 if len(hits) else None


def stratified_allocation(*, sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Share `total` draws equally between groups of the given sizes, no group giving
    more than it has (the surplus goes equally to the others); leftover single draws go to
    the largest groups first. Sums to min(total, sum of sizes)."""
    remaining = {group: int(size) for group, size in sizes.items() if size > 0}
    allocation = dict.fromkeys(sizes, 0)
    left = min(int(total), sum(remaining.values()))
    while left > 0 and remaining:
        share = left // len(remaining)
        if share == 0:
            for group in sorted(remaining, key=lambda g: (-remaining[g], g))[:left]:
                allocation[group] += 1
            break
        for group in list(remaining):
            take = min(share, remaining[group])
            allocation[group] += take
            remaining[group] -= take
            left -= take
            if remaining[group] == 0:
                del remaining[group]
    return allocation


def random_draw(
    *, pool_size: int, n_random: int, seed: int, strata: Codes | None = None
) -> tuple[list[int], list[float]]:
    """Positions (into the pool of eligible applications the model did not pick) of the
    random cases, and each drawn case's selection probability. Uniform without `strata`
    (the same draw as `random.Random(seed).sample(pool, n)`), otherwise stratified: one
    group code per pool position, shared out by `stratified_allocation`, a uniform draw
    within each group. Reproducible from `seed`."""
    n_random = min(max(int(n_random), 0), pool_size)
    rng = random.Random(seed)
    if n_random == 0:
        return [], []
    if strata is None:
        return rng.sample(range(pool_size), n_random), [n_random / pool_size] * n_random
    members: dict[str, list[int]] = {}
    for position, code in enumerate(strata):
        members.setdefault(str(code), []).append(position)
    allocation = stratified_allocation(
        sizes={code: len(positions) for code, positions in members.items()}, total=n_random
    )
    picks: list[int] = []
    probabilities: list[float] = []
    for code in sorted(members):
        take = allocation[code]
        if take:
            picks.extend(rng.sample(members[code], take))
            probabilities.extend([take / len(members[code])] * take)
    return picks, probabilities


def audit_groups(
    *,
    gender: Sequence[str],
    birth_country_group: Sequence[str],
    birth_date: Sequence[Any],
    academic_year: int,
) -> dict[str, np.ndarray]:
    """The audit group codes of each application (schema's groups and age bands, age on
    1 August of `academic_year`), per attribute the draw can be stratified by."""
    ages = age_on_august_1(
        frame=pd.DataFrame({"birth_date": list(birth_date), "academic_year": academic_year})
    )
    return {
        "gender": np.asarray(gender, dtype=object).astype(str),
        "birth_country_group": np.asarray(birth_country_group, dtype=object).astype(str),
        "age_band": np.asarray(age_band(age=ages), dtype=object).astype(str),
    }


def power_summary(
    *,
    risk_scores: np.ndarray,
    pool_scores: np.ndarray,
    pool_groups: Mapping[str, Codes],
    n_random: int,
    budget: int,
    stratify_by: str = "",
) -> dict[str, Any]:
    """What the proposal's random share can tell, before any outcome: the expected lift
    and hit rates, and the width of their 95 % intervals. `risk_scores` are the calibrated
    scores of the risk picks, `pool_scores` those of the eligible applications the random
    cases are drawn from, `pool_groups` the audit group of each pool application per
    attribute. JSON-ready; `needed_for_width` answers from it alone."""
    pool_scores = np.asarray(pool_scores, dtype=float)
    risk_scores = np.asarray(risk_scores, dtype=float)
    pool = len(pool_scores)
    n_random = min(int(n_random), pool)
    risk_rate = float(risk_scores.mean()) if len(risk_scores) else 0.0
    random_rate = float(pool_scores.mean()) if pool else 0.0
    strata_sizes: dict[str, int] = {}
    allocation: dict[str, int] = {}
    if stratify_by:
        codes = np.asarray(pool_groups[stratify_by], dtype=object).astype(str)
        values, counts = np.unique(codes, return_counts=True)
        strata_sizes = {str(v): int(c) for v, c in zip(values, counts, strict=True)}
        allocation = stratified_allocation(sizes=strata_sizes, total=n_random)
    # Each pool application's chance of being drawn: what a group's expected draws add up.
    if stratify_by:
        strata_codes = np.asarray(pool_groups[stratify_by], dtype=object).astype(str)
        chance = np.zeros(pool)
        for stratum, size in strata_sizes.items():
            chance[strata_codes == stratum] = allocation[stratum] / size
    else:
        chance = np.full(pool, n_random / pool if pool else 0.0)
    groups: dict[str, list[dict[str, Any]]] = {}
    for attribute, codes_seq in pool_groups.items():
        codes = np.asarray(codes_seq, dtype=object).astype(str)
        rows = []
        for value in sorted(set(codes.tolist())):
            member = codes == value
            size = int(member.sum())
            expected_n = float(chance[member].sum())
            rate = float(pool_scores[member].mean()) if size else 0.0
            rows.append(
                {
                    "group": value,
                    "pool": size,
                    "expected_random": round(expected_n, 2),
                    "expected_hit_rate": round(rate, 5),
                    "hit_rate_width": round(wilson_width(rate=rate, n=expected_n), 5),
                }
            )
        groups[attribute] = rows
    n_risk = len(risk_scores)
    lift_width = ratio_interval_width(rate_a=risk_rate, n_a=n_risk, rate_b=random_rate, n_b=n_random)
    return {
        "budget": int(budget),
        "n_risk": n_risk,
        "n_random": n_random,
        "pool": pool,
        "stratify_by": stratify_by,
        "expected_risk_hit_rate": round(risk_rate, 5),
        "expected_random_hit_rate": round(random_rate, 5),
        "expected_lift": round(risk_rate / random_rate, 4) if random_rate > 0 else None,
        "lift_width": round(lift_width, 4) if lift_width is not None else None,
        "random_hit_rate_width": round(wilson_width(rate=random_rate, n=n_random), 5),
        "groups": groups,
    }


def needed_for_width(
    *, summary: Mapping[str, Any], lift_width: float | None = None, hit_rate_width: float | None = None
) -> dict[str, Any]:
    """The random cases (and share of the budget) needed so that the lift's interval is
    at most `lift_width` wide, and so that each audit group's hit rate (random cases only)
    has an interval at most `hit_rate_width` (a proportion, 0.1 = 10 points) wide.

    The budget stays as proposed: more random cases mean fewer risk picks. Expected rates
    are held at the proposal's; a group's expected random cases grow in proportion to the
    total drawn (exact for a uniform draw and for equal strata no group caps). `None` for
    a count means not reachable within the budget (or the pool)."""
    budget = int(summary["budget"])
    pool = int(summary["pool"])
    largest = max(0, min(budget, pool))
    n = np.arange(1, largest + 1, dtype=float)
    result: dict[str, Any] = {"budget": budget, "lift": None, "groups": {}}
    if lift_width is not None and largest:
        risk_rate, random_rate = summary["expected_risk_hit_rate"], summary["expected_random_hit_rate"]
        widths = ratio_interval_widths(rate_a=risk_rate, n_a=budget - n, rate_b=random_rate, n_b=n)
        needed = _smallest_n(widths=widths, target=lift_width)
        result["lift"] = _needed_row(needed=needed, budget=budget)
    if hit_rate_width is not None and largest:
        n_random = max(1, int(summary["n_random"]))
        for attribute, rows in summary["groups"].items():
            out = []
            for row in rows:
                per_draw = row["expected_random"] / n_random
                widths = wilson_widths(rate=row["expected_hit_rate"], n=per_draw * n)
                needed = _smallest_n(widths=widths, target=hit_rate_width)
                out.append({"group": row["group"], **_needed_row(needed=needed, budget=budget)})
            result["groups"][attribute] = out
    return result


def _needed_row(*, needed: int | None, budget: int) -> dict[str, Any]:
    if needed is None:
        return {"n_random": None, "random_share": None}
    return {"n_random": needed, "random_share": round(needed / budget, 4) if budget else None}
