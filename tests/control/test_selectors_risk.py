"""control/selectors/risk.py: what the campaign insight reads about the model, and the
model card behind the card page and the model version API."""

from typing import Any

import pytest
from django.urls import reverse

from control.models import ControlCase, ScoringRun
from control.selectors.risk import RiskModelCard, campaign_recall_expected_and_realised, risk_model_card
from tests.control.factories import (
    ControlCampaignFactory,
    ControlCaseFactory,
    RiskModelVersionFactory,
    scored_applications,
)
from tests.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_the_insight_sets_the_expected_recall_beside_the_realised_one():
    scores = scored_applications(n=8)  # percentiles 100, 87.5, ..., 12.5
    version = scores[0].model_version
    campaign = ControlCampaignFactory(model_version=version, academic_year=2018)
    ScoringRun.objects.create(
        model_version=version,
        academic_year=2018,
        status=ScoringRun.Status.SUCCEEDED,
        drift={"expected_recall_at_25": 0.71, "warning": True},
    )
    # Random picks decided CAUGHT: two in the top quarter (percentile > 75), one below.
    for score in (scores[0], scores[1], scores[5]):
        ControlCaseFactory(
            campaign=campaign,
            application=score.application,
            selection_reason=ControlCase.SelectionReason.RANDOM,
            status=ControlCase.Status.DECIDED,
            outcome="CAUGHT",
        )
    recall = campaign_recall_expected_and_realised(campaign=campaign)
    assert recall["expected"] == 0.71 and recall["drift_warning"]
    assert recall["realised"].numerator == 2 and recall["realised"].denominator == 3
    assert recall["realised"].low < 2 / 3 < recall["realised"].high


def test_without_decisions_or_a_drift_measurement_there_is_nothing_to_show():
    version = scored_applications(n=2)[0].model_version
    campaign = ControlCampaignFactory(model_version=version)
    assert campaign_recall_expected_and_realised(campaign=campaign) == {
        "expected": None,
        "drift_warning": False,
        "realised": None,
    }


def test_the_model_card_gives_typed_metrics_drift_and_runs_marked_stuck() -> None:
    version = RiskModelVersionFactory()
    ScoringRun.objects.create(
        model_version=version,
        academic_year=2019,
        status=ScoringRun.Status.RUNNING,
        heartbeat_at=None,
        drift={"score_psi": 0.31, "warning": True, "shifted_features": ["age"]},
    )
    ScoringRun.objects.create(model_version=version, academic_year=2018, status=ScoringRun.Status.SUCCEEDED)

    card = risk_model_card(model_version=version)

    assert isinstance(card, RiskModelCard) and card.model_version == version
    recall = next(row for row in card.metric_rows if row.key == "recall_at_25")
    assert (recall.value, recall.ci) == (0.7, [0.6, 0.8])
    assert [(run.academic_year, run.warning, run.shifted) for run in card.drift.runs] == [
        (2019, True, ("age",))
    ]
    assert card.drift.warning
    assert sorted((row.run.academic_year, row.stuck) for row in card.scoring_runs) == [
        (2018, False),
        (2019, True),
    ]


def test_the_model_version_api_reads_the_card_and_matches_its_schema(client_for: Any) -> None:
    version = RiskModelVersionFactory()
    client = client_for("analytiker")

    body = client.get(reverse("risk-model-detail", args=[version.version])).json()

    assert (body["version"], body["metrics"]) == (version.version, version.metrics)
    assert_matches_schema(client, path="/api/v1/control/risk-models/{version}/", body=body)
