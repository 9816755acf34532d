"""Rollups, statistics selectors and their doors (chat/services/statistics.py,
chat/selectors/statistics.py, chat/views/statistics.py, chat/api/statistics.py)."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from chat.models import AssistantDayStat, Conversation, Message, QueueSlotStat, ReviewItem
from chat.selectors.statistics import StatisticsQueryError, queue_statistics, statistics_period_parse
from chat.services.statistics import chat_stats_rebuild, queue_slot_stat_refresh_for, slot_start_for
from lanekassen_ai.services.audit import AuditContext
from lanekassen_ai.timezones import agency_timezone
from tests.chat.factories import (
    AssistantFactory,
    ConversationFactory,
    IntentFactory,
    MessageFactory,
    QueueFactory,
)

pytestmark = pytest.mark.django_db
OSLO = agency_timezone()
DAY = date(2026, 11, 2)  # a Monday
NINE = datetime(2026, 11, 2, 9, 0, tzinfo=OSLO)


def _conversation(queue, *, offset_min: float, wait: float | None, handle: float | None = None, **kwargs):
    queued_at = NINE + timedelta(minutes=offset_min)
    fields = {"queue": queue, "queued_at": queued_at, "state": Conversation.State.QUEUED}
    if wait is not None:
        fields.update(state=Conversation.State.WITH_AGENT, answered_at=queued_at + timedelta(seconds=wait))
        if handle is not None:
            fields.update(
                state=Conversation.State.CLOSED, closed_at=fields["answered_at"] + timedelta(seconds=handle)
            )
    fields.update(kwargs)
    conversation = ConversationFactory(**fields)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=queued_at - timedelta(minutes=2))
    return conversation


@pytest.fixture
def traffic():
    """One queue, 09:00-09:30 Oslo: 4 offered, 3 answered (waits 30, 50, 90 s; two within
    the 60 s target), 1 abandoned, 2 closed (handling 200 and 400 s), ratings 4 and 5.
    Plus one conversation 09:40 in the next slot."""
    queue = QueueFactory(slug="stipend-og-lan", name="Stipend og lån", service_level_target_seconds=60)
    _conversation(queue, offset_min=1, wait=30, handle=200, rating=4)
    _conversation(queue, offset_min=5, wait=50, handle=400, rating=5)
    _conversation(queue, offset_min=10, wait=90)
    _conversation(
        queue,
        offset_min=12,
        wait=None,
        state=Conversation.State.ABANDONED,
        abandoned_at=NINE + timedelta(minutes=14),
    )
    _conversation(queue, offset_min=40, wait=10, handle=100)
    return queue


def test_slot_start_is_the_half_hour_in_utc() -> None:
    assert slot_start_for(at=datetime(2026, 11, 2, 9, 47, 12, tzinfo=OSLO)) == datetime(
        2026, 11, 2, 8, 30, tzinfo=ZoneInfo("UTC")
    )


def test_refreshing_a_slot_counts_its_conversations(traffic) -> None:
    stat = queue_slot_stat_refresh_for(queue_id=traffic.pk, at=NINE)
    assert stat is not None
    assert (stat.offered, stat.answered, stat.abandoned, stat.answered_within_target) == (4, 3, 1, 2)
    assert stat.wait_seconds_answered == pytest.approx(170)
    assert (stat.handled, stat.handle_seconds) == (2, pytest.approx(600))
    assert (stat.rating_sum, stat.rating_count) == (9, 2)


def test_rebuild_matches_slot_by_slot_refresh(traffic) -> None:
    result = chat_stats_rebuild(since=NINE - timedelta(days=1), until=NINE + timedelta(days=1))
    assert result["slots"] == 2
    rebuilt = {s.slot_start: (s.offered, s.answered, s.handled) for s in QueueSlotStat.objects.all()}
    assert rebuilt == {
        slot_start_for(at=NINE): (4, 3, 2),
        slot_start_for(at=NINE + timedelta(minutes=40)): (1, 1, 1),
    }


def test_history_per_slot_and_day_with_staffing(traffic) -> None:
    chat_stats_rebuild(since=NINE - timedelta(days=1), until=NINE + timedelta(days=1))

    slots = queue_statistics(since=DAY, until=DAY, granularity="slot")
    first = slots.rows[0]
    assert (first.offered, first.answered, first.abandoned) == (4, 3, 1)
    assert first.average_speed_of_answer == pytest.approx(170 / 3)
    assert first.service_level == pytest.approx(0.5)
    assert first.average_handling_time == pytest.approx(300)
    assert first.csat == pytest.approx(4.5)
    # 4 arrivals in 30 minutes at 300 s handling: 0.67 Erlang; Erlang C needs 2 agents
    # to answer 80 % within 60 s.
    assert first.recommended_agents == 2

    days = queue_statistics(since=DAY, until=DAY, granularity="day")
    assert len(days.rows) == 1
    assert (days.rows[0].offered, days.rows[0].answered, days.rows[0].handled) == (5, 4, 3)
    assert days.rows[0].recommended_agents == 2  # the peak half hour
    assert days.totals[0].queue_slug == "stipend-og-lan" and days.totals[0].offered == 5


def test_bot_figures_deflection_fallbacks_and_top_questions(traffic) -> None:
    intent = IntentFactory(slug="soknadsfrist", title_nb="Søknadsfrist")
    bot_only = ConversationFactory()
    Conversation.objects.filter(pk=bot_only.pk).update(created_at=NINE)
    MessageFactory(conversation=bot_only, sender=Message.Sender.CUSTOMER, text="Når er fristen?")
    MessageFactory(conversation=bot_only, sender=Message.Sender.BOT, intent=intent, action="answer")
    asked = MessageFactory(conversation=bot_only, sender=Message.Sender.CUSTOMER, text="Kan katten min søke?")
    MessageFactory(conversation=bot_only, sender=Message.Sender.BOT, action="fallback")
    ReviewItem.objects.create(
        message=asked,
        assistant=bot_only.assistant,
        text="Kan katten min søke?",
        reason=ReviewItem.Reason.FALLBACK,
    )
    ReviewItem.objects.filter(message=asked).update(created_at=NINE)

    chat_stats_rebuild(since=NINE - timedelta(hours=1), until=NINE + timedelta(hours=12))
    report = queue_statistics(since=DAY, until=DAY)

    (kunde,) = report.bot
    assert (kunde.conversations, kunde.handed_over) == (6, 5)
    assert kunde.deflection_rate == pytest.approx(1 / 6)
    assert kunde.fallback_rate == pytest.approx(0.5)
    assert report.top_intents[0]["intent"] == "soknadsfrist"
    assert report.top_not_understood == [{"assistant": "kunde", "text": "kan katten min søke", "count": 1}]
    assert AssistantDayStat.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"granularity": "hour"}, "granularity"),
        ({"from": "2026-13-01"}, "from="),
        ({"from": "2026-11-05", "to": "2026-11-01"}, "etter"),
        ({"from": "2026-01-01", "to": "2026-12-31", "granularity": "slot"}, "for lang"),
        ({"queue": "finnes-ikke"}, "queue="),
    ],
)
def test_bad_statistics_requests_say_which_parameter_is_wrong(params, message) -> None:
    with pytest.raises(StatisticsQueryError, match=message):
        statistics_period_parse(
            since=params.get("from"),
            until=params.get("to"),
            granularity=params.get("granularity"),
            queue=params.get("queue"),
            today=DAY,
        )


def test_the_rebuild_command_reports_and_rejects_bad_dates(traffic, capsys) -> None:
    call_command("rebuild_queue_stats", "--since", "2026-11-01", "--until", "2026-11-03")
    assert "queue slots: 2" in capsys.readouterr().out
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("rebuild_queue_stats", "--since", "1. november")


def test_dashboard_csv_and_api_show_the_figures(
    traffic, client, manager, django_assert_max_num_queries
) -> None:
    chat_stats_rebuild(since=NINE - timedelta(days=1), until=NINE + timedelta(days=1))
    client.force_login(manager)
    params = {"from": "2026-11-02", "to": "2026-11-02", "granularity": "slot"}

    with django_assert_max_num_queries(18):  # two of them estimate the queues' patience
        page = client.get(reverse("chat:statistics"), params)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Stipend og lån" in content and 'id="chat-chart-data"' in content

    export = client.get(reverse("chat:statistics-csv"), params)
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    assert lines[0][:3] == ["period_start", "queue", "offered"]
    assert lines[1][1:5] == ["stipend-og-lan", "4", "3", "1"]

    api = client.get(reverse("chat-statistics"), params)
    body = api.json()
    assert body["rows"][0]["offered"] == 4 and body["rows"][0]["service_level"] == 0.5
    assert body["totals"][0]["offered"] == 5

    bad = client.get(reverse("chat-statistics"), {"granularity": "hour"})
    assert bad.status_code == 400 and "granularity" in bad.json()["detail"]
    assert client.get(reverse("chat:statistics"), {"from": "x"}).status_code == 400


def test_live_overview_counts_waiting_and_agents(client, manager, make_user) -> None:
    from chat.services.agents import agent_status_set
    from tests.chat.factories import QueuedConversationFactory

    queue = QueueFactory(slug="tilbakebetaling", name="Tilbakebetaling")
    QueuedConversationFactory(queue=queue)
    QueuedConversationFactory(queue=queue)
    agent = make_user("saksbehandler", username="live-agent")
    agent_status_set(context=AuditContext(actor=agent), state="AVAILABLE", capacity=2)
    client.force_login(manager)
    rows = {r["queue"]: r for r in client.get(reverse("chat-statistics-live")).json()}
    assert rows["tilbakebetaling"]["waiting"] == 2
    assert rows["tilbakebetaling"]["agents_available"] == 1
    assert rows["tilbakebetaling"]["agents_busy"] == 0


def test_the_same_question_is_one_row_whatever_its_case_spacing_punctuation_or_assistant(traffic) -> None:
    una = AssistantFactory(slug="una", name="Una")
    texts = [("kunde", "Hva blir været?"), ("kunde", "hva blir  været"), ("una", "HVA BLIR VÆRET")]
    for slug, text in texts:
        conversation = ConversationFactory(assistant=una) if slug == "una" else ConversationFactory()
        Conversation.objects.filter(pk=conversation.pk).update(created_at=NINE)
        asked = MessageFactory(conversation=conversation, sender=Message.Sender.CUSTOMER, text=text)
        ReviewItem.objects.create(
            message=asked, assistant=conversation.assistant, text=text, reason=ReviewItem.Reason.FALLBACK
        )
    ReviewItem.objects.update(created_at=NINE)

    chat_stats_rebuild(since=NINE - timedelta(hours=1), until=NINE + timedelta(hours=12))
    report = queue_statistics(since=DAY, until=DAY)

    assert report.top_not_understood == [{"assistant": "kunde, una", "text": "hva blir været", "count": 3}]
