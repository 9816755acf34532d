"""Insight for managers: per campaign progress, hit rate by selection reason (risk against
random is the model's real-world lift) and rates per audit group, as charts and CSV."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from control.models import ControlCampaign
from control.selectors.casework import control_campaign_list, control_campaign_statistics
from control.selectors.insight import control_campaign_insight
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
        return render(request, "control/casework/insight.html", {"campaigns": [], "insight": None})


class InsightCampaignView(CapabilityRequiredMixin, View):
    capabilities = INSIGHT_READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(_confirmed_campaigns(), pk=pk)
        insight = control_campaign_insight(campaign=campaign)
        return render(
            request,
            "control/casework/insight.html",
            {"insight": insight, "campaign": campaign, "campaigns": _confirmed_campaigns()[:50]},
        )


class InsightCampaignCsvView(CapabilityRequiredMixin, View):
    """The campaign's figures as CSV: one row per measure and group."""

    capabilities = INSIGHT_READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(_confirmed_campaigns(), pk=pk)
        stats = control_campaign_statistics(campaign=campaign)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kampanje-{campaign.pk}-innsikt.csv"'
        writer = CsvSafeWriter(response)
        writer.writerow(
            ["section", "group", "applications", "decided", "caught", "rate", "ci_low", "ci_high", "extra"]
        )
        for key, value in stats.progress.items():
            writer.writerow(["progress", key, "", "", "", "", "", "", value])
        for reason, r in stats.hit_rate_by_reason.items():
            writer.writerow(
                ["hit_rate_by_reason", reason, "", r.denominator, r.numerator, r.rate, r.low, r.high, ""]
            )
        lift = stats.lift if stats.lift is not None else ""
        writer.writerow(["lift", "RISK/RANDOM", "", "", "", lift, "", "", ""])
        for attribute, rows in stats.groups.items():
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
