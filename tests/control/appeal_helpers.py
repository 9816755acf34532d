"""A decided «avdekket» case of a logged-in student, for the letter and appeal tests."""

from typing import Any

from django.test import Client

from control.models import ContactDetails, ControlCase
from tests.control.casework_helpers import decide_with_due_process
from tests.control.student_helpers import student_user, student_with_requested_case

JUSTIFICATION = "Leiekontrakten gjelder en hybel studenten ikke bor i."


def caught_case_of_student(*, caseworker: Any, language: str = "nb") -> tuple[Any, ControlCase]:
    """A student (with an e-mail address in `language`) whose case was decided CAUGHT by
    `caseworker` under due process."""
    student, case = student_with_requested_case(caseworker=caseworker)
    ContactDetails.objects.update_or_create(
        customer=case.application.customer, defaults={"email": "ola@student.invalid", "language": language}
    )
    decide_with_due_process(case=case, outcome="CAUGHT", caseworker=caseworker, justification=JUSTIFICATION)
    case.refresh_from_db()
    return student, case


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


__all__ = ["JUSTIFICATION", "caught_case_of_student", "logged_in", "student_user"]
