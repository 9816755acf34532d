"""control/services/casework.py: take next, request documentation, decide, reopen."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from control.models import (
    Application,
    ControlCampaign,
    ControlCase,
    ControlDecision,
    DocumentationRequest,
    LetterTemplate,
)
from control.services.casework import (
    DEFAULT_LETTER_SLUG,
    control_case_decide,
    control_case_reopen,
    control_case_request_documentation,
    control_case_take_next,
)
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import case_ready_to_catch, reminded_and_deadline_passed
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory

pytestmark = pytest.mark.django_db


def test_take_next_assigns_the_highest_priority_unassigned_open_case(caseworker: Any, make_user: Any) -> None:
    campaign = ControlCampaignFactory()
    low = ControlCaseFactory(campaign=campaign, priority=0.2)
    high = ControlCaseFactory(campaign=campaign, priority=0.9)
    ControlCaseFactory(campaign=campaign, priority=0.95, assigned_to=make_user("saksbehandler"))
    ControlCaseFactory(campaign=ControlCampaignFactory(status=ControlCampaign.Status.PROPOSED), priority=1.0)

    first = control_case_take_next(user=caseworker, context=AuditContext(actor=caseworker))
    second = control_case_take_next(user=caseworker, context=AuditContext(actor=caseworker))
    assert (first.pk, second.pk) == (high.pk, low.pk)  # type: ignore[union-attr]
    assert control_case_take_next(user=caseworker, context=AuditContext(actor=caseworker)) is None
    high.refresh_from_db()
    assert high.assigned_to == caseworker
    assert AuditEvent.objects.filter(action="control.case.take").count() == 2


def test_requesting_documentation_writes_the_letter_from_the_template(caseworker: Any) -> None:
    case = ControlCaseFactory(campaign=ControlCampaignFactory(documentation_days=14))
    documentation_request = control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )

    case.refresh_from_db()
    assert case.status == ControlCase.Status.AWAITING_DOCUMENTS
    assert case.assigned_to == caseworker
    assert documentation_request.deadline == timezone.localdate() + timedelta(days=14)
    assert case.documentation_deadline == documentation_request.deadline
    assert case.application.customer.national_id in documentation_request.letter_text
    assert "studieåret 2018" in documentation_request.letter_text
    assert "{{" not in documentation_request.letter_text
    assert AuditEvent.objects.filter(
        action="control.case.request_documentation", object_id=str(case.pk)
    ).exists()


def test_the_agency_can_edit_the_letter_in_the_template(caseworker: Any) -> None:
    from control.services.casework import letter_template_default

    template = letter_template_default()
    template.body = "Send oss papirene innen {{ deadline }}, sak {{ case_number }}."
    template.save()
    case = ControlCaseFactory()
    letter = control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    ).letter_text
    assert letter.startswith("Send oss papirene innen ")
    assert f"sak {case.campaign_id}-{case.pk}." in letter


def test_a_letter_template_with_an_unknown_field_is_refused_by_name(caseworker: Any) -> None:
    template = LetterTemplate.objects.create(slug="feil", title="Feil", body="Hei {{ fornavn }}")
    case = ControlCaseFactory()
    with pytest.raises(ValidationError, match="ukjente felt: fornavn"):
        control_case_request_documentation(
            case=case, requested_by=caseworker, template=template, context=AuditContext(actor=caseworker)
        )
    assert not DocumentationRequest.objects.exists()


def test_a_deadline_in_the_past_is_refused(caseworker: Any) -> None:
    case = ControlCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        control_case_request_documentation(
            case=case,
            requested_by=caseworker,
            deadline=timezone.localdate() - timedelta(days=1),
            context=AuditContext(actor=caseworker),
        )
    assert "deadline" in excinfo.value.message_dict
    case.refresh_from_db()
    assert case.status == ControlCase.Status.OPEN


def test_deciding_locks_the_case_and_labels_the_application(caseworker: Any) -> None:
    case, document = case_ready_to_catch(
        caseworker=caseworker, case=ControlCaseFactory(selection_reason="RANDOM", selection_probability=0.04)
    )
    control_case_decide(
        case=case,
        outcome="CAUGHT",
        justification="Bor hos foreldrene ifølge dokumentene.",
        decided_by=caseworker,
        reviewed_document_ids=[document.pk],
        context=AuditContext(actor=caseworker),
    )
    case.refresh_from_db()
    application = Application.objects.get(pk=case.application_id)
    assert (case.status, case.locked, case.outcome, case.current_decision.decided_by) == (  # type: ignore[union-attr]
        "DECIDED",
        True,
        "CAUGHT",
        caseworker,
    )
    assert list(case.current_decision.reviewed_documents.all()) == [document]  # type: ignore[union-attr]
    assert case.current_decision.basis == ControlDecision.Basis.DOCUMENTS_REVIEWED  # type: ignore[union-attr]
    assert application.controlled is True
    assert application.control_reason == "RANDOM"
    assert application.selection_probability == pytest.approx(0.04)
    assert application.control_outcome == "CAUGHT"
    assert AuditEvent.objects.get(action="control.case.decide").details["outcome"] == "CAUGHT"


@pytest.mark.parametrize("justification", ["", "   ", "kort"])
def test_deciding_without_a_justification_writes_nothing(caseworker: Any, justification: str) -> None:
    case = ControlCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="CLEARED",
            justification=justification,
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "begrunnelse" in str(excinfo.value.message_dict["justification"]).lower()
    case.refresh_from_db()
    assert (case.status, case.locked, case.outcome) == ("OPEN", False, "")
    assert Application.objects.get(pk=case.application_id).controlled is False
    assert not AuditEvent.objects.filter(action="control.case.decide").exists()


def test_an_unknown_outcome_is_refused(caseworker: Any) -> None:
    case = ControlCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        control_case_decide(
            case=case,
            outcome="MAYBE",
            justification="En lang nok begrunnelse",
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "outcome" in excinfo.value.message_dict


def test_a_locked_case_cannot_be_decided_again(caseworker: Any) -> None:
    case = ControlCaseFactory()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakt er i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    with pytest.raises(ValidationError, match="avgjort og låst"):
        control_case_decide(
            case=case,
            outcome="CAUGHT",
            justification="Ombestemt meg likevel.",
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    case.refresh_from_db()
    assert case.outcome == "CLEARED"
    assert Application.objects.get(pk=case.application_id).control_outcome == "CLEARED"


def test_a_case_assigned_to_someone_else_cannot_be_decided(caseworker: Any, make_user: Any) -> None:
    other = make_user("saksbehandler", username="annen")
    case = ControlCaseFactory(assigned_to=other)
    with pytest.raises(ValidationError, match="tildelt annen"):
        control_case_decide(
            case=case,
            outcome="CLEARED",
            justification="Leiekontrakt er i orden.",
            decided_by=caseworker,
            context=AuditContext(actor=caseworker),
        )


def test_a_caseworker_cannot_reopen_and_nothing_changes(caseworker: Any) -> None:
    case = ControlCaseFactory()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten er i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    with pytest.raises(PermissionDenied, match="Bare en leder"):
        control_case_reopen(
            case=case,
            reason="Ny informasjon kom inn i dag",
            reopened_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    case.refresh_from_db()
    assert case.locked is True
    assert not AuditEvent.objects.filter(action="control.case.reopen").exists()


def test_a_manager_reopens_with_a_reason_and_the_label_is_withdrawn(
    caseworker: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = ControlCaseFactory(campaign=ControlCampaignFactory(documentation_days=14))
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    reminded_and_deadline_passed(case=case, capture_on_commit=django_capture_on_commit_callbacks)
    control_case_decide(
        case=case,
        outcome="CAUGHT",
        justification="Bor hjemme ifølge naboen.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    with pytest.raises(ValidationError):
        control_case_reopen(case=case, reason="", reopened_by=manager, context=AuditContext(actor=manager))
    control_case_reopen(
        case=case,
        reason="Studenten klaget med ny leiekontrakt.",
        reopened_by=manager,
        context=AuditContext(actor=manager),
    )
    case.refresh_from_db()
    application = Application.objects.get(pk=case.application_id)
    assert (case.locked, case.outcome, case.status, case.current_decision) == (
        False,
        "",
        "AWAITING_DOCUMENTS",
        None,
    )
    assert (application.controlled, application.control_outcome) == (False, "")
    event = AuditEvent.objects.get(action="control.case.reopen")
    assert event.details["previous_outcome"] == "CAUGHT"


def test_the_default_letter_template_is_seeded_by_migration() -> None:
    assert LetterTemplate.objects.filter(slug=DEFAULT_LETTER_SLUG).exists()
