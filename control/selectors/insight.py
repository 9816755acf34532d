"""Reads for the campaign insight: the insight page and the campaign statistics API read
one selector, so the figures cannot differ between them."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from control.ml.schema import FAIRNESS_FLAG_RATIO
from control.models import ControlCampaign
from control.selectors.casework import (
    AUDIT_ATTRIBUTE_LABELS,
    AppealRates,
    CampaignStatistics,
    RateWithInterval,
    control_campaign_appeal_rates,
    control_campaign_statistics,
)
from control.selectors.risk import campaign_recall_expected_and_realised

SELECTION_REASONS = ("RISK", "RANDOM")


@dataclass(frozen=True)
class ReasonHitRate:
    """Share caught among decided cases of one selection reason, with its 95 % interval."""

    code: str  # RISK or RANDOM
    label: str
    decided: int
    caught: int
    rate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class InsightGroup:
    """The rows of one audit attribute, with whether its hit or false-alarm rate is flagged."""

    attribute: str
    label: str
    rows: tuple[dict[str, Any], ...]
    hit_flag: bool
    false_alarm_flag: bool


@dataclass(frozen=True)
class AppealRow:
    label: str
    rates: AppealRates


@dataclass(frozen=True)
class RecallCheck:
    """The recall at 25 % the scores promised beside the one realised so far
    (campaign_recall_expected_and_realised)."""

    expected: float | None
    drift_warning: bool
    realised: RateWithInterval | None


@dataclass(frozen=True)
class CampaignInsight:
    """Everything the insight page and the campaign statistics API show about one
    campaign. Aggregates only: no student is named."""

    campaign: ControlCampaign
    statistics: CampaignStatistics
    reasons: tuple[ReasonHitRate, ...]
    groups: tuple[InsightGroup, ...]
    chart: dict[str, Any]  # the chart series, for json_script
    appeal_rows: tuple[AppealRow, ...]  # RISK, RANDOM, then ALL
    model_reversal_warning: bool  # the model's picks reversed on appeal more than random ones
    recall: RecallCheck
    flag_ratio: float


def control_campaign_insight(*, campaign: ControlCampaign) -> CampaignInsight:
    """One campaign's progress, hit rate by selection reason (risk against random is the
    model's real-world lift), rates per audit group, appeals and the expected against the
    realised recall, with the chart series and labels in the active language."""
    stats = control_campaign_statistics(campaign=campaign)
    reason_labels = {"RISK": gettext("Risikomodell"), "RANDOM": gettext("Tilfeldig trukket")}
    reasons = tuple(
        ReasonHitRate(
            code=code,
            label=reason_labels[code],
            decided=stats.hit_rate_by_reason[code].denominator,
            caught=stats.hit_rate_by_reason[code].numerator,
            rate=stats.hit_rate_by_reason[code].rate,
            ci_low=stats.hit_rate_by_reason[code].low,
            ci_high=stats.hit_rate_by_reason[code].high,
        )
        for code in SELECTION_REASONS
    )
    progress = stats.progress
    chart = {
        "reasons": {
            "labels": [r.label for r in reasons],
            "rates": [round(r.rate * 100, 2) for r in reasons],
            "low": [round(r.ci_low * 100, 2) for r in reasons],
            "high": [round(r.ci_high * 100, 2) for r in reasons],
            "title": gettext("Treffrate etter utvalgsgrunn (%)"),
        },
        "progress": {
            "labels": [
                gettext("Åpne"),
                gettext("Venter på dokumentasjon"),
                gettext("Dokumentasjon mottatt"),
                gettext("Avgjort"),
            ],
            "values": [
                progress["open"],
                progress["awaiting_documents"],
                progress["documents_received"],
                progress["decided"],
            ],
            "title": gettext("Fremdrift (antall saker)"),
        },
    }
    flagged = {(f["attribute"], f["metric"]) for f in stats.flags}
    groups = tuple(
        InsightGroup(
            attribute=attribute,
            label=str(AUDIT_ATTRIBUTE_LABELS[attribute]),
            rows=tuple(rows),
            hit_flag=(attribute, "hit_rate") in flagged,
            false_alarm_flag=(attribute, "false_alarm_rate") in flagged,
        )
        for attribute, rows in stats.groups.items()
    )
    appeal_rates = control_campaign_appeal_rates(campaign=campaign)
    appeal_labels = {**reason_labels, "ALL": gettext("Alle")}
    risk_rates, random_rates = appeal_rates["RISK"], appeal_rates["RANDOM"]
    recall = campaign_recall_expected_and_realised(campaign=campaign)
    return CampaignInsight(
        campaign=campaign,
        statistics=stats,
        reasons=reasons,
        groups=groups,
        chart=chart,
        appeal_rows=tuple(AppealRow(label=appeal_labels[k], rates=v) for k, v in appeal_rates.items()),
        model_reversal_warning=risk_rates.decided > 0
        and risk_rates.reversal_rate > random_rates.reversal_rate,
        recall=RecallCheck(
            expected=recall["expected"],
            drift_warning=recall.get("drift_warning", False),
            realised=recall["realised"],
        ),
        flag_ratio=FAIRNESS_FLAG_RATIO,
    )
