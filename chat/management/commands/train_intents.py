"""`train_intents --assistant kunde [--no-activate] [--target-precision 0.97] [--json]`."""

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from chat.selectors.knowledge import assistant_get
from chat.services.training import TrainingError, intent_model_train
from lanekassen_ai.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Train (cross-validate, choose thresholds, fit, store) an assistant's intent model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assistant", required=True, help="kunde or una")
        parser.add_argument("--no-activate", action="store_true", help="store as a candidate only")
        parser.add_argument("--target-precision", type=float, default=0.97)
        parser.add_argument("--json", action="store_true", help="print the metrics as one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        assistant = assistant_get(slug=options["assistant"])
        if assistant is None:
            raise CommandError(
                f"--assistant {options['assistant']!r}: no such assistant (run load_intents first)."
            )

        def progress(step: str, share: float) -> None:
            self.stderr.write(f"[{share:4.0%}] {step}")

        try:
            version = intent_model_train(
                assistant=assistant,
                context=self.audit_context,
                activate=not options["no_activate"],
                target_precision=options["target_precision"],
                progress=progress,
            )
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps({"version": version.version, "status": version.status, **version.metrics})
            )
        else:
            m = version.metrics
            self.stdout.write(
                f"{assistant.slug} {version.version} ({version.status}): {version.n_phrases} phrases, "
                f"cv accuracy {m['cv_accuracy']:.3f}, answer threshold {version.answer_threshold:.2f}, "
                f"clarify threshold {version.clarify_threshold:.2f}, {m['train_seconds']} s"
            )
            for slug, value in sorted(version.intent_thresholds.items()):
                self.stdout.write(f"  {slug}: own answer threshold {value:.2f}")
