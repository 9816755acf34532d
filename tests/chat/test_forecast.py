"""The forecast per queue from the rollups, the plan per slot, the known events, and
their doors: the statistics page's partial and CSV, the API and `forecast_arrivals`
(chat/selectors/forecast.py)."""

import csv
import io
import json
from datetime import datetime, time, timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from chat.models import QueueSlotStat
from chat.selectors.forecast import (
    CSV_COLUMNS,
    ForecastQueryError,
    PlanOptions,
    forecast_origin,
    forecast_params_parse,
    forecast_plan_rows,
    queue_forecast_report,
)
from lanekassen_ai.timezones import agency_timezone
from tests.chat.factories import QueueFactory
from tests.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db
PROFILE = [4, 7, 9, 9, 8, 7, 6, 7, 8, 7, 6, 5, 4, 3, 2]  # 08:00-15:30


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _current_monday():
    return forecast_origin(today=timezone.localdate()) - timedelta(days=7)


def _history(queue, *, weeks: int, per_day: float, seed: int, extra: dict | None = None) -> None:
    """Rollups for `weeks` whole weeks before the current one: weekday office hours,
    Poisson counts; `extra` adds arrivals to whole days (spread like the profile)."""
    rng = np.random.default_rng(seed)
    first = _current_monday() - timedelta(weeks=weeks)
    rows = []
    for n in range(weeks * 7):
        day = first + timedelta(days=n)
        if day.weekday() >= 5:
            continue
        boost = (extra or {}).get(day, 0)
        for slot, weight in enumerate(PROFILE):
            mean = (per_day + boost) * weight / sum(PROFILE)
            offered = int(rng.poisson(mean))
            if offered:
                start = datetime.combine(day, time(8), tzinfo=agency_timezone()) + timedelta(
                    minutes=30 * slot
                )
                rows.append(QueueSlotStat(queue=queue, slot_start=start, offered=offered, answered=offered))
    QueueSlotStat.objects.bulk_create(rows)


def test_the_forecast_covers_the_weeks_from_next_monday_and_beats_seasonal_naive() -> None:
    queue = QueueFactory(slug="stipend-og-lan")
    _history(queue, weeks=8, per_day=70, seed=1)
    report = queue_forecast_report(today=timezone.localdate(), weeks=2, queue=queue)
    (forecast,) = report.queues
    assert forecast.history_weeks == 8
    assert len(forecast.slots) == 2 * 7 * 48
    first = datetime.fromisoformat(forecast.slots[0]["start"])
    assert (first.date(), first.weekday(), first.hour) == (report.origin, 0, 0)
    assert forecast.backtest is not None and forecast.backtest["mase"] < 1
    assert forecast.backtest["mae"] < forecast.backtest["mae_seasonal_naive"]
    monday = sum(s["mean"] for s in forecast.slots[:48])
    assert monday == pytest.approx(70, rel=0.15)


def test_a_second_request_is_served_from_the_cache(django_assert_max_num_queries) -> None:
    queue = QueueFactory()
    _history(queue, weeks=4, per_day=40, seed=2)
    first = queue_forecast_report(today=timezone.localdate(), queue=queue)
    # Only the known events are read again (the other apps' few grouped queries; none
    # without them): they are part of the cache key.
    with django_assert_max_num_queries(3):
        again = queue_forecast_report(today=timezone.localdate(), queue=queue)
    assert again.queues[0].slots == first.queues[0].slots


def letters_next_tuesday_for_tests(*, since, until):
    from lanekassen_ai.expected_load import ExpectedLoadEvent

    day = forecast_origin(today=timezone.localdate()) + timedelta(days=1)
    return [ExpectedLoadEvent(day=day, topic="residence_control", kind="letters_sent", count=5, source="t")]


def test_a_new_known_event_is_in_the_next_forecast_at_once(monkeypatch) -> None:
    from django.apps import apps

    queue = QueueFactory(slug="bostedskontroll")
    _history(queue, weeks=4, per_day=40, seed=2)
    first = queue_forecast_report(today=timezone.localdate(), queue=queue)
    # Another app plans letters after the forecast was cached: declared as an app would.
    path = f"{__name__}.letters_next_tuesday_for_tests"
    monkeypatch.setattr(apps.get_app_config("chat"), "expected_load_providers", (path,), raising=False)
    again = queue_forecast_report(today=timezone.localdate(), queue=queue)
    assert [e["day"] for e in again.queues[0].events] == [(first.origin + timedelta(days=1)).isoformat()]
    assert not [e for e in first.queues[0].events if e["source"] == "t"]


