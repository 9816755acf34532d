"""Objects the casework role-matrix rows and tests point their URLs at."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import urlencode
from pypdf import PdfWriter

from control.models import CaseDocument, ControlCampaign, ControlCase
from control.services.casework import control_case_request_documentation
from control.services.documents import case_document_upload
from lanekassen_ai.services.audit import AuditContext
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory, RiskScoreFactory
from tests.factories import UserFactory


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = _pdf_bytes()


def case_with_score() -> ControlCase:
    """A case of a confirmed campaign whose application has a score with reasons."""
    case = ControlCaseFactory()
    RiskScoreFactory(application=case.application, model_version=case.campaign.model_version, percentile=95.0)
    return case


def case_document() -> CaseDocument:
    """A stored PDF on a case, uploaded through the real service."""
    case = ControlCaseFactory()
    return case_document_upload(
        case=case,
        uploaded_file=SimpleUploadedFile("leiekontrakt.pdf", PDF_BYTES, content_type="application/pdf"),
        document_type=CaseDocument.DocumentType.LEASE,
        uploaded_by=UserFactory(),
        context=AuditContext(actor=UserFactory()),
    )


def case_url(name: str) -> str:
    return reverse(name, args=[ControlCaseFactory().pk])


def campaign_url(name: str, status: str = ControlCampaign.Status.CONFIRMED) -> str:
    return reverse(name, args=[ControlCampaignFactory(status=status).pk])


def case_ready_to_catch(
    *, caseworker: Any, case: ControlCase | None = None
) -> tuple[ControlCase, CaseDocument]:
    """A case where due process allows "avdekket": documentation was requested and the
    student sent a document (to be marked as reviewed in the decision)."""
    case = case or ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    document = case_document_upload(
        case=case,
        uploaded_file=SimpleUploadedFile("leiekontrakt.pdf", PDF_BYTES, content_type="application/pdf"),
        document_type=CaseDocument.DocumentType.LEASE,
        uploaded_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    return case, document


def decide_with_due_process(
    *, case: ControlCase, outcome: str, caseworker: Any, justification: str = "Vurdert etter dokumentene."
) -> ControlCase:
    """Decide as the rules require: for CAUGHT, request documentation and review a document first."""
    from control.services.casework import control_case_decide

    reviewed: list[int] = []
    if outcome == "CAUGHT":
        _case, document = case_ready_to_catch(caseworker=caseworker, case=case)
        reviewed = [document.pk]
    return control_case_decide(
        case=case,
        outcome=outcome,
        justification=justification,
        decided_by=caseworker,
        reviewed_document_ids=reviewed,
        context=AuditContext(actor=caseworker),
    )


def access_report_url(customer_id: str, name: str = "control:customer-access-report") -> str:
    return f"{reverse(name)}?{urlencode({'customer': customer_id})}"


def reminded_and_deadline_passed(*, case: ControlCase, capture_on_commit: Any) -> None:
    """The reminder went out through the real service and the SMTP-less test backend a few
    days before the deadline; then the deadline passed. Dates are moved back afterwards
    (as a day passing would), the reminder's time with them."""
    from datetime import timedelta

    from django.utils import timezone

    from control.models import ContactDetails, DocumentationRequest, Notice
    from control.services.reminders import documentation_notices_send
    from lanekassen_ai.services.audit import AuditContext

    ContactDetails.objects.get_or_create(
        customer=case.application.customer, defaults={"email": "student@student.invalid"}
    )
    request = DocumentationRequest.objects.filter(case=case).latest("requested_at")
    with capture_on_commit(execute=True):
        sent = documentation_notices_send(context=AuditContext(), today=request.deadline - timedelta(days=3))
    assert sent["reminders"] == 1
    today = timezone.localdate()
    shift = request.deadline - (today - timedelta(days=1))
    DocumentationRequest.objects.filter(pk=request.pk).update(deadline=request.deadline - shift)
    ControlCase.objects.filter(pk=case.pk).update(documentation_deadline=request.deadline - shift)
    for notice in Notice.objects.filter(documentation_request=request, kind=Notice.Kind.REMINDER):
        assert notice.sent_at is not None
        Notice.objects.filter(pk=notice.pk).update(sent_at=notice.sent_at - shift)


def case_letter_url(name: str = "control:case-letter-download") -> str:
    """The download URL (page, or API with `name`) of a documentation letter, made through
    the real request service."""
    from control.models import Letter

    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=UserFactory(role="saksbehandler"), context=AuditContext()
    )
    letter = Letter.objects.get(case=case)
    return reverse(name, args=[case.pk, letter.pk])
