"""Reads for casework: the worklist, one case with its history, campaign previews and
statistics, and the data access report for one student.

Every list here is bounded by the caller's pagination and loads its related rows with
select_related/prefetch_related, so a page costs the same number of queries whatever the
number of cases.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from control.ml.evaluation import weighted_rate
from control.ml.fairness import ratio_interval, ratio_status
from control.ml.power import needed_for_width
from control.ml.schema import AGE_BANDS as SCHEMA_AGE_BANDS
from control.ml.schema import GROUP_MIN_SIZE, group_label
from control.models import (
    Appeal,
    Application,
    CaseDocument,
    ControlCampaign,
    ControlCase,
    ControlCaseReopening,
    ControlDecision,
    Customer,
    DocumentationRequest,
    DoNotControlFlag,
    Letter,
    RiskScore,
)
from control.models.applications import ControlOutcome

# The audit attributes the agency reports selection and hit rates for. None of them is
# ever a model feature; they exist only so unequal treatment can be seen.
AUDIT_ATTRIBUTES: tuple[str, ...] = ("gender", "birth_country_group", "age_band")
AUDIT_ATTRIBUTE_LABELS: dict[str, Any] = {
    "gender": _("Kjønn"),
    "birth_country_group": _("Fødeland (gruppe)"),
    "age_band": _("Aldersgruppe"),
}
# The audit's age bands (code, lowest age, highest age) and the flag ratio are the model
# card's (control/ml/schema.py): one definition for both.
AGE_BANDS: tuple[tuple[str, int, int], ...] = tuple((b.code, b.low, b.high - 1) for b in SCHEMA_AGE_BANDS)
WORKLIST_SORTS = ("risk", "deadline")


def risk_band(*, percentile: float | None) -> str:
    """ "high", "medium" or "low" from the percentile (0-100, 100 = highest risk).

    The bands follow the control budget: the top 10% is high, the rest of the top 25%
    (the share the agency can control) medium."""
    if percentile is None:
        return "unknown"
    if percentile >= 90:
        return "high"
    if percentile >= 75:
        return "medium"
    return "low"


RISK_BAND_LABELS: dict[str, Any] = {
    "high": _("Høy risiko"),
    "medium": _("Middels risiko"),
    "low": _("Lav risiko"),
    "unknown": _("Ikke risikovurdert"),
}


def risk_reasons_for_language(*, reasons: list[dict[str, Any]], language: str | None = None) -> list[str]:
    """The plain-language reasons of a score in the reader's language (bokmål unless the
    reader chose English), falling back to bokmål when a text is missing."""
    language = (language or get_language() or "nb")[:2]
    key = "text_en" if language == "en" else "text_nb"
    texts = []
    for reason in reasons or []:
        text = reason.get(key) or reason.get("text_nb") or ""
        if text:
            texts.append(str(text))
    return texts


def wilson_interval(*, successes: float, trials: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default); (0, 0) without trials.
    Wilson rather than the normal approximation because hit rates near 5% with a few
    hundred cases would otherwise get intervals below zero."""
    if trials <= 0:
        return (0.0, 0.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def _age_band_expression(*, academic_year: int, prefix: str = "") -> Case:
    """An SQL expression giving the age band on 1 August of `academic_year`."""
    field_name = f"{prefix}birth_date"
    whens = []
    for label, low, high in AGE_BANDS:
        # Age >= low  <=>  born on or before 1 Aug (year - low); age <= high  <=>  born after
        # 1 Aug (year - high - 1).
        condition = Q(**{f"{field_name}__lte": date(academic_year - low, 8, 1)}) & Q(
            **{f"{field_name}__gt": date(academic_year - high - 1, 8, 1)}
        )
        whens.append(When(condition, then=Value(label)))
    return Case(*whens, default=Value("?"))


def _group_label(*, attribute: str, value: str) -> str:
    return group_label(attribute=attribute, code=str(value), language=get_language() or "nb")


def _ratio_flagged(rows: list[dict[str, Any]], hits: str, total: str, minimum: int = GROUP_MIN_SIZE) -> str:
    """The audit's rule (ml/fairness.py): lowest / highest group rate with its 95 %
    interval, over groups with at least `minimum` in the denominator; "flagged" only when
    the whole interval lies below 0.8, else "ok" or "too_few_to_say"."""
    usable = [r for r in rows if r[total] >= minimum]
    if len(usable) < 2:
        return "too_few_to_say"
    low = min(usable, key=lambda r: r[hits] / r[total])
    high = max(usable, key=lambda r: r[hits] / r[total])
    _ratio, interval = ratio_interval(
        low_hits=low[hits], low_n=low[total], high_hits=high[hits], high_n=high[total]
    )
    return ratio_status(interval=interval)


def _group_order(value: str) -> tuple[int, str]:
    """Age bands youngest first, other groups alphabetically."""
    labels = [label for label, _low, _high in AGE_BANDS]
    return (labels.index(value), "") if value in labels else (len(labels), str(value))


def _customer_field(attribute: str) -> str:
    return "age_band" if attribute == "age_band" else f"customer__{attribute}"


# ---------------------------------------------------------------- campaigns


def control_campaign_list() -> QuerySet[ControlCampaign]:
    """Campaigns, newest year first, with their model version and case count. Ordered
    explicitly: Meta.ordering does not apply to a GROUP BY query, and pages must be stable."""
    return (
        ControlCampaign.objects.select_related("model_version", "created_by", "confirmed_by")
        .annotate(case_count=Count("cases"))
        .order_by("-academic_year", "-created_at", "-pk")
    )


def do_not_control_flag_list(*, active_only: bool = False) -> QuerySet[DoNotControlFlag]:
    """Do-not-control flags, newest first."""
    qs = DoNotControlFlag.objects.select_related("customer", "created_by").order_by("-created_at")
    return qs.filter(active=True) if active_only else qs


def control_campaign_selection_rates(*, campaign: ControlCampaign) -> dict[str, Any]:
    """How many of the year's applications the campaign picks, overall and per audit group
    (gender, birth country group, age band), counted from the campaign's cases.

    Returns ``{"total": {...}, "groups": {attribute: [{"group", "label", "applications",
    "selected", "rate", "expected_honest_per_cheater"}]}, "flags": [attribute, ...],
    "too_few_to_say": [attribute, ...]}``; an attribute is flagged when the interval of
    lowest / highest group rate lies below 0.8 (the model card's rule). Expected honest
    students asked to document per cheater found comes from the picked cases' scores."""
    year = campaign.academic_year
    applications = Application.objects.filter(academic_year=year).annotate(
        age_band=_age_band_expression(academic_year=year, prefix="customer__")
    )
    selected_ids = ControlCase.objects.filter(campaign=campaign).values("application_id")
    result: dict[str, Any] = {"groups": {}, "flags": [], "too_few_to_say": []}
    totals = applications.aggregate(
        applications=Count("application_id"),
        selected=Count("application_id", filter=Q(application_id__in=selected_ids)),
    )
    totals["rate"] = totals["selected"] / totals["applications"] if totals["applications"] else 0.0
    result["total"] = totals
    for attribute in AUDIT_ATTRIBUTES:
        column = _customer_field(attribute)
        rows = (
            applications.values(column)
            .annotate(
                applications=Count("application_id"),
                selected=Count("application_id", filter=Q(application_id__in=selected_ids)),
            )
            .order_by(column)
        )
        expected = _expected_honest_per_cheater(campaign=campaign, attribute=attribute)
        groups = [
            {
                "group": row[column],
                "label": _group_label(attribute=attribute, value=row[column]),
                "applications": row["applications"],
                "selected": row["selected"],
                "rate": row["selected"] / row["applications"] if row["applications"] else 0.0,
                "expected_honest_per_cheater": expected.get(row[column]),
            }
            for row in rows
        ]
        groups.sort(key=lambda g: _group_order(g["group"]))
        result["groups"][attribute] = groups
        status = _ratio_flagged(groups, "selected", "applications")
        if status == "flagged":
            result["flags"].append(attribute)
        elif status == "too_few_to_say":
            result["too_few_to_say"].append(attribute)
    return result


def _expected_honest_per_cheater(*, campaign: ControlCampaign, attribute: str) -> dict[str, float]:
    """Per group of `attribute`: Σ(1 - score) / Σ score over the campaign's cases with a
    calibrated score, i.e. how many honest students are expected to document themselves
    for each cheater the campaign finds."""
    year = campaign.academic_year
    column = "age_band" if attribute == "age_band" else f"application__customer__{attribute}"
    cases = ControlCase.objects.filter(campaign=campaign, score__isnull=False)
    if attribute == "age_band":
        cases = cases.annotate(
            age_band=_age_band_expression(academic_year=year, prefix="application__customer__")
        )
    rows = cases.values(column).annotate(n=Count("id"), expected=Sum("score")).order_by()
    return {
        row[column]: round((row["n"] - row["expected"]) / row["expected"], 2)
        for row in rows
        if row["expected"]
    }


@dataclass
class RateWithInterval:
    numerator: int
    denominator: int
    rate: float = 0.0
    low: float = 0.0
    high: float = 0.0

    def __post_init__(self) -> None:
        self.rate = self.numerator / self.denominator if self.denominator else 0.0
        self.low, self.high = wilson_interval(successes=self.numerator, trials=self.denominator)

    @classmethod
    def weighted(cls, *, hits: list[bool], probabilities: list[float]) -> "RateWithInterval":
        """Counts as drawn, but the rate weighted by 1 / selection probability (ml/power.py)
        and its Wilson interval on the effective sample size: unbiased for a stratified
        random draw, the plain share for a uniform one."""
        result = cls(sum(hits), len(hits))
        if hits and len(set(probabilities)) > 1:
            rate, effective = weighted_rate(hits=np.array(hits), probabilities=np.array(probabilities))
            result.rate = rate
            result.low, result.high = wilson_interval(successes=rate * effective, trials=effective)
        return result


@dataclass
class CampaignStatistics:
    campaign: ControlCampaign
    progress: dict[str, int]
    hit_rate_by_reason: dict[str, RateWithInterval]
    lift: float | None
    groups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    flags: list[dict[str, str]] = field(default_factory=list)


def control_campaign_statistics(*, campaign: ControlCampaign) -> CampaignStatistics:
    """Progress and results of one campaign.

    - progress: open, waiting for documents (of which overdue), documents received, decided;
    - hit rate (share CAUGHT among decided) per selection reason with 95% Wilson intervals;
      RISK against RANDOM is the real-world lift of the model;
    - per audit group: hit rate among decided cases, and false-alarm rate = cases CLEARED
      per application of the group in the year (how often the group's honest students had
      to document themselves for nothing). Each is flagged when the lowest group rate is
      under 0.8 times the highest.
    """
    today = timezone.localdate()
    cases = ControlCase.objects.filter(campaign=campaign)
    S = ControlCase.Status
    counts = cases.aggregate(
        open=Count("id", filter=Q(status=S.OPEN)),
        awaiting_documents=Count("id", filter=Q(status=S.AWAITING_DOCUMENTS)),
        overdue=Count("id", filter=Q(status=S.AWAITING_DOCUMENTS, documentation_deadline__lt=today)),
        documents_received=Count("id", filter=Q(status=S.DOCUMENTS_RECEIVED)),
        decided=Count("id", filter=Q(status=S.DECIDED)),
        total=Count("id"),
    )
    by_reason_rows = (
        cases.filter(status=S.DECIDED)
        .values("selection_reason")
        .annotate(decided=Count("id"), caught=Count("id", filter=Q(outcome=ControlOutcome.CAUGHT)))
    )
    by_reason = {r: RateWithInterval(0, 0) for r in ControlCase.SelectionReason.values}
    for row in by_reason_rows:
        by_reason[row["selection_reason"]] = RateWithInterval(row["caught"], row["decided"])
    # The random share's rate stands for the whole unpicked population: weighted by
    # 1 / probability, which matters when the draw was stratified by audit group.
    drawn = list(
        cases.filter(status=S.DECIDED, selection_reason=ControlCase.SelectionReason.RANDOM).values_list(
            "outcome", "selection_probability"
        )
    )
    by_reason["RANDOM"] = RateWithInterval.weighted(
        hits=[outcome == ControlOutcome.CAUGHT for outcome, _p in drawn],
        probabilities=[p for _outcome, p in drawn],
    )
    risk, random = by_reason["RISK"], by_reason["RANDOM"]
    lift = risk.rate / random.rate if risk.denominator and random.denominator and random.rate > 0 else None

    year = campaign.academic_year
    age_band = _age_band_expression(academic_year=year, prefix="application__customer__")
    decided = cases.filter(status=S.DECIDED).annotate(age_band=age_band)
    population = Application.objects.filter(academic_year=year).annotate(
        age_band=_age_band_expression(academic_year=year, prefix="customer__")
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    flags: list[dict[str, str]] = []
    for attribute in AUDIT_ATTRIBUTES:
        case_column = "age_band" if attribute == "age_band" else f"application__customer__{attribute}"
        app_column = _customer_field(attribute)
        sizes = {
            row[app_column]: row["n"]
            for row in population.values(app_column).annotate(n=Count("application_id")).order_by()
        }
        outcome_rows = {
            row[case_column]: row
            for row in decided.values(case_column)
            .annotate(
                decided=Count("id"),
                caught=Count("id", filter=Q(outcome=ControlOutcome.CAUGHT)),
                cleared=Count("id", filter=Q(outcome=ControlOutcome.CLEARED)),
            )
            .order_by()
        }
        rows = []
        for value in sorted(sizes, key=_group_order):
            o = outcome_rows.get(value, {"decided": 0, "caught": 0, "cleared": 0})
            hit = RateWithInterval(o["caught"], o["decided"])
            rows.append(
                {
                    "group": value,
                    "label": _group_label(attribute=attribute, value=value),
                    "applications": sizes[value],
                    "decided": o["decided"],
                    "caught": o["caught"],
                    "cleared": o["cleared"],
                    "hit_rate": hit.rate,
                    "hit_rate_ci_low": hit.low,
                    "hit_rate_ci_high": hit.high,
                    "false_alarm_rate": o["cleared"] / sizes[value] if sizes[value] else 0.0,
                    "honest_per_cheater": round(o["cleared"] / o["caught"], 2) if o["caught"] else None,
                }
            )
        groups[attribute] = rows
        for metric, hits, total, minimum in (
            ("hit_rate", "caught", "decided", 1),
            ("false_alarm_rate", "cleared", "applications", GROUP_MIN_SIZE),
        ):
            if _ratio_flagged(rows, hits, total, minimum=minimum) == "flagged":
                flags.append({"attribute": attribute, "metric": metric})
    return CampaignStatistics(
        campaign=campaign,
        progress=counts,
        hit_rate_by_reason=by_reason,
        lift=lift,
        groups=groups,
        flags=flags,
    )


# ---------------------------------------------------------------- worklist and case


def control_case_list(
    *,
    user: User | AnonymousUser | None = None,
    campaign_id: int | None = None,
    status: str = "",
    assigned_to_me: bool = False,
    overdue: bool = False,
    sort: str = "risk",
) -> QuerySet[ControlCase]:
    """Cases of confirmed campaigns for the worklist, filtered and sorted ("risk": highest
    score (= priority) first; "deadline": earliest documentation deadline first, cases without one last).
    """
    qs = ControlCase.objects.select_related(
        "campaign", "application", "application__customer", "assigned_to"
    ).filter(campaign__status__in=[ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED])
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    if status:
        qs = qs.filter(status=status)
    if assigned_to_me and user is not None and user.is_authenticated:
        qs = qs.filter(assigned_to=user)
    if overdue:
        qs = qs.filter(
            status=ControlCase.Status.AWAITING_DOCUMENTS, documentation_deadline__lt=timezone.localdate()
        )
    if sort == "deadline":
        return qs.order_by(F("documentation_deadline").asc(nulls_last=True), "-priority", "id")
    # Priority is the selection score (see services.campaigns) and is indexed, so the
    # first page of a large campaign is read from the index instead of sorting every case.
    return qs.order_by("-priority", "id")


def control_case_is_overdue(*, case: ControlCase) -> bool:
    """Waiting for documents after the deadline."""
    return (
        case.status == ControlCase.Status.AWAITING_DOCUMENTS
        and case.documentation_deadline is not None
        and case.documentation_deadline < timezone.localdate()
    )


def control_case_letter_get(*, case_id: int, letter_id: int) -> Letter:
    """A letter of the case, for staff to download; Letter.DoesNotExist for another case's."""
    return Letter.objects.select_related("case").get(pk=letter_id, case_id=case_id)


def control_case_get(*, case_id: int) -> ControlCase:
    """One case with everything the case page shows, in a fixed number of queries."""
    return (
        ControlCase.objects.select_related(
            "campaign",
            "campaign__model_version",
            "application",
            "application__customer",
            "assigned_to",
            "current_decision",
            "current_decision__decided_by",
        )
        .prefetch_related(*_CASE_HISTORY_PREFETCHES)
        .get(pk=case_id)
    )


_CASE_HISTORY_PREFETCHES = (
    Prefetch("documentation_requests", queryset=DocumentationRequest.objects.select_related("requested_by")),
    Prefetch("documents", queryset=CaseDocument.objects.select_related("uploaded_by")),
    Prefetch(
        "decisions",
        queryset=ControlDecision.objects.select_related("decided_by").prefetch_related("reviewed_documents"),
    ),
    Prefetch(
        "reopenings",
        queryset=ControlCaseReopening.objects.select_related("reopened_by", "withdrawn_decision"),
    ),
    Prefetch("letters", queryset=Letter.objects.defer("content")),
    Prefetch(
        "appeals",
        queryset=Appeal.objects.select_related(
            "decision", "decision__decided_by", "registered_by", "decided_by", "new_decision"
        ).prefetch_related("documents"),
    ),
)


def control_case_shows_risk(*, case: ControlCase) -> bool:
    """Whether the case's risk score, rank and reasons may be shown. A randomly drawn case
    is not suspected of anything, so until it is decided nothing primes the caseworker
    with a score it was not picked for."""
    return case.selection_reason != ControlCase.SelectionReason.RANDOM or case.locked


@dataclass(frozen=True)
class TimelineEntry:
    """One step in a case's history, in the order it happened."""

    when: Any
    kind: (
        str  # "request", "document", "decision", "reopening", "notice", "letter", "appeal", "appeal_decision"
    )
    actor: str
    obj: Any


def control_case_timeline(*, case: ControlCase) -> list[TimelineEntry]:
    """The whole history of a case: documentation requests, documents received, every
    decision version, every reopening, every notice and letter sent, every appeal and its
    result, oldest first. Reads the prefetched relations of
    control_case_get / customer_access_report, so it costs no query."""

    def who(user: Any) -> str:
        return user.get_username() if user is not None else ""

    entries = [
        *(
            TimelineEntry(r.requested_at, "request", who(r.requested_by), r)
            for r in case.documentation_requests.all()
        ),
        *(TimelineEntry(d.uploaded_at, "document", who(d.uploaded_by), d) for d in case.documents.all()),
        *(TimelineEntry(d.decided_at, "decision", who(d.decided_by), d) for d in case.decisions.all()),
        *(TimelineEntry(r.reopened_at, "reopening", who(r.reopened_by), r) for r in case.reopenings.all()),
        *(TimelineEntry(n.created_at, "notice", "", n) for n in case.notices.all()),
        *(TimelineEntry(x.created_at, "letter", "", x) for x in case.letters.all()),
        *(TimelineEntry(a.received_at, "appeal", who(a.registered_by), a) for a in case.appeals.all()),
        *(
            TimelineEntry(a.decided_at, "appeal_decision", who(a.decided_by), a)
            for a in case.appeals.all()
            if a.decided_at is not None
        ),
    ]
    order = {
        "request": 0,
        "document": 1,
        "appeal": 2,
        "appeal_decision": 3,
        "decision": 4,
        "reopening": 5,
        "letter": 6,
        "notice": 7,
    }
    return sorted(entries, key=lambda e: (e.when, order[e.kind], e.obj.pk))


@dataclass(frozen=True)
class ControlCaseDetail:
    """Everything the case page and the case API show about one case. The risk fields
    follow the random-case rule (control_case_shows_risk): while `risk_hidden`, there is
    no score, band, reasons or model version."""

    case: ControlCase
    application: Application
    customer: Customer
    current_decision: ControlDecision | None
    decisions: tuple[ControlDecision, ...]
    documentation_requests: tuple[DocumentationRequest, ...]
    documents: tuple[CaseDocument, ...]
    letters: tuple[Letter, ...]
    appeals: tuple[Appeal, ...]
    timeline: tuple[TimelineEntry, ...]
    # The customer's applications across years; lazy, read only where it is shown.
    history: QuerySet[Application]
    risk_hidden: bool
    score: RiskScore | None
    band: str  # "high", "medium", "low" or "unknown" (also while hidden)
    risk_reasons: tuple[dict[str, Any], ...]
    risk_reason_texts: tuple[str, ...]
    overdue: bool

    @property
    def risk_band(self) -> str | None:
        """The band, or None while the risk is hidden."""
        return None if self.risk_hidden else self.band

    @property
    def model_version(self) -> str | None:
        return self.score.model_version.version if self.score else None


def control_case_detail(*, case_id: int) -> ControlCaseDetail:
    """One case of any campaign with its history and, unless hidden, its risk score:
    the case page and the case API read the same figures. Raises ControlCase.DoesNotExist."""
    case = control_case_get(case_id=case_id)
    risk_hidden = not control_case_shows_risk(case=case)
    score = None if risk_hidden else control_case_risk_score(case=case)
    reasons = list(score.reasons) if score and score.reasons else []
    application = case.application
    return ControlCaseDetail(
        case=case,
        application=application,
        customer=application.customer,
        current_decision=case.current_decision,
        decisions=tuple(case.decisions.all()),
        documentation_requests=tuple(case.documentation_requests.all()),
        documents=tuple(case.documents.all()),
        letters=tuple(case.letters.all()),
        appeals=tuple(case.appeals.all()),
        timeline=tuple(control_case_timeline(case=case)),
        history=customer_application_history(customer=application.customer),
        risk_hidden=risk_hidden,
        score=score,
        band=risk_band(percentile=score.percentile if score else None),
        risk_reasons=tuple(reasons),
        risk_reason_texts=tuple(risk_reasons_for_language(reasons=reasons)),
        overdue=control_case_is_overdue(case=case),
    )


def customer_application_history(*, customer: Customer) -> QuerySet[Application]:
    """The customer's applications across years, newest first, with any control case."""
    return (
        Application.objects.filter(customer=customer)
        .select_related("control_case")
        .order_by("-academic_year")
    )


def control_case_risk_score(*, case: ControlCase) -> RiskScore | None:
    """The score the case was selected with: from the campaign's model version, else the
    newest score of the application."""
    scores = RiskScore.objects.filter(application_id=case.application_id).select_related("model_version")
    if case.campaign.model_version_id:
        chosen = scores.filter(model_version_id=case.campaign.model_version_id).first()
        if chosen is not None:
            return chosen
    return scores.order_by("-scored_at").first()


def control_case_next_candidates() -> QuerySet[ControlCase]:
    """Unassigned open cases of confirmed campaigns in the order "take next" serves them."""
    return ControlCase.objects.filter(
        campaign__status=ControlCampaign.Status.CONFIRMED,
        assigned_to__isnull=True,
        status=ControlCase.Status.OPEN,
        locked=False,
    ).order_by("-priority", "id")


# ---------------------------------------------------------------- data access report


@dataclass(frozen=True)
class AccessReportCase:
    """One control case of the student with its whole history, oldest first."""

    case: ControlCase
    timeline: tuple[TimelineEntry, ...]


@dataclass
class AccessReport:
    customer: Customer
    applications: list[Application]
    scores: list[RiskScore]
    cases: list[AccessReportCase]
    flags: list[DoNotControlFlag]


def customer_access_report(*, customer_id: str) -> AccessReport:
    """Everything stored about one student: identity and audit attributes, every
    application, every risk score with its reasons and model version, every control case
    with its whole timeline (letters, documents, every decision version, reopenings), and
    any do-not-control flag."""
    customer = Customer.objects.get(pk=customer_id)
    applications = list(Application.objects.filter(customer=customer).order_by("academic_year"))
    scores = list(
        RiskScore.objects.filter(application__customer=customer)
        .select_related("model_version")
        .order_by("academic_year", "scored_at")
    )
    cases = [
        AccessReportCase(case=case, timeline=tuple(control_case_timeline(case=case)))
        for case in ControlCase.objects.filter(application__customer=customer)
        .select_related("campaign", "application", "assigned_to", "current_decision")
        .prefetch_related(*_CASE_HISTORY_PREFETCHES)
        .order_by("application__academic_year")
    ]
    flags = list(DoNotControlFlag.objects.filter(customer=customer).select_related("created_by"))
    return AccessReport(customer=customer, applications=applications, scores=scores, cases=cases, flags=flags)


def application_count_for_year(*, academic_year: int) -> int:
    """How many applications an academic year has."""
    return Application.objects.filter(academic_year=academic_year).count()


def control_campaign_form_defaults() -> dict[str, Any]:
    """Starting values for a new campaign: the newest year with applications, 10% random."""
    latest = Application.objects.order_by("-academic_year").values_list("academic_year", flat=True).first()
    return {"academic_year": latest, "random_share": 0.10, "documentation_days": 21}


@dataclass(frozen=True)
class AppealRates:
    """Appeals against "avdekket" decisions of one selection reason (or all) in a campaign."""

    reason: str  # RISK, RANDOM or ALL
    caught_cases: int  # cases that had an "avdekket" decision
    appeals: int
    decided: int
    reversed: int

    @property
    def appeal_rate(self) -> float:
        return self.appeals / self.caught_cases if self.caught_cases else 0.0

    @property
    def reversal_rate(self) -> float:
        return self.reversed / self.decided if self.decided else 0.0


def control_campaign_appeal_rates(*, campaign: ControlCampaign) -> dict[str, AppealRates]:
    """Appeal rate (appeals per case decided "avdekket") and reversal rate (reversed per
    decided appeal) per selection reason and in all, in two queries. The model's picks being
    reversed more often than the random ones is a warning about the model."""
    caught = dict(
        ControlCase.objects.filter(campaign=campaign, decisions__outcome=ControlOutcome.CAUGHT)
        .values("selection_reason")
        .annotate(n=Count("id", distinct=True))
        .values_list("selection_reason", "n")
    )
    rows = {
        row["case__selection_reason"]: row
        for row in Appeal.objects.filter(case__campaign=campaign)
        .values("case__selection_reason")
        .annotate(
            appeals=Count("id"),
            decided=Count("id", filter=~Q(status=Appeal.Status.RECEIVED)),
            reversed=Count("id", filter=Q(status=Appeal.Status.REVERSED)),
        )
        .order_by()
    }
    rates = {}
    for reason in ControlCase.SelectionReason.values:
        row = rows.get(reason, {})
        rates[reason] = AppealRates(
            reason=reason,
            caught_cases=caught.get(reason, 0),
            appeals=row.get("appeals", 0),
            decided=row.get("decided", 0),
            reversed=row.get("reversed", 0),
        )
    rates["ALL"] = AppealRates(
        reason="ALL",
        caught_cases=sum(r.caught_cases for r in rates.values()),
        appeals=sum(r.appeals for r in rates.values()),
        decided=sum(r.decided for r in rates.values()),
        reversed=sum(r.reversed for r in rates.values()),
    )
    return rates


def control_campaign_power(
    *, campaign: ControlCampaign, lift_width: float | None = None, hit_rate_width: float | None = None
) -> dict[str, Any] | None:
    """What the proposal's random share can tell (ml/power.py): the expected lift and
    random hit rate with the width of their 95 % intervals, per audit group the expected
    random cases, hit rate and its interval width, in plain group names; and, when a
    width is asked for, the random cases and share of the budget it needs (None: not
    reachable within the budget). None before the selection has run."""
    summary = (campaign.preview or {}).get("power")
    if not summary:
        return None
    needed = needed_for_width(summary=summary, lift_width=lift_width, hit_rate_width=hit_rate_width)
    groups: dict[str, list[dict[str, Any]]] = {}
    for attribute, rows in summary["groups"].items():
        needed_rows = {row["group"]: row for row in needed["groups"].get(attribute, [])}
        groups[attribute] = sorted(
            (
                {
                    **row,
                    "label": _group_label(attribute=attribute, value=row["group"]),
                    "needed": needed_rows.get(row["group"]),
                }
                for row in rows
            ),
            key=lambda row: _group_order(row["group"]),
        )
    return {
        **summary,
        "groups": groups,
        "lift_width_asked": lift_width,
        "hit_rate_width_asked": hit_rate_width,
        "needed_lift": needed["lift"],
    }
