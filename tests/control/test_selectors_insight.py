"""control/selectors/insight.py: control_campaign_insight, the one read behind the
campaign insight page and the campaign statistics API."""

from typing import Any

import pytest
from django.urls import reverse

from control.selectors.insight import CampaignInsight, control_campaign_insight
from tests.control.casework_helpers import decide_with_due_process
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory
from tests.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def _campaign_with_decisions(*, caseworker: Any) -> Any:
    campaign = ControlCampaignFactory()
    for outcome in ("CAUGHT", "CLEARED", "CLEARED"):
        decide_with_due_process(
            case=ControlCaseFactory(campaign=campaign, selection_reason="RISK"),
            outcome=outcome,
            caseworker=caseworker,
        )
    decide_with_due_process(
        case=ControlCaseFactory(campaign=campaign, selection_reason="RANDOM", selection_probability=0.1),
        outcome="CLEARED",
        caseworker=caseworker,
    )
    return campaign


def test_the_insight_gives_rates_per_reason_groups_chart_and_appeals(caseworker: Any) -> None:
    campaign = _campaign_with_decisions(caseworker=caseworker)

    insight = control_campaign_insight(campaign=campaign)

    assert isinstance(insight, CampaignInsight)
    risk, random = insight.reasons
    assert (risk.code, risk.decided, risk.caught, risk.rate) == ("RISK", 3, 1, pytest.approx(1 / 3))
    assert (random.code, random.decided, random.caught, random.rate) == ("RANDOM", 1, 0, 0.0)
    assert risk.ci_low < risk.rate < risk.ci_high
    assert insight.chart["reasons"]["rates"] == [round(100 / 3, 2), 0.0]
    assert insight.chart["progress"]["values"][-1] == 4
    assert {g.attribute for g in insight.groups} == {"gender", "birth_country_group", "age_band"}
    assert [row.rates.reason for row in insight.appeal_rows] == ["RISK", "RANDOM", "ALL"]
    assert insight.model_reversal_warning is False
    assert insight.recall.realised is None


def test_the_statistics_api_reads_the_insight_and_matches_its_schema(
    client_for: Any, caseworker: Any
) -> None:
    campaign = _campaign_with_decisions(caseworker=caseworker)
    insight = control_campaign_insight(campaign=campaign)
    client = client_for("leder")

    body = client.get(reverse("control-campaign-statistics", args=[campaign.pk])).json()

    assert (body["campaign"], body["academic_year"]) == (campaign.pk, campaign.academic_year)
    for reason in insight.reasons:
        assert body["hit_rate_by_reason"][reason.code] == {
            "caught": reason.caught,
            "decided": reason.decided,
            "rate": reason.rate,
            "ci_low": reason.ci_low,
            "ci_high": reason.ci_high,
        }
    assert body["progress"] == insight.statistics.progress
    assert body["groups"].keys() == {g.attribute for g in insight.groups}
    assert_matches_schema(client, path="/api/v1/control/campaigns/{id}/statistics/", body=body)
