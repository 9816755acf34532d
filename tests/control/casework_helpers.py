"""Objects the casework role-matrix rows and tests point their URLs at."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import urlencode

from control.models import CaseDocument, ControlCampaign, ControlCase
from control.services.documents import case_document_upload
from tests.control.factories import ControlCampaignFactory, ControlCaseFactory, RiskScoreFactory
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


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
    )


def case_url(name: str) -> str:
    return reverse(name, args=[ControlCaseFactory().pk])


def campaign_url(name: str, status: str = ControlCampaign.Status.CONFIRMED) -> str:
    return reverse(name, args=[ControlCampaignFactory(status=status).pk])


def access_report_url(customer_id: str) -> str:
    return f"{reverse('control:customer-access-report')}?{urlencode({'customer': customer_id})}"
