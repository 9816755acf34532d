"""control/views/cases.py CustomerAccessReportPdfView with control/services/pdf.py: the
access report as a PDF holds the same history as the page, every decision version too."""

import io
from typing import Any

import pytest
from pypdf import PdfReader

from control.services.casework import control_case_decide, control_case_reopen
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import access_report_url, case_with_score

pytestmark = pytest.mark.django_db


def test_the_access_report_pdf_lists_every_decision_version_and_is_audited(
    client_for: Any, caseworker: Any, manager: Any
) -> None:
    case = case_with_score()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Første vurdering: i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    control_case_reopen(
        case=case,
        reason="Nye opplysninger fra folkeregisteret.",
        reopened_by=manager,
        context=AuditContext(actor=manager),
    )
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Andre vurdering: i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    customer_id = case.application.customer_id
    response = client_for("leder").get(access_report_url(customer_id, "control:customer-access-report-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"innsyn-{customer_id}.pdf" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in (
        case.application.customer.national_id,
        case.campaign.model_version.version,
        "Første vurdering: i orden.",
        "Andre vurdering: i orden.",
        "Nye opplysninger fra folkeregisteret.",
        "Vedtak, versjon 1",
        "Vedtak, versjon 2",
    ):
        assert expected in text, expected
    event = AuditEvent.objects.filter(action="control.customer.access_report", object_id=customer_id).get()
    assert event.details == {"format": "pdf"}


def test_the_access_report_pdf_for_an_unknown_customer_is_404(client_for: Any) -> None:
    assert (
        client_for("leder").get(access_report_url("NOPE", "control:customer-access-report-pdf")).status_code
        == 404
    )


def test_the_access_report_page_and_pdf_show_letters_and_appeals(client_for: Any, caseworker: Any) -> None:
    from control.services.appeals import appeal_decide, appeal_submit
    from lanekassen_ai.services.audit import AuditContext
    from tests.control.appeal_helpers import JUSTIFICATION, caught_case_of_student
    from tests.factories import UserFactory

    student, case = caught_case_of_student(caseworker=caseworker)
    appeal = appeal_submit(case=case, text="Jeg bor faktisk på hybelen.", context=AuditContext(actor=student))
    appeal_decide(
        appeal=appeal,
        result="REVERSED",
        justification="Husleien er betalt hver måned.",
        context=AuditContext(actor=UserFactory(role="saksbehandler")),
    )
    customer_id = case.application.customer_id
    client = client_for("leder")
    page = client.get(access_report_url(customer_id)).content.decode()
    response = client.get(access_report_url(customer_id, "control:customer-access-report-pdf"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages)
    for shown in (page, text):
        for expected in (
            JUSTIFICATION,
            "Vedtak, versjon 1",
            "Vedtak, versjon 2",
            "Klage mottatt",
            "Jeg bor faktisk på hybelen.",
            "Vedtaket er omgjort",
            "Husleien er betalt hver måned.",
            "Vedtak i bostedskontrollen",
            "Krav om dokumentasjon av bosted",
        ):
            assert expected in shown, expected
