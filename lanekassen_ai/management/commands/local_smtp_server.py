import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lanekassen_ai.local_smtp import local_smtp_start


class Command(BaseCommand):
    help = "Run a local SMTP server on 127.0.0.1 that keeps every message as var/mail/*.eml (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--folder", default=str(Path(settings.BASE_DIR) / "var" / "mail"))

    def handle(self, *args: Any, **options: Any) -> None:
        controller, _collector = local_smtp_start(port=options["port"], folder=Path(options["folder"]))
        self.stdout.write(f"SMTP on 127.0.0.1:{options['port']}, messages in {options['folder']}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
