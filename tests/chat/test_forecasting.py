"""The arrivals forecast and its backtest on synthetic traffic (chat/forecasting.py)."""

import numpy as np
import pytest

from chat.forecasting import (
    SLOTS_PER_WEEK,
    ForecastError,
    arrivals_backtest,
    arrivals_forecast,
    seasonal_naive,
)

# Weekday office hours 08:00-15:30 with a morning and an after-lunch peak; quiet weekends.
PROFILE = [4, 7, 9, 9, 8, 7, 6, 7, 8, 7, 6, 5, 4, 3, 2]


def _weekly_rates(per_day: float) -> np.ndarray:
    week = np.zeros(SLOTS_PER_WEEK)
    for day in range(5):
        for n, weight in enumerate(PROFILE):
            week[day * 48 + 16 + n] = per_day * weight / sum(PROFILE)
    return week


def _poisson_weeks(per_day: float, weeks: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).poisson(np.tile(_weekly_rates(per_day), weeks)).astype(float)


@pytest.mark.parametrize("per_day", [14, 70])
def test_the_forecast_beats_seasonal_naive_on_poisson_traffic(per_day: float) -> None:
    backtest = arrivals_backtest(history=_poisson_weeks(per_day, 8, seed=per_day))
    assert backtest.weeks == 4 and backtest.slots == 4 * SLOTS_PER_WEEK
    assert backtest.mase < 1
    assert backtest.mae < backtest.mae_seasonal_naive
    assert 0.7 <= backtest.coverage <= 1


def test_the_forecast_follows_the_weekly_shape_and_stays_non_negative() -> None:
    history = _poisson_weeks(70, 6, seed=3)
    forecast = arrivals_forecast(history=history, horizon=2 * SLOTS_PER_WEEK)
    assert forecast.mean.shape == (2 * SLOTS_PER_WEEK,)
    assert (forecast.mean >= 0).all() and (forecast.lower <= forecast.mean).all()
    # Poisson quantiles: a rare slot (mean 0.02) may have the interval 0-0.
    busy = forecast.mean >= 1
    assert (forecast.upper[busy] >= forecast.mean[busy]).all() and (forecast.upper >= forecast.lower).all()
    rates = np.tile(_weekly_rates(70), 2)
    # A weekday's total within 15 % of the truth; nights and weekends near zero.
    assert forecast.mean[:48].sum() == pytest.approx(70, rel=0.15)
    assert forecast.mean[rates == 0].max() < 0.5


def test_known_extra_arrivals_are_added_to_the_forecast() -> None:
    history = _poisson_weeks(40, 4, seed=5)
    extra = np.zeros(SLOTS_PER_WEEK)
    extra[16:31] = 2.0
    plain = arrivals_forecast(history=history, horizon=SLOTS_PER_WEEK)
    with_event = arrivals_forecast(history=history, horizon=SLOTS_PER_WEEK, extra=extra)
    assert with_event.mean.sum() == pytest.approx(plain.mean.sum() + 30)


def test_seasonal_naive_repeats_the_last_week() -> None:
    history = np.arange(2 * SLOTS_PER_WEEK, dtype=float)
    naive = seasonal_naive(history=history, horizon=SLOTS_PER_WEEK + 2)
    assert naive[0] == SLOTS_PER_WEEK and naive[SLOTS_PER_WEEK] == SLOTS_PER_WEEK


def test_short_or_broken_history_is_refused() -> None:
    with pytest.raises(ForecastError, match="at least 3 weeks"):
        arrivals_forecast(history=np.zeros(2 * SLOTS_PER_WEEK), horizon=10)
    with pytest.raises(ForecastError, match="whole weeks"):
        arrivals_forecast(history=np.zeros(SLOTS_PER_WEEK * 3 + 1), horizon=10)
    with pytest.raises(ForecastError, match="non-negative"):
        arrivals_forecast(history=-np.ones(SLOTS_PER_WEEK * 3), horizon=10)
    with pytest.raises(ForecastError, match="at least 7 weeks"):
        arrivals_backtest(history=np.zeros(SLOTS_PER_WEEK * 6))
