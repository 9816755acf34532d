"""Benchmark: the chat statistics page and JSON endpoint over 1,000,000 conversations and
10,000,000 messages on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres lk_h5_bench   # once; or let --create-db do it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h5_bench \\
        .venv/bin/python bench/chat_stats.py --conversations 1000000 --messages-per-conversation 10

Generates the data with INSERT ... SELECT over generate_series (one statement per table),
rebuilds the rollups with the same service `rebuild_queue_stats` runs, then times the
statistics page, the CSV export and the API for several periods (median and max of
--repeat runs, through Django's test client, so URL routing, permissions, the selectors,
templates and JSON rendering are all included). `--drop` deletes the generated rows
afterwards. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from chat.models import Assistant, Intent, Queue  # noqa: E402
from chat.services.statistics import chat_stats_rebuild  # noqa: E402
from lanekassen_ai.roles import Role  # noqa: E402

QUEUES = [("bostedskontroll", 10), ("stipend-og-lan", 20), ("tilbakebetaling", 30), ("una-servicedesk", 40)]


def _say(text: str) -> None:
    print(text, flush=True)


def generate(*, conversations: int, per_conversation: int, days: int, end: date) -> None:
    """Fill the bench database: queues, intents, conversations, messages, review items."""
    assistant, _ = Assistant.objects.get_or_create(slug="kunde", defaults={"name": "Kundeassistent"})
    queue_ids = []
    for slug, priority in QUEUES:
        queue, _ = Queue.objects.get_or_create(
            slug=slug, defaults={"name": slug.title(), "priority": priority}
        )
        queue_ids.append(queue.pk)
    intent_ids = []
    for n in range(30):
        intent, _ = Intent.objects.get_or_create(
            assistant=assistant,
            slug=f"bench-{n}",
            defaults={"title_nb": f"Bench {n}", "title_en": f"Bench {n}", "queue_id": queue_ids[n % 4]},
        )
        intent_ids.append(intent.pk)
    start = end - timedelta(days=days)
    with connection.cursor() as cursor:
        t = time.perf_counter()
        # Arrivals spread over `days` days between 07:00 and 17:00 Oslo; 60 % reach a queue,
        # of those 7 % abandon, the rest are answered (wait ~ 0-120 s) and closed (~ 2-12 min),
        # half of them rated.
        cursor.execute(
            """
            INSERT INTO chat_conversation (
                assistant_id, language, token_hash, state, queue_id, agent_id, handover_intent_id,
                consecutive_fallbacks, created_at, queued_at, answered_at, closed_at, abandoned_at,
                last_customer_activity_at, left_message, wrap_up, rating, rating_comment)
            SELECT %(assistant)s, 'nb', encode(sha256(('bench-' || g)::bytea), 'hex'),
                CASE WHEN r1 >= 0.6 THEN 'closed' WHEN r2 < 0.07 THEN 'abandoned' ELSE 'closed' END,
                CASE WHEN r1 < 0.6 THEN (%(queues)s::bigint[])[1 + (g %% 4)] END,
                NULL,
                CASE WHEN r1 < 0.6 THEN (%(intents)s::bigint[])[1 + (g %% 30)] END,
                0, t0, q_at,
                CASE WHEN r1 < 0.6 AND r2 >= 0.07 THEN q_at + (r3 * 120) * interval '1 second' END,
                CASE WHEN r1 < 0.6 AND r2 >= 0.07
                     THEN q_at + (r3 * 120 + 120 + r4 * 600) * interval '1 second'
                     WHEN r1 >= 0.6 THEN t0 + interval '2 minutes' END,
                CASE WHEN r1 < 0.6 AND r2 < 0.07 THEN q_at + (30 + r3 * 200) * interval '1 second' END,
                t0 + interval '3 minutes', false,
                CASE WHEN r1 < 0.6 AND r2 >= 0.07 THEN 'resolved' ELSE '' END,
                CASE WHEN r1 < 0.6 AND r2 >= 0.07 AND r4 < 0.5 THEN 1 + floor(r4 * 10)::int %% 5 END,
                ''
            FROM (
                SELECT g, r1, r2, r3, r4, t0,
                    CASE WHEN r1 < 0.6 THEN t0 + interval '60 seconds' END AS q_at
                FROM (
                    SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                        (%(start)s::date + (g %% %(days)s) * interval '1 day' + interval '7 hours'
                            + random() * interval '10 hours') AT TIME ZONE 'Europe/Oslo' AS t0
                    FROM generate_series(1, %(n)s) AS g
                ) base
            ) arrivals
            """,
            {
                "assistant": assistant.pk,
                "queues": queue_ids,
                "intents": intent_ids,
                "start": start,
                "days": days,
                "n": conversations,
            },
        )
        _say(f"conversations: {conversations:,} in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO chat_message (conversation_id, sender, text, created_at, intent_id, confidence,
                                      action, options, author_id)
            SELECT c.id,
                CASE WHEN k %% 2 = 1 THEN 'customer'
                     WHEN c.queue_id IS NULL OR k < 4 THEN 'bot' ELSE 'agent' END,
                'Melding ' || k,
                c.created_at + k * interval '10 seconds',
                CASE WHEN k %% 2 = 0 AND k < 4 THEN (%(intents)s::bigint[])[1 + (c.id %% 30)] END,
                NULL,
                CASE WHEN k %% 2 = 0 AND (c.queue_id IS NULL OR k < 4)
                     THEN CASE WHEN (c.id + k) %% 13 = 0 THEN 'fallback' ELSE 'answer' END ELSE '' END,
                '[]', NULL
            FROM chat_conversation c
            CROSS JOIN generate_series(1, %(per)s) AS k
            WHERE c.assistant_id = %(assistant)s
            """,
            {"intents": intent_ids, "per": per_conversation, "assistant": assistant.pk},
        )
        _say(f"messages: {cursor.rowcount:,} in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO chat_reviewitem (message_id, assistant_id, text, reason, predicted_intent_id,
                                         confidence, status, assigned_intent_id, resolved_by_id,
                                         resolved_at, created_at)
            SELECT m.id, %(assistant)s, 'spørsmål nummer ' || (m.id %% 500), 'fallback', NULL, NULL,
                   'open', NULL, NULL, NULL, m.created_at
            FROM chat_message m WHERE m.action = 'fallback' AND m.id %% 5 = 0
            """,
            {"assistant": assistant.pk},
        )
        _say(f"review items: {cursor.rowcount:,} in {time.perf_counter() - t:.1f} s")
        cursor.execute("ANALYZE chat_conversation; ANALYZE chat_message; ANALYZE chat_reviewitem;")


def timed(client: Client, url: str, repeat: int) -> tuple[float, float, int, int]:
    durations = []
    queries = 0
    status = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            durations.append((time.perf_counter() - t) * 1000)
        queries, status = len(captured), response.status_code
    return statistics.median(durations), max(durations), queries, status


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--messages-per-conversation", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the data already loaded")
    parser.add_argument("--drop", action="store_true", help="delete the generated chat rows at the end")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL to a separate bench database.")

    call_command("migrate", verbosity=0)
    end = date(2026, 11, 25)
    if not args.skip_generate:
        generate(
            conversations=args.conversations,
            per_conversation=args.messages_per_conversation,
            days=args.days,
            end=end,
        )
        t = time.perf_counter()
        result = chat_stats_rebuild()
        _say(
            f"rebuild_queue_stats: {result['slots']:,} slots, {result['days']} days "
            f"in {time.perf_counter() - t:.1f} s"
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM chat_conversation")
        n_conv = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'chat_message'")
        n_msg = cursor.fetchone()[0]
    _say(f"data: {n_conv:,} conversations, ~{n_msg:,} messages")

    user_model = get_user_model()
    manager, _ = user_model.objects.get_or_create(username="bench-leder")
    from django.contrib.auth.models import Group

    from lanekassen_ai.services.roles import roles_sync

    if not Group.objects.filter(name=Role.MANAGER.value).exists():
        roles_sync()
    manager.groups.add(Group.objects.get(name=Role.MANAGER.value))
    client = Client(HTTP_HOST="localhost")
    client.force_login(manager)

    last = end - timedelta(days=1)
    cases = [
        (
            "page, 7 days per day (default view)",
            f"/chat/statistics/?from={last - timedelta(days=6)}&to={last}",
        ),
        (
            "page, 31 days per half hour",
            f"/chat/statistics/?from={last - timedelta(days=30)}&to={last}&granularity=slot",
        ),
        (
            "page, 366 days per week",
            f"/chat/statistics/?from={last - timedelta(days=365)}&to={last}&granularity=week",
        ),
        ("API, 7 days per day", f"/api/v1/chat/statistics/?from={last - timedelta(days=6)}&to={last}"),
        (
            "API, 31 days per half hour",
            f"/api/v1/chat/statistics/?from={last - timedelta(days=30)}&to={last}&granularity=slot",
        ),
        (
            "API, 366 days per day",
            f"/api/v1/chat/statistics/?from={last - timedelta(days=365)}&to={last}&granularity=day",
        ),
        (
            "CSV, 366 days per day",
            f"/chat/statistics/csv/?from={last - timedelta(days=365)}&to={last}&granularity=day",
        ),
        ("API, live overview", "/api/v1/chat/statistics/live/"),
    ]
    _say("")
    _say("| request | median ms | max ms | queries | status |")
    _say("|---|---:|---:|---:|---:|")
    for label, url in cases:
        client.get(url)  # warm the cache of the first run's imports and plans
        median, worst, queries, status = timed(client, url, args.repeat)
        _say(f"| {label} | {median:.0f} | {worst:.0f} | {queries} | {status} |")

    if args.drop:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE chat_reviewitem, chat_message, chat_conversation, chat_queueslotstat, "
                "chat_assistantdaystat, chat_intentdaystat, chat_notunderstooddaystat CASCADE"
            )
        _say("generated rows dropped")


if __name__ == "__main__":
    main()
