"""The demo traffic step (chat/services/demo_traffic.py)."""

from datetime import date

import pytest

from chat.models import Conversation, OpeningHours, Queue, QueueSlotStat
from chat.selectors.statistics import queue_statistics
from chat.services.demo_traffic import chat_traffic_demo_seed

pytestmark = pytest.mark.django_db


def test_it_seeds_queues_history_and_rollups_once() -> None:
    today = date(2026, 11, 26)  # Thursday: the 7 days before hold 5 weekdays
    chat_traffic_demo_seed(days=7, today=today)

    assert set(Queue.objects.values_list("slug", flat=True)) >= {
        "stipend-og-lan",
        "tilbakebetaling",
        "bostedskontroll",
        "una-servicedesk",
    }
    assert OpeningHours.objects.filter(queue__slug="bostedskontroll").count() == 5
    count = Conversation.objects.count()
    assert count > 500
    assert Conversation.objects.filter(state=Conversation.State.ABANDONED).exists()
    assert Conversation.objects.filter(rating__isnull=False).exists()
    report = queue_statistics(since=date(2026, 11, 19), until=date(2026, 11, 25))
    offered = sum(t.offered for t in report.totals)
    assert offered == Conversation.objects.filter(queued_at__isnull=False).count()
    assert report.bot and report.top_intents == [] and report.top_not_understood  # no catalogue loaded here

    slots = QueueSlotStat.objects.count()
    chat_traffic_demo_seed(days=7, today=today)
    assert (Conversation.objects.count(), QueueSlotStat.objects.count()) == (count, slots)


def test_the_review_pages_not_understood_chart_has_the_demo_days() -> None:
    """The demo's customer messages carry the bot's decision, as real ones do, so the
    review page's "not understood per day" is not empty beside a full review list."""
    from django.utils import timezone

    from chat.models import Assistant, ReviewItem
    from chat.selectors.conversations import fallback_rate_by_day

    chat_traffic_demo_seed(days=7, today=timezone.localdate())
    kunde = Assistant.objects.get(slug="kunde")
    days = fallback_rate_by_day(assistant=kunde, days=30)
    assert len(days) >= 5
    assert sum(d["fallbacks"] for d in days) == ReviewItem.objects.filter(assistant=kunde).count() > 0
    assert all(0 < d["rate"] <= 1 for d in days if d["fallbacks"])


def test_the_forecast_beats_seasonal_naive_on_the_demo_traffic() -> None:
    """The acceptance check: the full demo history (nine weeks), the four-week backtest
    of every queue, MASE below 1 and below seasonal-naive's own."""
    from django.core.cache import cache
    from django.utils import timezone

    from chat.selectors.forecast import queue_forecast_report

    chat_traffic_demo_seed()
    cache.clear()
    report = queue_forecast_report(today=timezone.localdate())
    assert {q.queue_slug for q in report.queues} >= {"stipend-og-lan", "bostedskontroll"}
    for forecast in report.queues:
        assert forecast.backtest is not None, forecast.note
        assert forecast.backtest["mase"] < 1, forecast.queue_slug
        assert forecast.backtest["mae"] < forecast.backtest["mae_seasonal_naive"], forecast.queue_slug
