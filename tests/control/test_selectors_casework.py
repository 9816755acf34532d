"""control/selectors/casework.py: control_case_detail, the one read behind the case page
and the case API."""

from typing import Any

import pytest

from control.models import ControlCase
from control.selectors.casework import (
    AccessReportCase,
    ControlCaseDetail,
    control_case_detail,
    control_case_timeline,
    customer_access_report,
)
from tests.control.casework_helpers import case_ready_to_catch, decide_with_due_process
from tests.control.factories import ControlCaseFactory, RiskScoreFactory

pytestmark = pytest.mark.django_db

REASON_NB = "Kort avstand mellom foreldrenes hjem og studiestedet"


def _scored_case(*, selection_reason: str) -> ControlCase:
    case = ControlCaseFactory(selection_reason=selection_reason)
    RiskScoreFactory(application=case.application, model_version=case.campaign.model_version, percentile=95.0)
    return case


def test_a_model_selected_case_shows_its_score_band_reasons_and_history(caseworker: Any) -> None:
    case = _scored_case(selection_reason=ControlCase.SelectionReason.RISK)
    _case, document = case_ready_to_catch(caseworker=caseworker, case=case)

    detail = control_case_detail(case_id=case.pk)

    assert isinstance(detail, ControlCaseDetail)
    assert detail.case.pk == case.pk
    assert detail.application.pk == case.application_id
    assert detail.customer.pk == case.application.customer_id
    assert detail.risk_hidden is False
    assert detail.score is not None and detail.score.percentile == 95.0
    assert (detail.band, detail.risk_band) == ("high", "high")
    assert detail.model_version == case.campaign.model_version.version
    assert [r["feature"] for r in detail.risk_reasons] == ["distance_study_km"]
    assert detail.risk_reason_texts == (REASON_NB,)
    assert [d.pk for d in detail.documents] == [document.pk]
    assert len(detail.documentation_requests) == 1
    assert [letter.kind for letter in detail.letters] == [case.letters.get().kind]
    assert detail.current_decision is None and detail.decisions == () and detail.appeals == ()
    assert {"request", "letter", "document"} <= {e.kind for e in detail.timeline}
    assert [a.pk for a in detail.history] == [case.application_id]
    assert detail.overdue is False


def test_an_undecided_random_case_hides_every_risk_figure() -> None:
    case = _scored_case(selection_reason=ControlCase.SelectionReason.RANDOM)

    detail = control_case_detail(case_id=case.pk)

    assert detail.risk_hidden is True
    assert detail.score is None
    assert (detail.band, detail.risk_band) == ("unknown", None)
    assert detail.model_version is None
    assert detail.risk_reasons == () and detail.risk_reason_texts == ()


def test_a_decided_random_case_shows_its_score_and_decision(caseworker: Any) -> None:
    case = _scored_case(selection_reason=ControlCase.SelectionReason.RANDOM)
    decide_with_due_process(case=case, outcome="CLEARED", caseworker=caseworker)

    detail = control_case_detail(case_id=case.pk)

    assert detail.risk_hidden is False
    assert detail.risk_band == "high"
    assert detail.risk_reason_texts == (REASON_NB,)
    assert detail.current_decision is not None and detail.current_decision.outcome == "CLEARED"
    assert [d.version for d in detail.decisions] == [1]
    assert "decision" in [e.kind for e in detail.timeline]


def test_a_missing_case_raises_does_not_exist() -> None:
    with pytest.raises(ControlCase.DoesNotExist):
        control_case_detail(case_id=999_999)


def test_the_access_report_gives_each_case_its_own_timeline(caseworker: Any) -> None:
    case = _scored_case(selection_reason=ControlCase.SelectionReason.RISK)
    decide_with_due_process(case=case, outcome="CLEARED", caseworker=caseworker)
    ControlCaseFactory()  # another student's case stays out of the report

    report = customer_access_report(customer_id=case.application.customer_id)

    [item] = report.cases
    assert isinstance(item, AccessReportCase) and item.case.pk == case.pk
    assert item.timeline == tuple(control_case_timeline(case=item.case))
    assert "decision" in [e.kind for e in item.timeline]
