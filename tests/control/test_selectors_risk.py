"""control/selectors/risk.py: what the campaign insight reads about the model."""

import pytest

from control.models import ControlCase, ScoringRun
from control.selectors.risk import campaign_recall_expected_and_realised
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory, scored_applications

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
