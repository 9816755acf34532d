"""`evaluate_intents --assistant kunde [--json] [--check] [--record]`: cross-validated and
held-out evaluation of the assistant's current phrases."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.selectors.knowledge import assistant_get
from chat.services.knowledge import HELDOUT_DIR
from chat.services.training import TrainingError, intent_model_evaluate

BASELINE_FILE: Path = HELDOUT_DIR / "baseline.json"
HELDOUT_FIGURES = ("accuracy", "answer_precision", "out_of_scope_not_answered")
# Acceptance on the blind held-out set (chat/data/blind): overall, and the accuracy of
# each written standard on its own.
BLIND_ACCEPTANCE = {
    "accuracy": 0.90,
    "answer_precision": 0.97,
    "out_of_scope_not_answered": 0.90,
    "answer_in_customer_language": 0.95,
}
BLIND_LANGUAGE_MIN_ACCURACY = 0.85


class Command(BaseCommand):
    help = "Per-intent precision/recall/F1, confused pairs, risk-coverage, thresholds and held-out figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assistant", required=True, help="kunde or una")
        parser.add_argument("--target-precision", type=float, default=0.97)
        parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
        parser.add_argument(
            "--check",
            action="store_true",
            help=f"fail if a held-out figure is below {BASELINE_FILE.name} or the blind set below acceptance",
        )
        parser.add_argument(
            "--record", action="store_true", help=f"write the held-out figures to {BASELINE_FILE.name}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assistant = assistant_get(slug=options["assistant"])
        if assistant is None:
            raise CommandError(
                f"--assistant {options['assistant']!r}: no such assistant (run load_intents first)."
            )
        try:
            report = intent_model_evaluate(
                assistant=assistant,
                target_precision=options["target_precision"],
                progress=lambda step, share: self.stderr.write(f"[{share:4.0%}] {step}"),
            )
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self._print(report)
        heldout = report.get("heldout")
        if options["record"]:
            if heldout is None:
                raise CommandError(f"No held-out file for {assistant.slug}: nothing to record.")
            baseline = json.loads(BASELINE_FILE.read_text()) if BASELINE_FILE.exists() else {}
            baseline[assistant.slug] = {k: heldout[k] for k in HELDOUT_FIGURES}
            BASELINE_FILE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")
            self.stdout.write(f"recorded in {BASELINE_FILE}")
        if options["check"]:
            self._check(assistant.slug, heldout)
            self._check_blind(assistant.slug, report.get("blind"))

    def _check_blind(self, slug: str, blind: dict[str, Any] | None) -> None:
        if blind is None:
            return
        below = [
            f"{k} {blind[k]:.4f} < {level:.2f}" for k, level in BLIND_ACCEPTANCE.items() if blind[k] < level
        ]
        below += [
            f"{language} accuracy {f['accuracy']:.4f} < {BLIND_LANGUAGE_MIN_ACCURACY:.2f}"
            for language, f in sorted(blind["per_language"].items())
            if f["accuracy"] < BLIND_LANGUAGE_MIN_ACCURACY
        ]
        if below:
            raise CommandError(f"{slug}: blind held-out set below acceptance: " + "; ".join(below))
        self.stdout.write(f"{slug}: blind held-out set at or above the acceptance level")

    def _check(self, slug: str, heldout: dict[str, Any] | None) -> None:
        if heldout is None:
            raise CommandError(f"No held-out file for {slug}: cannot check.")
        baseline = json.loads(BASELINE_FILE.read_text()).get(slug) if BASELINE_FILE.exists() else None
        if not baseline:
            raise CommandError(f"{BASELINE_FILE} has no recorded figures for {slug}.")
        below = [
            f"{k} {heldout[k]:.4f} < recorded {baseline[k]:.4f}"
            for k in HELDOUT_FIGURES
            if heldout[k] < baseline[k]
        ]
        if below:
            raise CommandError(f"{slug}: held-out figures dropped: " + "; ".join(below))
        self.stdout.write(f"{slug}: held-out figures at or above the recorded level")

    def _print(self, r: dict[str, Any]) -> None:
        w = self.stdout.write
        w(
            f"assistant {r['assistant']}: {r['n_phrases']} phrases, "
            f"{r['n_classes']} classes (incl. out_of_scope)"
        )
        w(f"cross-validated accuracy {r['cv_accuracy']:.4f}")
        t = r["thresholds"]
        w(
            f"thresholds for target answer precision {r['target_precision']}: answer >= {t['answer']:.2f}, "
            f"clarify >= {t['clarify']:.2f} (cv answer precision {r['cv_answer_precision']:.4f}, "
            f"coverage {r['cv_answer_coverage']:.4f})"
        )
        own = t.get("intents") or {}
        w(
            "intents with their own answer threshold: "
            + (", ".join(f"{slug} >= {value:.2f}" for slug, value in sorted(own.items())) or "none")
        )
        w("\nintent                          precision  recall     f1  support")
        for row in r["per_intent"]:
            w(
                f"{row['intent']:<30} {row['precision']:>9.3f} {row['recall']:>7.3f} "
                f"{row['f1']:>6.3f} {row['support']:>8}"
            )
        w("\nmost confused (true -> predicted: count)")
        for pair in r["confused_pairs"]:
            w(f"  {pair['intent']} -> {pair['predicted']}: {pair['count']}")
        w("\nrisk-coverage (threshold: coverage, risk)")
        for p in r["risk_coverage"]:
            w(f"  {p['threshold']:.2f}: {p['coverage']:.3f}, {p['risk']:.3f}")
        h = r.get("heldout")
        if h:
            w(
                f"\nheld-out: {h['n_in_scope']} in scope, {h['n_out_of_scope']} out of scope\n"
                f"held-out accuracy {h['accuracy']:.4f}\n"
                f"held-out precision of automatic answers {h['answer_precision']:.4f}\n"
                f"held-out automatic answer coverage {h['answer_coverage']:.4f}\n"
                f"held-out out-of-scope not answered {h['out_of_scope_not_answered']:.4f}"
            )
        else:
            w("\nheld-out: no file")
        b = r.get("blind")
        if b:
            w("\nblind held-out set (page language nb)")
            w("language  in-scope  out   accuracy  precision  coverage  oos-not-answered  answer-language")
            for name, f in [("all", b), *sorted(b["per_language"].items())]:
                w(
                    f"{name:<9} {f['n_in_scope']:>8} {f['n_out_of_scope']:>5} {f['accuracy']:>10.4f} "
                    f"{f['answer_precision']:>10.4f} {f['answer_coverage']:>9.4f} "
                    f"{f['out_of_scope_not_answered']:>17.4f} {f['answer_in_customer_language']:>16.4f}"
                )
        else:
            w("\nblind held-out set: no file")
