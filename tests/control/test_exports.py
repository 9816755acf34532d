"""control/services/exports.py: the scores export."""

import csv
import io

import pytest

from control.models import ScoringRun
from control.services.exports import risk_scores_export
from tests.control.factories import RiskModelVersionFactory, RiskScoreFactory

pytestmark = pytest.mark.django_db


def test_an_application_id_a_spreadsheet_would_run_is_neutralised_in_the_export() -> None:
    version = RiskModelVersionFactory()
    RiskScoreFactory(model_version=version, application__application_id="-2+3+cmd|' /C calc'!A0", rank=1)
    RiskScoreFactory(model_version=version, application__application_id="=HYPERLINK(1)", rank=2)
    RiskScoreFactory(model_version=version, application__application_id="A-100", rank=3)
    ScoringRun.objects.create(model_version=version, academic_year=2018, status=ScoringRun.Status.SUCCEEDED)
    out = io.StringIO()
    assert risk_scores_export(year=2018, out=out, model_version=version) == 3
    ids = [row[0] for row in csv.reader(io.StringIO(out.getvalue()))][1:]
    assert ids == ["'-2+3+cmd|' /C calc'!A0", "'=HYPERLINK(1)", "A-100"]
