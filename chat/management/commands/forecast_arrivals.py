"""The arrivals forecast per queue and half hour for the coming weeks, with its backtest
against seasonal-naive; optionally the per-slot staffing plan as CSV for a rostering tool."""

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chat.forecasting import ForecastError
from chat.selectors.forecast import (
    CSV_COLUMNS,
    ForecastQueryError,
    forecast_params_parse,
    forecast_plan_rows,
    queue_forecast_report,
)


class Command(BaseCommand):
    help = (
        "Forecasts arrivals per queue and half hour from next Monday and prints the backtest "
        "over the last four weeks (MASE against seasonal-naive)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", default="1", help="weeks to forecast, 1-4 (default 1)")
        parser.add_argument("--queue", help="queue slug (default: every active queue)")
        parser.add_argument("--concurrency", default="1", help="chats per agent for the plan (1-10)")
        parser.add_argument("--shrinkage", default="0", help="share of paid time not available (0-0.95)")
        parser.add_argument("--target-service-level", default="0.8", help="plan target, 0.01-0.99")
        parser.add_argument("--csv", metavar="FILE", help="write the per-slot forecast and plan as CSV")
        parser.add_argument("--json", action="store_true", help="print the forecast as one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            weeks, queue, plan = forecast_params_parse(
                weeks=options["weeks"],
                queue=options["queue"],
                concurrency=options["concurrency"],
                shrinkage=options["shrinkage"],
                target_service_level=options["target_service_level"],
            )
            quiet = options["json"]
            if not quiet:
                self.stdout.write("fitting the forecast and the four backtest weeks per queue ...")
            report = queue_forecast_report(
                today=timezone.localdate(),
                weeks=weeks,
                queue=queue,
                progress=None if quiet else (lambda step: self.stdout.write(f"  queue {step}")),
            )
        except (ForecastQueryError, ForecastError) as exc:
            raise CommandError(str(exc)) from exc
        if options["csv"]:
            rows = forecast_plan_rows(report=report, options=plan)
            try:
                with open(options["csv"], "w", newline="", encoding="utf-8") as handle:
                    writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
                    writer.writeheader()
                    writer.writerows(rows)
            except OSError as exc:
                raise CommandError(f"--csv {options['csv']}: {exc.strerror}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        self.stdout.write(f"forecast from {report.origin} for {report.weeks} week(s)")
        header = (
            f"{'queue':<18}{'weeks':>6}{'MASE':>8}{'naive':>8}{'MAE':>8}{'naive':>8}{'cover':>8}{'sum':>9}"
        )
        self.stdout.write(header)
        for q in report.queues:
            total = sum(s["mean"] for s in q.slots)
            if q.backtest is None:
                self.stdout.write(f"{q.queue_slug:<18}{q.history_weeks:>6}  {q.note}")
                continue
            b = q.backtest
            self.stdout.write(
                f"{q.queue_slug:<18}{q.history_weeks:>6}{b['mase']:>8.3f}{b['mase_seasonal_naive']:>8.3f}"
                f"{b['mae']:>8.3f}{b['mae_seasonal_naive']:>8.3f}{b['interval_coverage']:>8.3f}{total:>9.1f}"
            )
        self.stdout.write(
            "MASE: mean absolute error over the last four weeks (one week ahead) / in-sample MAE of "
            "weekly seasonal-naive; naive = seasonal-naive's own MASE and MAE on the same weeks; "
            f"cover = share of slots with traffic inside the {int(report.level * 100)} % interval."
        )
