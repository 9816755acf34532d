"""control/views/student.py, control/api/student.py, control/selectors/students.py and
control/services/students.py: the student's own pages and API. A student sees only their
own cases and documents: other students' ids are refused on every page and API."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from control.models import CaseDocument, ControlCase
from control.services.casework import control_case_decide
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import PDF_BYTES
from tests.control.factories import ControlCaseFactory, RiskScoreFactory
from tests.control.student_helpers import student_user, student_with_requested_case

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def _upload(client: Client, case: ControlCase, content: bytes = PDF_BYTES, name: str = "leie.pdf") -> Any:
    return client.post(
        reverse("student:case-detail", args=[case.pk]),
        {"document_type": "LEASE", "file": SimpleUploadedFile(name, content)},
    )


def test_the_student_sees_why_what_and_by_when_without_score_or_rank() -> None:
    student, case = student_with_requested_case()
    ControlCase.objects.filter(pk=case.pk).update(score=0.87654, risk_rank=42)
    RiskScoreFactory(application=case.application, model_version=case.campaign.model_version, percentile=99.0)
    page = _client(student).get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert "valgt ut av en datamodell" in page
    assert "Det betyr ikke at vi tror du har gitt feil opplysninger" in page
    assert "Vi venter på dokumentasjon fra deg." in page
    assert case.documentation_requests.get().letter_text.splitlines()[0] in page
    assert "Frist:" in page
    # The CSRF tokens are random letters and digits: left in, a rank could match by chance.
    shown = re.sub(r"[A-Za-z0-9]{64}", "", page.replace(case.application.customer.national_id, ""))
    for hidden in ("0.87", "42", "Høy risiko", "Kort avstand mellom foreldrenes hjem"):
        assert hidden not in shown, hidden


def test_a_random_case_says_it_was_drawn_at_random() -> None:
    case = ControlCaseFactory(selection_reason="RANDOM", selection_probability=0.02)
    page = (
        _client(student_user(customer=case.application.customer))
        .get(reverse("student:case-detail", args=[case.pk]))
        .content.decode()
    )
    assert "trukket ut helt tilfeldig" in page
    assert "Vi har ikke bedt deg om dokumentasjon ennå." in page


def test_the_student_uploads_a_pdf_and_sees_it(caseworker: Any) -> None:
    student, case = student_with_requested_case()
    client = _client(student)
    response = _upload(client, case)
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert document.uploaded_by == student
    case.refresh_from_db()
    assert case.status == ControlCase.Status.DOCUMENTS_RECEIVED
    page = client.get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert "leie.pdf" in page
    download = client.get(reverse("student:document-download", args=[case.pk, document.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="control.case.document.upload", actor=student).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n<html><body>not a pdf</body></html>", "kan ikke åpnes som det"),
        (b"MZ\x90\x00" + b"\x00" * 64, "ikke en PDF, JPEG eller PNG"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_on_the_students_page(
    content: bytes, message: str
) -> None:
    student, case = student_with_requested_case()
    response = _upload(_client(student), case, content=content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_no_upload_before_a_request_or_after_the_decision(caseworker: Any) -> None:
    case = ControlCaseFactory()
    client = _client(student_user(customer=case.application.customer))
    early = _upload(client, case)
    assert early.status_code == 400
    assert "Vi har ikke bedt deg om dokumentasjon" in early.content.decode()
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten er i orden.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    late = _upload(client, case)
    assert late.status_code == 400
    assert not CaseDocument.objects.exists()


def test_the_decision_and_its_justification_are_shown(caseworker: Any) -> None:
    student, case = student_with_requested_case(caseworker=caseworker)
    control_case_decide(
        case=case,
        outcome="CLEARED",
        justification="Leiekontrakten viser at du bor i Bergen.",
        decided_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    page = _client(student).get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert "Borteboer (i orden)" in page
    assert "Leiekontrakten viser at du bor i Bergen." in page
    assert "Saken er avgjort." in page


def test_other_students_ids_are_refused_on_every_page_and_api(caseworker: Any) -> None:
    student, own = student_with_requested_case()
    other_student, other = student_with_requested_case()
    _upload(_client(other_student), other)
    other_document = CaseDocument.objects.get(case=other)
    client = _client(student)
    refused = [
        client.get(reverse("student:case-detail", args=[other.pk])),
        _upload(client, other),
        client.get(reverse("student:document-download", args=[other.pk, other_document.pk])),
        # the other student's document under the student's own case id
        client.get(reverse("student:document-download", args=[own.pk, other_document.pk])),
        client.get(reverse("student-case-detail", args=[other.pk])),
    ]
    assert [r.status_code for r in refused] == [404] * len(refused)
    assert CaseDocument.objects.filter(case=other).count() == 1
    listing = client.get(reverse("student:case-list")).content.decode()
    assert f"sak {own.campaign_id}-{own.pk}" in listing
    assert f"sak {other.campaign_id}-{other.pk}" not in listing
    api_listing = client.get(reverse("student-case-list")).json()
    assert [c["id"] for c in api_listing["results"]] == [own.pk]


def test_the_api_gives_the_student_their_case_in_plain_words_without_score() -> None:
    student, case = student_with_requested_case()
    detail = _client(student).get(reverse("student-case-detail", args=[case.pk])).json()
    assert detail["status"] == "AWAITING_DOCUMENTS"
    assert "datamodell" in detail["why_selected"]
    assert detail["deadline"] == case.documentation_requests.get().deadline.isoformat()
    assert not {"score", "risk_rank", "priority", "assigned_to"} & set(detail)


def test_staff_cannot_open_the_student_pages(client_for: Any) -> None:
    case = ControlCaseFactory()
    for role in ("saksbehandler", "admin"):
        assert client_for(role).get(reverse("student:case-detail", args=[case.pk])).status_code == 403


def test_the_students_page_speaks_nynorsk_and_english() -> None:
    student, case = student_with_requested_case()
    url = reverse("student:case-detail", args=[case.pk])
    nynorsk = _client(student, "nn").get(url).content.decode()
    assert "Kvifor er eg plukka ut?" in nynorsk
    assert "Vi ventar på dokumentasjon frå deg." in nynorsk
    english = _client(student, "en").get(url).content.decode()
    assert "Why was I picked?" in english
    assert "We are waiting for documentation from you." in english
