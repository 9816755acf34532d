"""Reads for the risk model: applications as data frames, the registry, scores."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd
from django.db import connection, models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from control.ml.features import FEATURE_CATALOGUE
from control.ml.schema import (
    COLUMN_SPECS,
    FAIRNESS_FLAG_RATIO,
    IMPORT_COLUMNS,
    attribute_label,
    group_label,
)
from control.models import Application, Customer, ImportRun, RiskModelVersion, RiskScore, ScoringRun
from lanekassen_ai.languages import in_language
from lanekassen_ai.services.jobs import job_lease_seconds

# Text columns keep their leading zeros (kommunenummer 0301) and ids stay strings.
_TEXT_KINDS = {"id", "national_id", "municipality", "enum", "date"}
FRAME_DTYPES: dict[str, str] = {
    name: "str" for name, spec in COLUMN_SPECS.items() if spec.kind in _TEXT_KINDS
}


def _select_list() -> str:
    """The import columns of Application joined with Customer, in the format's own shape:
    booleans as 0/1 and empty text as NULL, as the generator hands them to the ML code."""
    customer_fields = {"national_id", "birth_date", "gender", "birth_country_group"}
    parts = []
    for name in IMPORT_COLUMNS:
        if name in customer_fields:
            parts.append(f"c.{name}")
        elif name == "customer_id":
            parts.append("a.customer_id")
        else:
            field = Application._meta.get_field(name)
            assert isinstance(field, models.Field)
            internal = field.get_internal_type()
            if internal == "BooleanField":
                parts.append(f"CAST(a.{name} AS integer) AS {name}")
            elif internal == "CharField" and field.blank:
                parts.append(f"NULLIF(a.{name}, '') AS {name}")
            else:
                parts.append(f"a.{name}")
    return ", ".join(parts)


def applications_frame(
    *,
    years: Sequence[int] | None = None,
    until_year: int | None = None,
    id_range: tuple[str, str] | None = None,
    customers_of_year: int | None = None,
    customers_id_range: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """Applications (with their customer's columns) as a DataFrame of IMPORT_COLUMNS.

    Filters: `years` (list), `until_year` (<=), `id_range` (application_id between, both
    inclusive), and `customers_of_year` (+ `customers_id_range`): only customers who have an
    application in that year (within that id range) — how scoring fetches their history.
    On PostgreSQL the rows travel through COPY, which is several times faster than cursor
    rows for a million applications.
    """
    where: list[str] = []
    params: list[Any] = []
    if years is not None:
        where.append("a.academic_year IN (" + ", ".join(str(int(y)) for y in years) + ")")
    if until_year is not None:
        where.append("a.academic_year <= %s")
        params.append(int(until_year))
    if id_range is not None:
        where.append("a.application_id BETWEEN %s AND %s")
        params.extend(id_range)
    if customers_of_year is not None:
        table = Application._meta.db_table
        inner = f"SELECT s.customer_id FROM {table} s WHERE s.academic_year = %s"  # noqa: S608
        params.append(int(customers_of_year))
        if customers_id_range is not None:
            inner += " AND s.application_id BETWEEN %s AND %s"
            params.extend(customers_id_range)
        where.append(f"a.customer_id IN ({inner})")
    sql = (
        f"SELECT {_select_list()} FROM {Application._meta.db_table} a "  # noqa: S608 - identifiers only
        f"JOIN {Customer._meta.db_table} c ON c.customer_id = a.customer_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.application_id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            raw: Any = cursor.cursor
            query = raw.mogrify(sql, params) if params else sql
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            return pd.read_csv(buffer, dtype=FRAME_DTYPES, keep_default_na=False, na_values=[""])
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=IMPORT_COLUMNS)
    for name in FRAME_DTYPES:
        frame[name] = frame[name].astype("str").where(frame[name].notna(), None)
    return frame


def application_year_ids_bounds(*, year: int, chunk_size: int) -> list[tuple[str, str]]:
    """The year's applications split into chunks of `chunk_size` consecutive ids, as
    (first id, last id) pairs. The same data gives the same chunks, so chunk numbers
    stay valid when a scoring run is resumed."""
    ids = list(
        Application.objects.filter(academic_year=year)
        .order_by("application_id")
        .values_list("application_id", flat=True)
    )
    return [(ids[i], ids[min(i + chunk_size, len(ids)) - 1]) for i in range(0, len(ids), chunk_size)]


def academic_years_list() -> list[dict[str, Any]]:
    """Each academic year with its number of applications, controlled ones and outcomes."""
    return list(
        Application.objects.values("academic_year")
        .annotate(
            applications=Count("application_id"),
            controlled=Count("application_id", filter=Q(controlled=True)),
            with_outcome=Count("application_id", filter=~Q(control_outcome="")),
        )
        .order_by("academic_year")
    )


def risk_model_version_list() -> QuerySet[RiskModelVersion]:
    """The registry, newest first, with who trained/activated each version (one query)."""
    return RiskModelVersion.objects.select_related("trained_by", "activated_by", "retired_by").order_by(
        "-trained_at", "-id"
    )


def risk_model_version_active() -> RiskModelVersion | None:
    """The active model version, if any."""
    return RiskModelVersion.objects.filter(status=RiskModelVersion.Status.ACTIVE).first()


def risk_model_version_get(*, version: str) -> RiskModelVersion:
    """One version by its name; RiskModelVersion.DoesNotExist when there is none."""
    return RiskModelVersion.objects.select_related("trained_by", "activated_by", "retired_by").get(
        version=version
    )


def scoring_run_list(*, model_version: RiskModelVersion | None = None) -> QuerySet[ScoringRun]:
    """Scoring runs, newest first."""
    runs = ScoringRun.objects.select_related("model_version", "started_by")
    if model_version is not None:
        runs = runs.filter(model_version=model_version)
    return runs.order_by("-created_at", "-id")


def risk_score_list(*, year: int, model_version: RiskModelVersion) -> QuerySet[RiskScore]:
    """Scores of one year from one model version, rank 1 (highest risk) first."""
    return RiskScore.objects.filter(academic_year=year, model_version=model_version).order_by("rank")


CARD_METRICS: tuple[tuple[str, Any], ...] = (
    ("recall_at_25", _("Andel avdekket ved kontroll av 25 %")),
    ("precision_at_25", _("Treffsikkerhet blant de 25 % høyeste")),
    ("lift_at_25", _("Løft ved 25 % (mot tilfeldig)")),
    ("auc", _("AUC")),
    ("average_precision", _("Gjennomsnittlig presisjon")),
    ("brier", _("Brier-skår (lavere er bedre)")),
)


@dataclass(frozen=True)
class ModelCardMetric:
    """One measure of the model beside the old rule and random selection."""

    key: str
    label: str
    value: float | None
    ci: list[float] | None  # 95 % bootstrap interval
    old_rule: float | None
    random: float | None


@dataclass(frozen=True)
class FairnessRatio:
    """Lowest group rate over the highest for one measure; "flagged" below the limit."""

    metric: str
    label: str
    value: float | None
    ci: list[float] | None
    status: str  # "flagged", "ok" or "too_few_to_say"

    @property
    def flagged(self) -> bool:
        return self.status == "flagged"


@dataclass(frozen=True)
class FairnessAttribute:
    """The fairness table of one audit attribute (or an intersection of two)."""

    name: str
    label: str
    intersection: bool
    groups: tuple[dict[str, Any], ...]  # the stored rows, with the group's plain label
    ratios: tuple[FairnessRatio, ...]
    flags: tuple[Any, ...]


@dataclass(frozen=True)
class ModelCardFairness:
    limit: float
    share: float | None
    min_group_size: int | None
    attributes: tuple[FairnessAttribute, ...]


@dataclass(frozen=True)
class DriftRun:
    """The drift measured when one year was scored."""

    academic_year: int
    score_psi: float | None
    expected_recall_at_25: float | None
    warning: bool
    shifted: tuple[str, ...]


@dataclass(frozen=True)
class ModelCardDrift:
    warn_above: float
    test_year: dict[str, Any]  # as measured in training, empty when not measured
    test_year_shifted: tuple[str, ...]
    runs: tuple[DriftRun, ...]

    @property
    def warning(self) -> bool:
        return any(run.warning for run in self.runs)


@dataclass(frozen=True)
class FeatureChoice:
    """A feature of the catalogue as the retrain form offers it."""

    name: str
    label: str
    excluded: bool
    flagged: bool


@dataclass(frozen=True)
class ScoringRunRow:
    run: ScoringRun
    stuck: bool


@dataclass(frozen=True)
class RiskModelCard:
    """Everything the model card page and the model version API show about one version.
    Aggregates only: nothing here identifies a student."""

    model_version: RiskModelVersion
    metric_rows: tuple[ModelCardMetric, ...]
    n_evaluated: int | None
    positives: int | None
    chart: dict[str, Any]  # the chart series, for json_script
    importance: tuple[dict[str, Any], ...]
    fairness: ModelCardFairness
    candidates: tuple[dict[str, Any], ...]
    selected_by: str
    validation_year: int | None
    why: str
    justification: tuple[dict[str, Any], ...]  # the features used, with their plain label
    flagged_features: tuple[str, ...]
    excluded_features: list[str]
    drift: ModelCardDrift
    feature_choices: tuple[FeatureChoice, ...]
    scoring_runs: tuple[ScoringRunRow, ...]  # the newest ten


def scoring_run_is_stuck(*, run: ScoringRun) -> bool:
    """A waiting or running run whose worker has given no sign of life for a lease."""
    if run.status not in (ScoringRun.Status.PENDING, ScoringRun.Status.RUNNING):
        return False
    stale = timezone.now() - timedelta(seconds=job_lease_seconds())
    return run.heartbeat_at is None or run.heartbeat_at < stale


def risk_model_card(*, model_version: RiskModelVersion) -> RiskModelCard:
    """The model card of one version: metrics with 95 % intervals, the comparison with the
    old rule and random selection, chart series, global importance, the fairness tables
    with ratios below the flag limit marked, drift and the newest scoring runs. The card
    page and the model version API read it; one query (the scoring runs)."""
    metrics = model_version.metrics or {}
    ci = metrics.get("ci", {})
    baselines = (model_version.comparison or {}).get("baselines", {})
    old_rule = baselines.get("old_rule", {})
    random = baselines.get("random", {})
    metric_rows = tuple(
        ModelCardMetric(
            key=key,
            label=str(label),
            value=metrics.get(key),
            ci=ci.get(key),
            old_rule=(old_rule.get("metrics") or {}).get(key),
            random=(random.get("metrics") or {}).get(key),
        )
        for key, label in CARD_METRICS
    )
    curves = model_version.curves or {}
    gains = curves.get("gains", [])
    chart = {
        "gains": {
            "share": [round(p[0] * 100, 1) for p in gains],
            "model": [round(p[1] * 100, 1) for p in gains],
            "old_rule": [round(p[1] * 100, 1) for p in old_rule.get("gains", [])],
            "random": [round(p[0] * 100, 1) for p in gains],
        },
        "calibration": {
            "predicted": [round(p[0] * 100, 2) for p in curves.get("calibration", [])],
            "observed": [round(p[1] * 100, 2) for p in curves.get("calibration", [])],
        },
    }
    language = (get_language() or "nb")[:2]
    fairness = model_version.fairness or {}
    limit = fairness.get("flag_below", FAIRNESS_FLAG_RATIO)
    attributes = []
    for name, report in (fairness.get("attributes") or {}).items():
        details = report.get("ratio_details") or {}
        ratios = []
        for metric, value in (report.get("ratios") or {}).items():
            detail = details.get(metric) or {}
            status = detail.get("status") or (
                "flagged" if value is not None and value < limit else "too_few_to_say"
            )
            ratios.append(
                FairnessRatio(
                    metric=metric,
                    label=str(FAIRNESS_METRIC_LABELS.get(metric, metric)),
                    value=value,
                    ci=detail.get("ci"),
                    status=status,
                )
            )
        attributes.append(
            FairnessAttribute(
                name=name,
                label=attribute_label(attribute=name, language=language),
                intersection=report.get("intersection", "_x_" in name),
                groups=tuple(
                    {**g, "label": group_label(attribute=name, code=str(g["group"]), language=language)}
                    for g in report.get("groups", [])
                ),
                ratios=tuple(ratios),
                flags=tuple(report.get("flags", [])),
            )
        )
    comparison = (model_version.comparison or {}).get("candidates") or {}
    justification = model_version.justification or {}
    flagged_features = justification.get("flagged", [])

    def label(row: dict[str, Any]) -> str:
        nb = row.get("label_nb") or row["feature"]
        return in_language(language, nb=nb, nn=row.get("label_nn") or "", en=row.get("label_en") or "")

    runs = list(scoring_run_list(model_version=model_version)[:10])
    test_year_drift = (model_version.comparison or {}).get("drift_test_year") or {}
    return RiskModelCard(
        model_version=model_version,
        metric_rows=metric_rows,
        n_evaluated=metrics.get("n"),
        positives=metrics.get("positives"),
        chart=chart,
        importance=tuple(
            {**item, "label": label(item)} for item in (model_version.global_importance or [])[:15]
        ),
        fairness=ModelCardFairness(
            limit=limit,
            share=fairness.get("share"),
            min_group_size=fairness.get("min_group_size"),
            attributes=tuple(attributes),
        ),
        candidates=tuple({"name": k, **v} for k, v in (comparison.get("candidates") or {}).items()),
        selected_by=comparison.get("selected_by", "auc"),
        validation_year=comparison.get("validation_year"),
        why=comparison.get("why", ""),
        justification=tuple(
            {**row, "label": label(row)} for row in justification.get("features", []) if row.get("used")
        ),
        flagged_features=tuple(flagged_features),
        excluded_features=model_version.excluded_features,
        drift=ModelCardDrift(
            warn_above=test_year_drift.get("warn_above", 0.2),
            test_year=test_year_drift,
            test_year_shifted=tuple(test_year_drift.get("shifted_features", [])[:10]),
            runs=tuple(
                DriftRun(
                    academic_year=run.academic_year,
                    score_psi=run.drift.get("score_psi"),
                    expected_recall_at_25=run.drift.get("expected_recall_at_25"),
                    warning=run.drift.get("warning", False),
                    shifted=tuple(run.drift.get("shifted_features", [])[:10]),
                )
                for run in runs
                if run.drift
            ),
        ),
        feature_choices=tuple(
            FeatureChoice(
                name=spec.name,
                label=getattr(spec, f"description_{language}", "") or spec.description_nb,
                excluded=spec.name in (model_version.excluded_features or []),
                flagged=spec.name in flagged_features,
            )
            for spec in FEATURE_CATALOGUE
        ),
        scoring_runs=tuple(ScoringRunRow(run=run, stuck=scoring_run_is_stuck(run=run)) for run in runs),
    )


FAIRNESS_METRIC_LABELS: dict[str, Any] = {
    "selection_rate": _("utvalgsrate"),
    "recall": _("treffrate"),
    "false_alarm_rate": _("falsk alarm"),
}


def import_run_list() -> QuerySet[ImportRun]:
    """Imports, newest first, with who started them."""
    return ImportRun.objects.select_related("started_by").order_by("-started_at", "-id")


def campaign_recall_expected_and_realised(*, campaign: Any) -> dict[str, Any]:
    """For a campaign's year and model: the recall at 25 % the calibrated scores promised
    when the year was scored (before any outcome), beside the realised figure as decisions
    arrive: of the campaign's RANDOM cases decided CAUGHT, the share the model ranked in the
    year's top quarter, with its 95 % Wilson interval."""
    from control.models import ControlCase
    from control.selectors.casework import RateWithInterval

    if campaign.model_version_id is None:
        return {"expected": None, "realised": None}
    run = (
        ScoringRun.objects.filter(
            model_version_id=campaign.model_version_id,
            academic_year=campaign.academic_year,
            status=ScoringRun.Status.SUCCEEDED,
        )
        .exclude(drift={})
        .order_by("-finished_at", "-id")
        .first()
    )
    caught_random = dict(
        ControlCase.objects.filter(
            campaign=campaign,
            selection_reason=ControlCase.SelectionReason.RANDOM,
            status=ControlCase.Status.DECIDED,
            outcome="CAUGHT",
        ).values_list("application_id", "selection_probability")
    )
    in_top = set(
        RiskScore.objects.filter(
            model_version_id=campaign.model_version_id,
            application_id__in=list(caught_random),
            percentile__gt=75,
        ).values_list("application_id", flat=True)
    )
    # Weighted by 1 / selection probability: a stratified draw's groups count as often as
    # they occur in the population, not as often as they were drawn.
    realised = RateWithInterval.weighted(
        hits=[application_id in in_top for application_id in caught_random],
        probabilities=list(caught_random.values()),
    )
    return {
        "expected": (run.drift or {}).get("expected_recall_at_25") if run else None,
        "drift_warning": bool((run.drift or {}).get("warning")) if run else False,
        "realised": realised if realised.denominator else None,
    }
