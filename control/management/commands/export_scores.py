"""`export_scores --year Y --out FILE`: see docs/control.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from control.models import RiskModelVersion
from control.services.exports import ExportError, risk_scores_export


class Command(BaseCommand):
    help = "Write the year's scores as CSV: application_id,score,rank,percentile,model_version,reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="academic year")
        parser.add_argument("--out", required=True, help="CSV file to write")
        parser.add_argument("--model", help="model version (default: the active model's scores)")

    def handle(self, *args: Any, **options: Any) -> None:
        model = None
        if options["model"]:
            try:
                model = RiskModelVersion.objects.get(version=options["model"])
            except RiskModelVersion.DoesNotExist:
                raise CommandError(f"--model {options['model']}: no such model version") from None
        target = Path(options["out"])
        # Written next to the target and renamed at the end: a failed export leaves no
        # half-written file behind, and never an empty one that looks like "no scores".
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                rows = risk_scores_export(year=options["year"], out=out, model_version=model)
            partial.replace(target)
        except ExportError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from None
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"--out {options['out']}: {exc.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} scores to {options['out']}."))
