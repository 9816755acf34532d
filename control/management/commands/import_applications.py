"""`import_applications FILE [--skip-invalid --rejects FILE]`: see docs/control.md."""

import contextlib
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from control.services.imports import ImportRefused, applications_import
from lanekassen_ai.management.base import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Import an applications file (docs/import-format.md). All-or-nothing unless "
        "--skip-invalid, which imports the valid rows and writes the rejected ones to --rejects."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file in the import format")
        parser.add_argument("--skip-invalid", action="store_true", help="import valid rows, reject the rest")
        parser.add_argument("--rejects", help="CSV file for the rejected rows and their reasons")
        parser.add_argument("--language", choices=["nb", "en"], help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["skip_invalid"] and not options["rejects"]:
            raise CommandError("--skip-invalid needs --rejects FILE, so that no rejected row goes unseen")
        if options["rejects"] and not options["skip_invalid"]:
            raise CommandError("--rejects is only used with --skip-invalid")
        show_progress = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False

        def progress(done: int, total: int) -> None:
            line = f"\r  {done:,}/{total:,} lines read" if total else f"\r  {done:,} lines read"
            if show_progress:
                self.stdout.write(line, ending="")
            else:
                self.stderr.write(line.strip())

        with contextlib.ExitStack() as files:
            rejects = (
                files.enter_context(open(options["rejects"], "w", encoding="utf-8", newline=""))
                if options["rejects"]
                else None
            )
            source = files.enter_context(path.open("rb"))
            result = self._import(
                source=source, name=path.name, rejects=rejects, options=options, progress=progress
            )
        if show_progress:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows_imported} of {result.rows_total} rows "
                f"({result.rows_rejected} rejected) from {path.name} (import run {result.run.pk})."
            )
        )
        if result.rows_rejected:
            self.stdout.write(f"Rejected rows and reasons: {options['rejects']}")

    def _import(self, *, source: Any, name: str, rejects: Any, options: dict[str, Any], progress: Any) -> Any:
        try:
            return applications_import(
                source=source,
                file_name=name,
                skip_invalid=options["skip_invalid"],
                rejects=rejects,
                context=self.audit_context,
                language=options["language"],
                progress=progress,
            )
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        except KeyboardInterrupt:
            sys.stderr.write("\nInterrupted: the import was rolled back, the database is unchanged.\n")
            raise SystemExit(130) from None
