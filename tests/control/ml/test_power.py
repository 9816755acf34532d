"""control/ml/power.py: interval widths against the closed forms and simulation, the
share a width needs, and the (stratified) random draw with unbiased weighted estimates."""

import random

import numpy as np
import pytest

from control.ml import power
from control.ml.evaluation import weighted_rate
from control.ml.fairness import ratio_interval
from control.models import ControlCampaign
from control.selectors.casework import wilson_interval


def test_wilson_width_is_the_reported_intervals_width() -> None:
    for rate, n in ((0.05, 200), (0.3, 40), (0.0, 25), (0.9, 1000)):
        low, high = wilson_interval(successes=rate * n, trials=n)
        assert power.wilson_width(rate=rate, n=n) == pytest.approx(high - low, rel=1e-3)
    assert power.wilson_width(rate=0.1, n=0) == 1.0


def test_lift_width_is_katzs_interval_width_at_the_expected_counts() -> None:
    # The same interval the audit gives a ratio of two rates (fairness.ratio_interval).
    _ratio, interval = ratio_interval(low_hits=10, low_n=200, high_hits=60, high_n=300)
    assert interval is not None
    width = power.ratio_interval_width(rate_a=0.05, n_a=200, rate_b=0.2, n_b=300)
    assert width == pytest.approx(interval[1] - interval[0], rel=1e-3)
    # The lift's interval is the inverse ratio's, inverted.
    lift_width = power.ratio_interval_width(rate_a=0.2, n_a=300, rate_b=0.05, n_b=200)
    assert lift_width == pytest.approx(1 / interval[0] - 1 / interval[1], rel=1e-3)
    assert power.ratio_interval_width(rate_a=0.2, n_a=300, rate_b=0.0, n_b=200) is None


def test_expected_widths_match_simulated_interval_widths() -> None:
    rng = np.random.default_rng(3)
    # Hit rate: 8 % among 400 random cases.
    hits = rng.binomial(400, 0.08, size=4000)
    simulated = np.mean([np.subtract(*wilson_interval(successes=h, trials=400)[::-1]) for h in hits])
    assert power.wilson_width(rate=0.08, n=400) == pytest.approx(simulated, rel=0.03)
    # Lift: risk picks 20 % of 900, random 5 % of 300.
    risk, rand = rng.binomial(900, 0.2, size=4000), rng.binomial(300, 0.05, size=4000)
    widths = []
    for a, b in zip(risk, rand, strict=True):
        _ratio, interval = ratio_interval(low_hits=int(b), low_n=300, high_hits=int(a), high_n=900)
        if interval is not None and interval[0] > 0:
            widths.append(1 / interval[0] - 1 / interval[1])
    expected = power.ratio_interval_width(rate_a=0.2, n_a=900, rate_b=0.05, n_b=300)
    assert expected == pytest.approx(np.median(widths), rel=0.1)


def _summary(*, budget: int = 2000, n_random: int = 200, stratify_by: str = "") -> dict:
    rng = np.random.default_rng(1)
    pool = 20_000
    gender = np.where(rng.random(pool) < 0.5, "F", "M")
    country = rng.choice(["NO", "NORDIC", "EU_EEA", "OTHER"], p=[0.85, 0.05, 0.05, 0.05], size=pool)
    scores = np.clip(rng.beta(1, 15, size=pool), 0, 1)
    return power.power_summary(
        risk_scores=np.full(budget - n_random, 0.25),
        pool_scores=scores,
        pool_groups={"gender": gender, "birth_country_group": country},
        n_random=n_random,
        budget=budget,
        stratify_by=stratify_by,
    )


