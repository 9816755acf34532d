"""control/services/letters.py: the documentation request and decision letters as PDF, in
the student's language, with the legal basis, the justification and the appeal deadline;
stored with the case, attached to the e-mail and downloadable by the student and staff."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from control.models import Letter, Notice
from control.services.letters import decision_appeal_deadline
from lanekassen_ai.models import AuditEvent
from tests.control.appeal_helpers import JUSTIFICATION, caught_case_of_student, logged_in
from tests.control.student_helpers import student_with_requested_case

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_decision_letter_has_the_justification_legal_basis_and_appeal_deadline(caseworker: Any) -> None:
    _student, case = caught_case_of_student(caseworker=caseworker)
    letter = Letter.objects.get(case=case, kind=Letter.Kind.DECISION)
    deadline = timezone.localdate() + timedelta(weeks=3)
    assert letter.appeal_deadline == deadline == decision_appeal_deadline(decision=case.current_decision)
    text = pdf_text(bytes(letter.content))
    assert JUSTIFICATION in text
    assert "utdanningsstøtteloven" in text and "forvaltningsloven" in text
    assert f"Klagefrist: {deadline.isoformat()}" in text
    assert "Du kan klage" in text


@pytest.mark.parametrize(
    ("language", "heading", "appeal"),
    [
        ("nn", "Vedtak i bustadkontrollen", "Klagefrist"),
        ("en", "Decision in the residence control", "Appeal deadline"),
    ],
)
def test_the_decision_letter_comes_in_the_students_written_standard(
    caseworker: Any, language: str, heading: str, appeal: str
) -> None:
    _student, case = caught_case_of_student(caseworker=caseworker, language=language)
    letter = Letter.objects.get(case=case, kind=Letter.Kind.DECISION)
    text = pdf_text(bytes(letter.content))
    assert letter.language == language
    assert heading in text and JUSTIFICATION in text
    assert f"{appeal}: {letter.appeal_deadline.isoformat()}" in text  # type: ignore[union-attr]


def test_the_documentation_request_letter_names_the_deadline(caseworker: Any) -> None:
    _student, case = student_with_requested_case(caseworker=caseworker)
    case.refresh_from_db()
    letter = Letter.objects.get(case=case, kind=Letter.Kind.DOCUMENTATION_REQUEST)
    text = pdf_text(bytes(letter.content))
    assert case.documentation_deadline is not None
    assert f"{case.documentation_deadline.day}. " in text and "Mine sider" in text
    assert "utdanningsstøtteloven" in text


def test_the_email_notice_of_the_decision_carries_the_letter(caseworker: Any) -> None:
    _student, case = caught_case_of_student(caseworker=caseworker)
    notice = Notice.objects.get(case=case, kind=Notice.Kind.DECISION, channel=Notice.Channel.EMAIL)
    assert notice.letter is not None and notice.letter.kind == Letter.Kind.DECISION
    assert "klage innen" in notice.body


def test_the_student_downloads_their_letter_and_not_anyone_elses(caseworker: Any) -> None:
    student, case = caught_case_of_student(caseworker=caseworker)
    _other_student, other_case = caught_case_of_student(caseworker=caseworker)
    letter = Letter.objects.get(case=case, kind=Letter.Kind.DECISION)
    other_letter = Letter.objects.get(case=other_case, kind=Letter.Kind.DECISION)
    client = logged_in(student)
    page = client.get(reverse("student:case-detail", args=[case.pk])).content.decode()
    assert reverse("student:letter-download", args=[case.pk, letter.pk]) in page
    response = client.get(reverse("student:letter-download", args=[case.pk, letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert JUSTIFICATION in pdf_text(response.content)
    for url in (
        reverse("student:letter-download", args=[other_case.pk, other_letter.pk]),
        reverse("student:letter-download", args=[case.pk, other_letter.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="control.case.letter.download", actor=student).count() == 1


def test_the_caseworker_downloads_the_letter_from_the_case_page(caseworker: Any, client_for: Any) -> None:
    _student, case = caught_case_of_student(caseworker=caseworker)
    letter = Letter.objects.get(case=case, kind=Letter.Kind.DECISION)
    client = client_for("saksbehandler")
    url = reverse("control:case-letter-download", args=[case.pk, letter.pk])
    assert url in client.get(reverse("control:case-detail", args=[case.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert JUSTIFICATION in pdf_text(response.content)
