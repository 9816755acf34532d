"""Insight for managers: per campaign progress, hit rate by selection reason (risk against
random is the model's real-world lift) and rates per audit group, as charts and CSV."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views import View

from control.ml.schema import FAIRNESS_FLAG_RATIO
from control.models import ControlCampaign
from control.selectors.casework import (
    AUDIT_ATTRIBUTE_LABELS,
    control_campaign_appeal_rates,
    control_campaign_list,
    control_campaign_statistics,
)
from control.selectors.risk import campaign_recall_expected_and_realised
from lanekassen_ai.csv_cells import CsvSafeWriter
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.roles import Capability

INSIGHT_READERS = (Capability.VIEW_CONTROL_STATISTICS, Capability.MANAGE_CONTROL)


def _confirmed_campaigns() -> Any:
    return control_campaign_list().filter(
        status__in=[ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED]
    )


class InsightIndexView(CapabilityRequiredMixin, View):
    """Sends the reader to the chosen (else the newest) confirmed campaign, or says there
    is none yet."""

    capabilities = INSIGHT_READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        chosen = request.GET.get("campaign", "")
        campaigns = _confirmed_campaigns()
        latest = campaigns.filter(pk=int(chosen)).first() if chosen.isdigit() else campaigns.first()
        if latest is not None:
            return redirect("control:insight-campaign", pk=latest.pk)
        return render(request, "control/casework/insight.html", {"campaigns": [], "stats": None})


class InsightCampaignView(CapabilityRequiredMixin, View):
    capabilities = INSIGHT_READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(_confirmed_campaigns(), pk=pk)
        stats = control_campaign_statistics(campaign=campaign)
        data = stats.as_dict()
        reason_labels = {"RISK": gettext("Risikomodell"), "RANDOM": gettext("Tilfeldig trukket")}
        chart = {
            "reasons": {
                "labels": [reason_labels[r] for r in ("RISK", "RANDOM")],
                "rates": [round(data["hit_rate_by_reason"][r]["rate"] * 100, 2) for r in ("RISK", "RANDOM")],
                "low": [round(data["hit_rate_by_reason"][r]["ci_low"] * 100, 2) for r in ("RISK", "RANDOM")],
                "high": [
                    round(data["hit_rate_by_reason"][r]["ci_high"] * 100, 2) for r in ("RISK", "RANDOM")
                ],
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
                    data["progress"]["open"],
                    data["progress"]["awaiting_documents"],
                    data["progress"]["documents_received"],
                    data["progress"]["decided"],
                ],
                "title": gettext("Fremdrift (antall saker)"),
            },
        }
        flagged = {(f["attribute"], f["metric"]) for f in stats.flags}
        groups = [
            {
                "attribute": attribute,
                "label": AUDIT_ATTRIBUTE_LABELS[attribute],
                "rows": rows,
                "hit_flag": (attribute, "hit_rate") in flagged,
                "false_alarm_flag": (attribute, "false_alarm_rate") in flagged,
            }
            for attribute, rows in stats.groups.items()
        ]
        reasons = [
            {"code": code, "label": reason_labels[code], **data["hit_rate_by_reason"][code]}
            for code in ("RISK", "RANDOM")
        ]
        appeal_rates = control_campaign_appeal_rates(campaign=campaign)
        appeal_labels = {**reason_labels, "ALL": gettext("Alle")}
        risk_rates, random_rates = appeal_rates["RISK"], appeal_rates["RANDOM"]
        return render(
            request,
            "control/casework/insight.html",
            {
                "appeal_rows": [{"label": appeal_labels[k], "rates": v} for k, v in appeal_rates.items()],
                "model_reversal_warning": risk_rates.decided > 0
                and risk_rates.reversal_rate > random_rates.reversal_rate,
                "campaign": campaign,
                "campaigns": _confirmed_campaigns()[:50],
                "stats": stats,
                "reasons": reasons,
                "groups": groups,
                "chart": chart,
                "flag_ratio": FAIRNESS_FLAG_RATIO,
                "recall": campaign_recall_expected_and_realised(campaign=campaign),
            },
        )


class InsightCampaignCsvView(CapabilityRequiredMixin, View):
    """The campaign's figures as CSV: one row per measure and group."""

    capabilities = INSIGHT_READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(_confirmed_campaigns(), pk=pk)
        data = control_campaign_statistics(campaign=campaign).as_dict()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kampanje-{campaign.pk}-innsikt.csv"'
        writer = CsvSafeWriter(response)
        writer.writerow(
            ["section", "group", "applications", "decided", "caught", "rate", "ci_low", "ci_high", "extra"]
        )
        for key, value in data["progress"].items():
            writer.writerow(["progress", key, "", "", "", "", "", "", value])
        for reason, r in data["hit_rate_by_reason"].items():
            writer.writerow(
                [
                    "hit_rate_by_reason",
                    reason,
                    "",
                    r["decided"],
                    r["caught"],
                    r["rate"],
                    r["ci_low"],
                    r["ci_high"],
                    "",
                ]
            )
        writer.writerow(
            ["lift", "RISK/RANDOM", "", "", "", data["lift"] if data["lift"] is not None else "", "", "", ""]
        )
        for attribute, rows in data["groups"].items():
            for row in rows:
                writer.writerow(
                    [
                        f"group:{attribute}",
                        row["group"],
                        row["applications"],
                        row["decided"],
                        row["caught"],
                        row["hit_rate"],
                        row["hit_rate_ci_low"],
                        row["hit_rate_ci_high"],
                        f"false_alarm_rate={row['false_alarm_rate']}",
                    ]
                )
        return response
