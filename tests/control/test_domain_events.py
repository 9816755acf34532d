"""The domain events the control services emit (control/domain_events.py), each in the same
transaction as its change."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from control.ml.training import TrainingResult
from control.services.campaigns import control_campaign_confirm, control_campaign_select
from control.services.casework import control_case_decide, control_case_request_documentation
from control.services.registry import risk_model_activate
from control.services.scoring import scoring_year_run
from lanekassen_ai.models import DomainEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import case_ready_to_catch
from tests.control.factories import ControlCaseFactory, scored_applications
from tests.control.risk_fixtures import CURRENT_YEAR, model_version_store
from tests.control.test_campaigns import _campaign

pytestmark = pytest.mark.django_db


def _only(event_type: str) -> dict[str, Any]:
    (event,) = DomainEvent.objects.filter(type=event_type)
    assert event.version == 1
    return event.payload


def test_deciding_a_case_emits_case_decided_with_ids_and_outcome_only(caseworker: Any) -> None:
    case, document = case_ready_to_catch(caseworker=caseworker)  # due process before "avdekket"
    control_case_decide(
        case=case,
        outcome="CAUGHT",
        justification="Bor hjemme hos foreldrene.",
        decided_by=caseworker,
        reviewed_document_ids=[document.pk],
        context=AuditContext(actor=caseworker),
    )
    payload = _only("control.case.decided")
    assert payload["case_id"] == case.pk and payload["application_id"] == case.application_id
    assert (payload["outcome"], payload["academic_year"]) == ("CAUGHT", case.application.academic_year)
    assert set(payload) == {
        "case_id",
        "campaign_id",
        "application_id",
        "academic_year",
        "outcome",
        "decided_at",
    }


def test_a_refused_decision_emits_nothing(caseworker: Any) -> None:
    with pytest.raises(Exception, match="begrunnelse"):
        control_case_decide(
            case=ControlCaseFactory(),
            outcome="CAUGHT",
            justification="",
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert not DomainEvent.objects.exists()


def test_requesting_documentation_emits_documentation_requested(caseworker: Any) -> None:
    case = ControlCaseFactory()
    deadline = timezone.localdate() + timedelta(days=14)
    request = control_case_request_documentation(
        case=case, requested_by=caseworker, deadline=deadline, context=AuditContext(actor=caseworker)
    )
    payload = _only("control.case.documentation_requested")
    assert payload == {
        "case_id": case.pk,
        "documentation_request_id": request.pk,
        "application_id": case.application_id,
        "deadline": deadline.isoformat(),
    }


def test_confirming_a_campaign_emits_campaign_confirmed(manager: Any) -> None:
    scored_applications(n=30)
    campaign = control_campaign_select(campaign_id=_campaign(manager).pk)
    control_campaign_confirm(campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager))
    payload = _only("control.campaign.confirmed")
    assert payload["campaign_id"] == campaign.pk and payload["cases"] == 20


def test_activating_a_model_emits_model_activated(
    trained: TrainingResult, private_storage: Path, modeller: Any
) -> None:
    version = model_version_store(trained=trained, version="events-1")
    risk_model_activate(model_version=version, context=AuditContext(actor=modeller))
    risk_model_activate(
        model_version=version, context=AuditContext(actor=modeller)
    )  # already active: nothing happens
    assert _only("control.risk_model.activated")["model_version"] == "events-1"


def test_a_finished_scoring_run_emits_scoring_run_finished(
    imported_population: int, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    run = scoring_year_run(year=CURRENT_YEAR, model_version=version, chunk_size=1000, context=AuditContext())
    assert _only("control.scoring_run.finished") == {
        "scoring_run_id": run.pk,
        "academic_year": CURRENT_YEAR,
        "model_version": version.version,
        "scored": run.done,
    }


def test_reopening_a_case_emits_reopened_with_the_withdrawn_decision(caseworker: Any, manager: Any) -> None:
    from control.services.casework import control_case_reopen
    from tests.control.casework_helpers import decide_with_due_process

    case = decide_with_due_process(case=ControlCaseFactory(), outcome="CAUGHT", caseworker=caseworker)
    withdrawn = case.current_decision_id
    control_case_reopen(
        case=case,
        reason="Studenten sendte en ny leiekontrakt.",
        reopened_by=manager,
        context=AuditContext(actor=manager),
    )
    payload = _only("control.case.reopened")
    assert (payload["case_id"], payload["previous_outcome"]) == (case.pk, "CAUGHT")
    assert payload["withdrawn_decision_id"] == withdrawn
    assert payload["application_id"] == case.application_id
