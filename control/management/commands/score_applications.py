"""`score_applications --year Y [--model VERSION]`: see docs/control.md."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from control.models import RiskModelVersion
from control.services.registry import RegistryError
from control.services.scoring import CHUNK_SIZE, ScoringError, scoring_year_run
from lanekassen_ai.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Score every application of --year with the active (or --model) risk model, in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="academic year to score")
        parser.add_argument("--model", help="model version (default: the active model)")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="applications per chunk")

    def handle(self, *args: Any, **options: Any) -> None:
        model = None
        if options["model"]:
            try:
                model = RiskModelVersion.objects.get(version=options["model"])
            except RiskModelVersion.DoesNotExist:
                raise CommandError(f"--model {options['model']}: no such model version") from None
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"  chunk {done}/{total} scored")

        try:
            run = scoring_year_run(
                year=options["year"],
                model_version=model,
                context=self.audit_context,
                chunk_size=options["chunk_size"],
                progress=progress,
            )
        except (ScoringError, RegistryError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Scored {run.done} applications of {run.academic_year} with model "
                f"{run.model_version.version} (scoring run {run.pk})."
            )
        )
