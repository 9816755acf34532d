"""`generate_applications --out FILE --population N --years 2014-2018 --seed S [--truth FILE]`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from control.services.synthetic import academic_years_parse, synthetic_applications_write


class Command(BaseCommand):
    help = (
        "Write a synthetic population in the import format, with past years' controls and "
        "outcomes; --truth writes the generator's hidden truth (for evaluation only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="CSV file to write")
        parser.add_argument("--population", type=int, required=True, help="number of distinct customers")
        parser.add_argument("--years", required=True, help="academic years, e.g. 2014-2018")
        parser.add_argument("--seed", type=int, required=True, help="random seed: same seed, same file")
        parser.add_argument("--truth", help="also write application_id,cheater,probability here")
        parser.add_argument(
            "--current-year",
            type=int,
            action="append",
            default=[],
            help="a year without control data (still to be controlled); may be repeated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            years = academic_years_parse(text=options["years"])
        except ValueError as exc:
            raise CommandError(f"--years: {exc}") from None
        if options["population"] < 1:
            raise CommandError("--population must be at least 1")
        current = tuple(options["current_year"])
        unknown = sorted(set(current) - set(years))
        if unknown:
            raise CommandError(f"--current-year {unknown} must be one of the --years")

        def progress(message: str) -> None:
            self.stderr.write(f"  generated {message}")

        try:
            rows = synthetic_applications_write(
                out=options["out"],
                population=options["population"],
                years=years,
                seed=options["seed"],
                truth=options["truth"],
                uncontrolled_years=current,
                progress=progress,
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} applications to {options['out']}."))
        if options["truth"]:
            self.stdout.write(f"Hidden truth: {options['truth']}")
