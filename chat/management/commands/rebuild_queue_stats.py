"""Recompute the statistics rollups (queue half hours and bot days) from the
conversations: after a bulk load, a changed service-level target, or to repair them."""

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.services.statistics import chat_stats_rebuild
from lanekassen_ai.timezones import agency_timezone


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise CommandError(f"{option} {value!r}: expected a date as YYYY-MM-DD.") from exc
    return datetime.combine(day, time(0), tzinfo=agency_timezone())


class Command(BaseCommand):
    help = "Rebuilds QueueSlotStat and the assistants' daily rollups from the conversations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", help="first day to rebuild, YYYY-MM-DD (default: the first conversation)"
        )
        parser.add_argument(
            "--until", help="rebuild up to, not including, this day, YYYY-MM-DD (default: now)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since, until = _day(options["since"], "--since"), _day(options["until"], "--until")
        if since and until and since >= until:
            raise CommandError(f"--since {options['since']} must be before --until {options['until']}.")
        self.stdout.write("rebuilding rollups ...")
        result = chat_stats_rebuild(since=since, until=until)
        self.stdout.write(f"queue slots: {result['slots']}, days: {result['days']}")