def test_short_history_gives_a_forecast_without_a_backtest_and_none_without_three_weeks() -> None:
    four, two = QueueFactory(), QueueFactory()
    _history(four, weeks=4, per_day=40, seed=3)
    _history(two, weeks=2, per_day=40, seed=4)
    by_slug = {q.queue_slug: q for q in queue_forecast_report(today=timezone.localdate()).queues}
    assert by_slug[four.slug].slots and by_slug[four.slug].backtest is None
    assert "7 needed" in by_slug[four.slug].note
    assert not by_slug[two.slug].slots and "too little history" in by_slug[two.slug].note


def test_the_plan_per_slot_staffs_busy_slots_and_applies_shrinkage() -> None:
    queue = QueueFactory()
    _history(queue, weeks=4, per_day=70, seed=5)
    report = queue_forecast_report(today=timezone.localdate(), queue=queue)
    rows = forecast_plan_rows(report=report, options=PlanOptions(concurrency=2, shrinkage=0.25))
    assert list(rows[0]) == CSV_COLUMNS
    busy = max(rows, key=lambda r: r["forecast_arrivals"])
    night = rows[0]
    assert busy["agents"] >= 1 and busy["service_level"] >= 0.8
    assert busy["agents_to_schedule"] == -(-busy["agents"] * 4 // 3)  # ceil(agents / 0.75)
    assert (night["forecast_arrivals"] < 0.1, night["agents"]) == (True, 0)
    # No abandonments in this history: the patience is unknown, so Erlang C.
    assert busy["model"] == "erlang_c" and busy["patience_seconds"] is None


def test_bad_forecast_parameters_are_named() -> None:
    for kwargs, message in (
        ({"weeks": "5"}, "weeks='5': må være mellom 1 og 4"),
        ({"weeks": "1.5"}, "hele tall"),
        ({"concurrency": "0"}, "concurrency='0'"),
        ({"shrinkage": "x"}, "shrinkage='x': forventet et tall"),
        ({"queue": "nope"}, "queue='nope'"),
    ):
        with pytest.raises(ForecastQueryError, match=message.replace("(", r"\(")):
            forecast_params_parse(**{"weeks": None, "queue": None, **kwargs})


def test_the_page_partial_csv_and_api_show_the_forecast_and_plan(client_for) -> None:
    queue = QueueFactory()
    _history(queue, weeks=7, per_day=40, seed=7)
    client = client_for("leder")
    params = {"queue": queue.slug, "concurrency": "2", "shrinkage": "0.2"}

    page = client.get(reverse("chat:statistics"), params)
    assert page.status_code == 200 and "chat:statistics-forecast" not in page.content.decode()
    assert reverse("chat:statistics-forecast") in page.content.decode()
    refused = client.get(reverse("chat:statistics"), {"concurrency": "99"})
    assert refused.status_code == 400 and "concurrency=&#x27;99&#x27;" in refused.content.decode()

    partial = client.get(reverse("chat:statistics-forecast"), params)
    content = partial.content.decode()
    assert partial.status_code == 200 and 'id="chat-forecast-data"' in content
    assert "MASE" in content
    assert client.get(reverse("chat:statistics-forecast"), {"weeks": "9"}).status_code == 400

    export = client.get(reverse("chat:statistics-forecast-csv"), params)
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    assert lines[0] == CSV_COLUMNS and len(lines) == 1 + 7 * 48
    assert {line[CSV_COLUMNS.index("concurrency")] for line in lines[1:]} == {"2"}

    api = client.get(reverse("chat-forecast"), {**params, "weeks": "2"})
    body = api.json()
    assert api.status_code == 200 and body["weeks"] == 2
    assert body["queues"][0]["backtest"]["mase"] < 1
    assert len(body["plan"]) == 2 * 7 * 48
    assert_matches_schema(client, path=reverse("chat-forecast"), body=body)
    bad = client.get(reverse("chat-forecast"), {"shrinkage": "2"})
    assert bad.status_code == 400 and "shrinkage" in bad.json()["detail"]


def test_the_command_prints_the_backtest_and_writes_the_rostering_csv(tmp_path) -> None:
    queue = QueueFactory(slug="tilbakebetaling")
    _history(queue, weeks=7, per_day=40, seed=8)
    out = io.StringIO()
    target = tmp_path / "plan.csv"
    call_command("forecast_arrivals", "--queue", queue.slug, "--csv", str(target), stdout=out)
    printed = out.getvalue()
    assert "MASE" in printed and "tilbakebetaling" in printed
    with target.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == CSV_COLUMNS
    out = io.StringIO()
    call_command("forecast_arrivals", "--queue", queue.slug, "--json", stdout=out)
    assert json.loads(out.getvalue())["queues"][0]["backtest"]["mase"] < 1
    with pytest.raises(CommandError, match="weeks"):
        call_command("forecast_arrivals", "--weeks", "0")
