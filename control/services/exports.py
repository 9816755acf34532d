"""Exporting scores: `application_id,score,rank,percentile,model_version,reasons`."""

from __future__ import annotations

from typing import IO

from control.models import RiskModelVersion, RiskScore, ScoringRun
from control.selectors.risk import risk_model_version_active
from lanekassen_ai.csv_cells import CsvSafeWriter

EXPORT_COLUMNS = ["application_id", "score", "rank", "percentile", "model_version", "reasons"]


class ExportError(Exception):
    """Nothing to export, with the reason."""


def export_model_version_pick(
    *, year: int, model_version: RiskModelVersion | None = None
) -> RiskModelVersion:
    """The version whose scores of `year` are exported: the one named, else the active
    model if it has scored the year, else the one of the year's latest finished run."""
    if model_version is not None:
        candidates = [model_version]
    else:
        active = risk_model_version_active()
        latest = (
            ScoringRun.objects.filter(academic_year=year, status=ScoringRun.Status.SUCCEEDED)
            .select_related("model_version")
            .order_by("-finished_at", "-id")
            .first()
        )
        candidates = [v for v in (active, latest.model_version if latest else None) if v is not None]
    for candidate in candidates:
        if ScoringRun.objects.filter(
            academic_year=year, model_version=candidate, status=ScoringRun.Status.SUCCEEDED
        ).exists():
            return candidate
    named = f" with model {model_version.version}" if model_version else ""
    raise ExportError(
        f"academic year {year} has not been scored{named}: run score_applications --year {year}"
    )


def risk_scores_export(*, year: int, out: IO[str], model_version: RiskModelVersion | None = None) -> int:
    """Write the year's scores, rank 1 (highest risk) first, reasons as `;`-separated
    feature names. Streams from the database. Returns the number of rows written."""
    version = export_model_version_pick(year=year, model_version=model_version)
    writer = CsvSafeWriter(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = (
        RiskScore.objects.filter(model_version=version, academic_year=year)
        .order_by("rank")
        .values_list("application_id", "score", "rank", "percentile", "reasons")
    )
    count = 0
    for application_id, score, rank, percentile, reasons in rows.iterator(chunk_size=20_000):
        features = ";".join(str(r.get("feature", "")) for r in reasons or [])
        writer.writerow(
            [application_id, f"{score:.6f}", rank, f"{percentile:.3f}", version.version, features]
        )
        count += 1
    return count
