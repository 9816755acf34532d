"""Abandon waiting conversations whose customer stopped polling (the periodic task does
this every minute; the command is for operators and cron-less set-ups)."""

from typing import Any

from django.core.management.base import BaseCommand

from chat.services.agents import conversations_abandon_stale


class Command(BaseCommand):
    help = "Abandons waiting conversations whose customer stopped polling for longer than the queue allows."

    def handle(self, *args: Any, **options: Any) -> None:
        abandoned = conversations_abandon_stale()
        self.stdout.write(f"abandoned: {abandoned}")
