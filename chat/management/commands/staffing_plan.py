"""Staffing for one queue and one period: Erlang A (M/M/n+M) when a patience is known,
Erlang C (M/M/n) without; chat concurrency and shrinkage. See docs/queues.md."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.selectors.staffing import StaffingInputError, staffing_plan, staffing_plan_parse


class Command(BaseCommand):
    help = (
        "Service level, abandonment, waits and occupancy for N agents, or the fewest agents "
        "that reach a service-level target (Erlang A with --patience-seconds, else Erlang C)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--arrivals-per-hour", required=True, help="arrivals per hour (>= 0)")
        parser.add_argument("--handle-seconds", required=True, help="mean handling time per chat (> 0)")
        parser.add_argument(
            "--target-seconds", required=True, help="service-level target: answered within T seconds"
        )
        parser.add_argument(
            "--patience-seconds", help="mean patience before a waiting customer leaves (Erlang A)"
        )
        parser.add_argument(
            "--queue",
            help="queue slug: without --patience-seconds, estimate the patience from its last 28 days",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--agents", help="the figures for this many agents")
        group.add_argument(
            "--target-service-level", help="the fewest agents reaching this share, 0-1 (default 0.8)"
        )
        parser.add_argument("--concurrency", default="1", help="chats one agent handles at once (1-10)")
        parser.add_argument("--shrinkage", default="0", help="share of paid time not available, 0 <= F < 1")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            question = staffing_plan_parse(
                arrivals_per_hour=options["arrivals_per_hour"],
                handle_seconds=options["handle_seconds"],
                target_seconds=options["target_seconds"],
                patience_seconds=options["patience_seconds"],
                agents=options["agents"],
                target_service_level=options["target_service_level"],
                concurrency=options["concurrency"],
                shrinkage=options["shrinkage"],
                queue=options["queue"],
                names="command",
            )
            plan = staffing_plan(question=question)
        except StaffingInputError as exc:
            raise CommandError(str(exc)) from exc
        figures = plan.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {'-' if value is None else value}")
