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
