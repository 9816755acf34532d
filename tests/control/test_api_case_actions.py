"""control/api/case_actions.py and control/api/access_report.py: documents, reopening and
the data access report through the API, with the case page's services and audit events."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from control.models import CaseDocument, ControlCase, Letter
from control.services.casework import control_case_request_documentation
from lanekassen_ai.models import AuditEvent, DomainEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import PDF_BYTES, access_report_url, decide_with_due_process
from tests.control.factories import ControlCaseFactory
from tests.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _upload(client: APIClient, case: ControlCase, content: bytes = PDF_BYTES, **extra: Any) -> Any:
    return client.post(
        reverse("control-case-document-upload", args=[case.pk]),
        {"document_type": "LEASE", "file": SimpleUploadedFile("kontrakt.pdf", content, "application/pdf")},
        format="multipart",
        **extra,
    )


def test_a_document_is_uploaded_once_per_key_and_downloaded_as_stored(
    caseworker: Any, private_storage: Any
) -> None:
    case = ControlCaseFactory()
    client = _api(caseworker)
    created = _upload(client, case, HTTP_IDEMPOTENCY_KEY="doc-1")
    assert created.status_code == 201, created.json()
    assert _upload(client, case, HTTP_IDEMPOTENCY_KEY="doc-1")["Idempotent-Replayed"] == "true"
    (document,) = CaseDocument.objects.filter(case=case)
    assert created.json()["id"] == document.pk and document.content_type == "application/pdf"
    case.refresh_from_db()
    assert case.status == ControlCase.Status.DOCUMENTS_RECEIVED and case.assigned_to == caseworker
    assert AuditEvent.objects.get(action="control.case.document.upload").channel == "api"

    downloaded = client.get(reverse("control-case-document-download", args=[case.pk, document.pk]))
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/pdf"
    assert b"".join(downloaded.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.get(action="control.case.document.download").channel == "api"
    other = ControlCaseFactory()
    assert (
        client.get(reverse("control-case-document-download", args=[other.pk, document.pk])).status_code == 404
    )


def test_a_letter_is_downloaded_as_pdf_audited_and_refused_to_others(
    caseworker: Any, manager: Any, modeller: Any
) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(case=case, requested_by=caseworker, context=AuditContext())
    letter = Letter.objects.get(case=case)
    url = reverse("control-case-letter-download", args=[case.pk, letter.pk])

    downloaded = _api(manager).get(url)
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/pdf"
    assert downloaded.content == bytes(letter.content) and downloaded.content.startswith(b"%PDF")
    assert f'filename="{letter.filename}"' in downloaded["Content-Disposition"]
    event = AuditEvent.objects.get(action="control.case.letter.download")
    assert event.channel == "api" and event.actor_username == manager.username
    assert event.details == {"letter_id": letter.pk, "kind": letter.kind}

    other = ControlCaseFactory()
    assert (
        _api(caseworker).get(reverse("control-case-letter-download", args=[other.pk, letter.pk])).status_code
        == 404
    )
    assert _api(modeller).get(url).status_code == 403
    assert AuditEvent.objects.filter(action="control.case.letter.download").count() == 1


def test_a_file_that_is_not_what_it_claims_is_a_400_and_nothing_is_stored(
    caseworker: Any, private_storage: Any
) -> None:
    case = ControlCaseFactory()
    response = _upload(_api(caseworker), case, content=b"MZ\x90\x00 not a pdf")
    assert response.status_code == 400 and "file" in response.json()
    assert not CaseDocument.objects.exists()


def test_a_manager_reopens_a_decided_case_and_the_ledger_hears_of_it(caseworker: Any, manager: Any) -> None:
    case = decide_with_due_process(case=ControlCaseFactory(), outcome="CLEARED", caseworker=caseworker)
    client = _api(manager)
    assert client.post(reverse("control-case-reopen", args=[case.pk]), {"reason": "kort"}).status_code == 400
    reopened = client.post(
        reverse("control-case-reopen", args=[case.pk]),
        {"reason": "Nye opplysninger fra folkeregisteret."},
        format="json",
    )
    assert reopened.status_code == 200 and reopened.json()["locked"] is False
    assert AuditEvent.objects.get(action="control.case.reopen").channel == "api"
    assert DomainEvent.objects.get(type="control.case.reopened").payload["previous_outcome"] == "CLEARED"
    again = client.post(
        reverse("control-case-reopen", args=[case.pk]), {"reason": "Nye opplysninger igjen."}, format="json"
    )
    assert again.status_code == 409
    refused = _api(caseworker).post(
        reverse("control-case-reopen", args=[case.pk]), {"reason": "Nye opplysninger."}, format="json"
    )
    assert refused.status_code == 403


def test_the_access_report_as_json_and_pdf_is_audited_with_its_format(caseworker: Any, manager: Any) -> None:
    case = decide_with_due_process(case=ControlCaseFactory(), outcome="CAUGHT", caseworker=caseworker)
    customer_id = case.application.customer_id
    client = _api(manager)
    report = client.get(access_report_url(customer_id, "customer-access-report"))
    assert report.status_code == 200
    body = report.json()
    assert body["customer"]["national_id"] == case.application.customer.national_id
    assert [c["id"] for c in body["cases"]] == [case.pk]
    assert body["cases"][0]["decisions"][0]["outcome"] == "CAUGHT"
    assert {e["kind"] for e in body["cases"][0]["timeline"]} >= {"request", "document", "decision"}
    pdf = client.get(access_report_url(customer_id, "customer-access-report-pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert customer_id in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    formats = sorted(
        e.details["format"] for e in AuditEvent.objects.filter(action="control.customer.access_report")
    )
    assert formats == ["json", "pdf"]
    assert client.get(access_report_url("NOPE", "customer-access-report")).status_code == 404


def test_the_access_report_body_matches_its_schema(caseworker: Any, manager: Any) -> None:
    case = decide_with_due_process(case=ControlCaseFactory(), outcome="CLEARED", caseworker=caseworker)
    client = _api(manager)
    body = client.get(access_report_url(case.application.customer_id, "customer-access-report")).json()
    assert [c["id"] for c in body["cases"]] == [case.pk] and body["cases"][0]["timeline"]
    assert_matches_schema(client, path=reverse("customer-access-report"), body=body)


def test_a_client_that_asks_for_the_files_own_type_gets_the_file_and_errors_as_json(
    caseworker: Any, manager: Any, modeller: Any, private_storage: Any
) -> None:
    case = ControlCaseFactory()
    control_case_request_documentation(case=case, requested_by=caseworker, context=AuditContext())
    letter = Letter.objects.get(case=case)
    client = _api(caseworker)
    pdf = {"HTTP_ACCEPT": "application/pdf"}
    letter_pdf = client.get(reverse("control-case-letter-download", args=[case.pk, letter.pk]), **pdf)
    assert letter_pdf.status_code == 200 and letter_pdf["Content-Type"] == "application/pdf"
    missing = client.get(reverse("control-case-letter-download", args=[case.pk, letter.pk + 999]), **pdf)
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json() == {"detail": "The case has no letter with that id."}

    assert _upload(client, case).status_code == 201
    document = CaseDocument.objects.get(case=case)
    for accept in ("application/pdf", "application/octet-stream"):
        got = client.get(
            reverse("control-case-document-download", args=[case.pk, document.pk]), HTTP_ACCEPT=accept
        )
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF_BYTES, accept

    report = _api(manager).get(
        access_report_url(case.application.customer_id, "customer-access-report-pdf"), **pdf
    )
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    unknown = _api(manager).get(access_report_url("NOPE", "customer-access-report-pdf"), **pdf)
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json"

    export = _api(modeller).get(reverse("risk-score-export"), {"year": 2099}, HTTP_ACCEPT="text/csv")
    assert export.status_code == 404 and export["Content-Type"] == "application/json"
    assert "detail" in export.json()
