"""`load_intents [--dir DIR]`: load the intent catalogue files into the database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.services.knowledge import CatalogueError, catalogue_load_files


class Command(BaseCommand):
    help = "Create or update the assistants' intents, answers and phrases from chat/data/catalogue/*.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="folder with kunde.json / una.json")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"]
        if directory is not None and not directory.is_dir():
            raise CommandError(f"--dir {directory}: no such folder.")
        try:
            results = catalogue_load_files(directory=directory, stdout=self.stdout)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        if not results:
            raise CommandError("No catalogue file (kunde.json, una.json) was found.")
