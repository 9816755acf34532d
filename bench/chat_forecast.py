"""Cold and warm cost of the Erlang A staffing on the statistics selector and of the
arrivals forecast, on the demo data. Run with
`DATABASE_URL=... .venv/bin/python manage.py shell < bench/chat_forecast.py` after `seed_demo`."""

import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from chat.erlang import queue_cache_clear
from chat.selectors.forecast import PlanOptions, forecast_plan_rows, queue_forecast_report
from chat.selectors.statistics import queue_statistics

t = timezone.localdate()
for g, d in (("slot", 30), ("day", 365)):
    queue_cache_clear()
    a = time.perf_counter()
    r = queue_statistics(since=t - timedelta(days=d), until=t, granularity=g)
    b = time.perf_counter()
    queue_statistics(since=t - timedelta(days=d), until=t, granularity=g)
    c = time.perf_counter()
    print(
        f"queue_statistics {g} {d + 1} days: {len(r.rows)} rows, "
        f"cold {1000 * (b - a):.0f} ms, warm {1000 * (c - b):.0f} ms"
    )
cache.clear()
queue_cache_clear()
a = time.perf_counter()
rep = queue_forecast_report(today=t)
b = time.perf_counter()
rows = forecast_plan_rows(report=rep, options=PlanOptions())
c = time.perf_counter()
queue_forecast_report(today=t)
d = time.perf_counter()
print(
    f"forecast report, 4 queues, 1 week: {1000 * (b - a):.0f} ms uncached, "
    f"{1000 * (d - c):.1f} ms cached; plan for {len(rows)} slots {1000 * (c - b):.0f} ms "
    "(empty per-process cache)"
)