def test_needed_share_is_the_smallest_that_reaches_the_width() -> None:
    summary = _summary()
    needed = power.needed_for_width(summary=summary, lift_width=3.0, hit_rate_width=0.08)
    k = needed["lift"]["n_random"]
    rates = summary["expected_risk_hit_rate"], summary["expected_random_hit_rate"]

    def lift_width(n: int) -> float:
        return power.ratio_interval_width(rate_a=rates[0], n_a=2000 - n, rate_b=rates[1], n_b=n) or np.inf

    assert lift_width(k) <= 3.0 < lift_width(k - 1)
    # Too narrow for any split of this budget: said so, not a number.
    assert power.needed_for_width(summary=summary, lift_width=1.0)["lift"] == {
        "n_random": None,
        "random_share": None,
    }
    assert needed["lift"]["random_share"] == pytest.approx(k / 2000, abs=1e-4)
    for row, asked in zip(
        summary["groups"]["birth_country_group"], needed["groups"]["birth_country_group"], strict=True
    ):
        per_draw = row["expected_random"] / summary["n_random"]
        n = asked["n_random"]
        if n is None:  # not reachable within the budget: even all of it is too wide
            assert power.wilson_width(rate=row["expected_hit_rate"], n=per_draw * 2000) > 0.08
            continue
        assert power.wilson_width(rate=row["expected_hit_rate"], n=per_draw * n) <= 0.08
        assert power.wilson_width(rate=row["expected_hit_rate"], n=per_draw * (n - 1)) > 0.08
    # A small group needs far more random cases than a large one for the same width.
    by_group = {row["group"]: row["n_random"] or 10**9 for row in needed["groups"]["birth_country_group"]}
    assert by_group["NORDIC"] > 5 * by_group["NO"]


def test_stratifying_gives_small_groups_as_many_random_cases_as_large_ones() -> None:
    uniform = {r["group"]: r for r in _summary()["groups"]["birth_country_group"]}
    strata = {
        r["group"]: r for r in _summary(stratify_by="birth_country_group")["groups"]["birth_country_group"]
    }
    assert uniform["NORDIC"]["expected_random"] < 15
    assert {r["expected_random"] for r in strata.values()} == {50.0}
    assert strata["NORDIC"]["hit_rate_width"] < uniform["NORDIC"]["hit_rate_width"]
    # Another attribute's expected counts still add up to the draw.
    genders = _summary(stratify_by="birth_country_group")["groups"]["gender"]
    assert sum(r["expected_random"] for r in genders) == pytest.approx(200, abs=0.1)


def test_allocation_is_equal_and_capped_by_the_group_sizes() -> None:
    assert power.stratified_allocation(sizes={"a": 100, "b": 100, "c": 100}, total=30) == {
        "a": 10,
        "b": 10,
        "c": 10,
    }
    assert power.stratified_allocation(sizes={"a": 4, "b": 100, "c": 100}, total=30) == {
        "a": 4,
        "b": 13,
        "c": 13,
    }
    assert power.stratified_allocation(sizes={"a": 2, "b": 3}, total=50) == {"a": 2, "b": 3}
    assert sum(power.stratified_allocation(sizes={"a": 7, "b": 9, "c": 50}, total=31).values()) == 31


def test_uniform_draw_is_the_draw_campaigns_always_made() -> None:
    pool = [f"A{i}" for i in range(500)]
    positions, probabilities = power.random_draw(pool_size=500, n_random=25, seed=11)
    assert [pool[i] for i in positions] == random.Random(11).sample(pool, 25)
    assert probabilities == [25 / 500] * 25


def test_stratified_draw_stores_each_groups_probability_and_weighted_estimates_are_unbiased() -> None:
    # 900 "NO" with 5 % cheaters, 100 "OTHER" with 30 %: the population rate is 7.5 %.
    strata = ["NO"] * 900 + ["OTHER"] * 100
    cheater = np.array([i < 45 for i in range(900)] + [i < 30 for i in range(100)])
    weighted, plain = [], []
    for seed in range(1500):
        positions, probabilities = power.random_draw(pool_size=1000, n_random=60, seed=seed, strata=strata)
        groups = [strata[i] for i in positions]
        assert groups.count("NO") == groups.count("OTHER") == 30
        assert set(zip(groups, probabilities, strict=True)) == {("NO", 30 / 900), ("OTHER", 30 / 100)}
        rate, effective = weighted_rate(hits=cheater[positions], probabilities=np.array(probabilities))
        weighted.append(rate)
        plain.append(cheater[positions].mean())
        assert 30 < effective < 60
    assert np.mean(weighted) == pytest.approx(0.075, abs=0.004)
    assert np.mean(plain) == pytest.approx(0.175, abs=0.01)  # unweighted: biased towards OTHER


def test_weighted_rate_with_equal_probabilities_is_the_plain_share() -> None:
    rate, effective = weighted_rate(hits=np.array([1, 0, 0, 1]), probabilities=np.full(4, 0.1))
    assert (rate, effective) == (pytest.approx(0.5), pytest.approx(4))


def test_the_campaigns_strata_are_the_power_modules() -> None:
    assert tuple(v for v in ControlCampaign.RandomStrata.values if v) == power.STRATIFY_ATTRIBUTES
