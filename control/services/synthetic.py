"""Writing a synthetic population as an import file (the generator lives in control.ml)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from control.ml.schema import IMPORT_COLUMNS
from control.ml.synthetic import generate_population


def academic_years_parse(*, text: str) -> list[int]:
    """'2014-2018' or '2014,2016' (or a mix) as a sorted list of years; ValueError with the
    reason when the text is not that."""
    years: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not match:
            raise ValueError(f"'{part}' is not a year or a range of years such as 2014-2018")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise ValueError(f"'{part}': the range ends before it starts")
        years.update(range(first, last + 1))
    return sorted(years)


def applications_frame_write(*, frame: pd.DataFrame, path: Path | str) -> None:
    """Write applications in the import format (UTF-8, comma, 0/1, empty = missing)."""
    frame[IMPORT_COLUMNS].to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def synthetic_applications_write(
    *,
    out: Path | str,
    population: int,
    years: list[int],
    seed: int,
    truth: Path | str | None = None,
    uncontrolled_years: tuple[int, ...] = (),
    progress: Callable[[str], None] | None = None,
) -> int:
    """Generate `population` customers over `years` and write them as an import file
    (and the hidden truth as `application_id,cheater,probability` when `truth` is given).
    Returns the number of rows written."""
    applications, hidden = generate_population(
        population=population,
        years=years,
        seed=seed,
        uncontrolled_years=uncontrolled_years,
        progress=progress,
    )
    applications_frame_write(frame=applications, path=out)
    if truth is not None:
        hidden[["application_id", "cheater", "probability"]].to_csv(truth, index=False, lineterminator="\n")
    return len(applications)
