"""`train_risk_model [--until-year Y] [--activate] [--json]`: see docs/control.md."""

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from control.services.registry import RegistryError
from control.services.training import TrainingError, risk_model_version_summary, risk_model_version_train
from lanekassen_ai.management.base import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Train a risk model on the controlled applications with an outcome in years <= --until-year "
        "(default: all), evaluate it and store a new model version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until-year", type=int, help="last academic year to learn from")
        parser.add_argument("--activate", action="store_true", help="make the new version the active model")
        parser.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
        parser.add_argument("--seed", type=int, default=0, help="random state of the training")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(message: str) -> None:
            self.stderr.write(f"  {message}")

        try:
            version = risk_model_version_train(
                until_year=options["until_year"],
                activate=options["activate"],
                context=self.audit_context,
                progress=progress,
                random_state=options["seed"],
            )
        except (TrainingError, RegistryError) as exc:
            raise CommandError(str(exc)) from None
        summary = risk_model_version_summary(model_version=version)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        ci = summary.get("recall_at_25_ci") or [None, None]
        self.stdout.write(self.style.SUCCESS(f"Model version {version.version} ({version.status})"))
        self.stdout.write(
            f"  trained on {version.n_train} applications from {version.train_years}, "
            f"tested on {version.n_test} from {version.test_year}"
        )
        for key in ("auc", "average_precision", "recall_at_25", "precision_at_25", "lift_at_25", "brier"):
            value = summary.get(key)
            self.stdout.write(
                f"  {key:<18} {value:.3f}" if isinstance(value, float) else f"  {key:<18} {value}"
            )
        if ci[0] is not None:
            self.stdout.write(f"  recall_at_25 95% CI: {ci[0]:.3f}–{ci[1]:.3f}")
        for name, figures in summary["baselines"].items():
            recall = figures.get("recall_at_25")
            if isinstance(recall, float):
                self.stdout.write(f"  {name} on the same group: recall_at_25 {recall:.3f}")
