"""Forecasting arrivals per 30-minute slot, with the backtest that says whether the
forecast is worth more than last week's figures. No Django: arrays in, arrays out.

The series is one value per half hour of Oslo wall-clock time, 48 per day and 336 per
week, starting on a Monday 00:00. Method: MSTL (Bandara, Hyndman & Bergmeir 2021, as in
statsmodels) splits it into a daily (48) and a weekly (336) seasonal component, found by
a locally constant LOESS over each slot's values across the cycles (windows of 57 days and
25 weeks, so every recent week counts, not only the last one as in seasonal-naive), and
the rest (trend plus noise). LOESS is evaluated at every 5th point and interpolated
(STL's "jump"), which makes a fit ten times faster and changes the forecast little. The
forecast is the last cycle of each seasonal component repeated, plus simple exponential
smoothing of the rest (an ETS(A,N,N) level from statsmodels), floored at zero; a half hour
of the week that had no arrival in any week of the history is forecast as zero. Known
events (dated extra load) are added on top.

Intervals: given the forecast rate, a slot's arrivals are Poisson (the same assumption the
Erlang staffing makes), so the interval is the Poisson quantiles around the forecast; the
backtest reports how many actual slots with traffic fell inside it (night and weekend
slots with no traffic forecast and none seen would flatter it).

Backtest: rolling origin over the last four weeks. For each of those weeks, fit on
everything before it and forecast the whole week; compare with seasonal-naive (the same
slot a week earlier). MASE (Hyndman & Koehler 2006) scales the mean absolute error by the
in-sample mean absolute error of the weekly seasonal-naive forecast of the training
history, so MASE < 1 beats seasonal-naive; the seasonal-naive forecast's own MASE on the
same weeks is reported beside it.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

SLOTS_PER_DAY = 48
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
# MSTL needs two whole cycles of the longest period; one more makes the weekly pattern an
# average rather than a single pair of weeks.
MIN_WEEKS = 3
BACKTEST_WEEKS = 4
DEFAULT_LEVEL = 0.8
SEASONAL_WINDOWS = (57, 25)  # cycles each seasonal LOESS spans: days, weeks (odd)
_STL_OPTIONS = {"seasonal_deg": 0, "robust": False, "seasonal_jump": 5, "trend_jump": 25, "low_pass_jump": 25}


class ForecastError(ValueError):
    """The history cannot support the requested forecast (too short, bad values)."""


@dataclass(frozen=True)
class Forecast:
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float


@dataclass(frozen=True)
class Backtest:
    weeks: int
    slots: int
    mae: float
    mae_seasonal_naive: float
    mase: float
    mase_seasonal_naive: float
    coverage: float  # share of slots with traffic (actual or forecast > 0) inside the interval
    level: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "weeks": self.weeks,
            "slots": self.slots,
            "mae": round(self.mae, 4),
            "mae_seasonal_naive": round(self.mae_seasonal_naive, 4),
            "mase": round(self.mase, 4),
            "mase_seasonal_naive": round(self.mase_seasonal_naive, 4),
            "interval_coverage": round(self.coverage, 4),
            "level": self.level,
        }


def _checked(history: np.ndarray, *, min_weeks: int) -> np.ndarray:
    series = np.asarray(history, dtype=float)
    if series.ndim != 1 or not np.all(np.isfinite(series)) or np.any(series < 0):
        raise ForecastError("the history must be a list of non-negative counts")
    if series.size % SLOTS_PER_WEEK:
        raise ForecastError(f"the history must be whole weeks of {SLOTS_PER_WEEK} slots, got {series.size}")
    if series.size < min_weeks * SLOTS_PER_WEEK:
        raise ForecastError(
            f"at least {min_weeks} weeks of history are needed, got {series.size / SLOTS_PER_WEEK:g}"
        )
    return series


def seasonal_naive(*, history: np.ndarray, horizon: int) -> np.ndarray:
    """Each slot as it was a week earlier (the last week repeated)."""
    last = np.asarray(history, dtype=float)[-SLOTS_PER_WEEK:]
    return np.resize(last, horizon)


def arrivals_forecast(
    *, history: np.ndarray, horizon: int, level: float = DEFAULT_LEVEL, extra: np.ndarray | None = None
) -> Forecast:
    """Forecast the `horizon` slots after `history` (whole weeks from a Monday 00:00),
    with a central `level` interval. `extra`: known extra arrivals per forecast slot."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.seasonal import MSTL

    series = _checked(history, min_weeks=MIN_WEEKS)
    if not 0 < level < 1:
        raise ForecastError(f"level must be between 0 and 1, got {level}")
    if horizon < 1:
        raise ForecastError(f"horizon must be at least one slot, got {horizon}")
    if not series.any():
        mean = np.zeros(horizon)
    else:
        decomposition = MSTL(
            series,
            periods=(SLOTS_PER_DAY, SLOTS_PER_WEEK),
            windows=SEASONAL_WINDOWS,
            stl_kwargs=_STL_OPTIONS,
        ).fit()
        seasonal = np.asarray(decomposition.seasonal)
        rest = series - seasonal.sum(axis=1)
        daily = np.resize(seasonal[-SLOTS_PER_DAY:, 0], horizon)
        weekly = np.resize(seasonal[-SLOTS_PER_WEEK:, 1], horizon)
        with warnings.catch_warnings():
            # Convergence chatter from the optimiser on flat series says nothing useful here.
            warnings.simplefilter("ignore")
            level_fit = ETSModel(rest, error="add", trend=None, seasonal=None).fit(disp=False)
        mean = np.maximum(daily + weekly + np.asarray(level_fit.forecast(horizon)), 0.0)
        # A half hour of the week with no arrival in any week of the history (a closed
        # queue's nights, a quiet weekend) gets none: the decomposition's smoothing would
        # otherwise leak a little weekday traffic into it, and the plan would staff it.
        never = ~series.reshape(-1, SLOTS_PER_WEEK).any(axis=0)
        mean[np.resize(never, horizon)] = 0.0
    if extra is not None:
        mean = mean + np.maximum(np.asarray(extra, dtype=float)[:horizon], 0.0)
    tail = (1 - level) / 2
    lower = np.where(mean > 0, poisson.ppf(tail, mean), 0.0)
    upper = np.where(mean > 0, poisson.ppf(1 - tail, mean), 0.0)
    return Forecast(mean=mean, lower=lower, upper=upper, level=level)


def arrivals_backtest(
    *, history: np.ndarray, weeks: int = BACKTEST_WEEKS, level: float = DEFAULT_LEVEL
) -> Backtest:
    """Rolling-origin backtest over the last `weeks` weeks of `history` (see the module
    docstring). Needs `MIN_WEEKS` weeks of training before the first of them."""
    series = _checked(history, min_weeks=MIN_WEEKS + weeks)
    errors: list[np.ndarray] = []
    naive_errors: list[np.ndarray] = []
    scales: list[float] = []
    inside = with_traffic = 0
    for back in range(weeks, 0, -1):
        cut = series.size - back * SLOTS_PER_WEEK
        train, actual = series[:cut], series[cut : cut + SLOTS_PER_WEEK]
        forecast = arrivals_forecast(history=train, horizon=SLOTS_PER_WEEK, level=level)
        errors.append(np.abs(forecast.mean - actual))
        naive_errors.append(np.abs(seasonal_naive(history=train, horizon=SLOTS_PER_WEEK) - actual))
        scales.append(float(np.mean(np.abs(train[SLOTS_PER_WEEK:] - train[:-SLOTS_PER_WEEK]))))
        busy = (actual > 0) | (forecast.mean >= 0.05)
        hit = (actual >= forecast.lower) & (actual <= forecast.upper)
        inside += int(np.sum(hit & busy))
        with_traffic += int(np.sum(busy))
    scale = float(np.mean(scales))
    mae = float(np.mean(np.concatenate(errors)))
    mae_naive = float(np.mean(np.concatenate(naive_errors)))
    slots = weeks * SLOTS_PER_WEEK
    return Backtest(
        weeks=weeks,
        slots=slots,
        mae=mae,
        mae_seasonal_naive=mae_naive,
        mase=mae / scale if scale > 0 else math.nan,
        mase_seasonal_naive=mae_naive / scale if scale > 0 else math.nan,
        coverage=inside / with_traffic if with_traffic else math.nan,
        level=level,
    )
