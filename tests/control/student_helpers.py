"""Students for the role matrix and the student-page tests: a Customer with a control case
in a confirmed campaign, logged in as it would be after ID-porten; and the local
ID-porten on the live server."""

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from control.models import CaseDocument, ControlCase, Customer
from control.services.casework import control_case_request_documentation
from control.services.students import student_account_for_national_id, student_document_upload
from lanekassen_ai.idporten_local import idporten_local_client_ensure
from lanekassen_ai.services.audit import AuditContext
from lanekassen_ai.services.roles import roles_sync
from tests.control.casework_helpers import PDF_BYTES
from tests.control.factories import ControlCaseFactory, CustomerFactory
from tests.factories import UserFactory

MATRIX_CUSTOMER_ID = "MATRIXSTUD"
# Each student gets a birth date of their own, so their fødselsnumre differ.
_births = itertools.count(1)


def student_user(*, customer: Customer) -> User:
    """The student user for a customer, made the way the ID-porten login makes it."""
    user = student_account_for_national_id(national_id=customer.national_id, context=AuditContext())
    assert user is not None
    return user


def student_with_requested_case(*, caseworker: User | None = None) -> tuple[User, ControlCase]:
    """A student whose case has had documentation requested (by `caseworker` or another)."""
    n = next(_births)
    customer = CustomerFactory(birth_date=date(1990 + n % 10, 1 + n % 12, 1 + n % 28))
    case = ControlCaseFactory(application__customer=customer)
    control_case_request_documentation(
        case=case,
        requested_by=caseworker or UserFactory(role="saksbehandler"),
        context=AuditContext(actor=caseworker or UserFactory(role="saksbehandler")),
    )
    return student_user(customer=case.application.customer), case


def matrix_case() -> ControlCase:
    """The matrix student's own case (created on first use)."""
    customer = Customer.objects.filter(pk=MATRIX_CUSTOMER_ID).first() or CustomerFactory(
        customer_id=MATRIX_CUSTOMER_ID, national_id="17059812345"
    )
    case = ControlCase.objects.filter(application__customer=customer).first()
    return case or ControlCaseFactory(application__customer=customer)


def matrix_document() -> CaseDocument:
    """A document the matrix student sent to their own case."""
    case = matrix_case()
    if not case.documentation_requests.exists():
        control_case_request_documentation(
            case=case,
            requested_by=UserFactory(role="saksbehandler"),
            context=AuditContext(actor=UserFactory(role="saksbehandler")),
        )
    return student_document_upload(
        case=case,
        student=student_user(customer=case.application.customer),
        uploaded_file=SimpleUploadedFile("leiekontrakt.pdf", PDF_BYTES),
        document_type=CaseDocument.DocumentType.LEASE,
        context=AuditContext(actor=student_user(customer=case.application.customer)),
    )


def matrix_student_client() -> Client:
    client = Client()
    client.force_login(student_user(customer=matrix_case().application.customer))
    return client


@pytest.fixture
def idporten(live_server: Any, settings: Any) -> Iterator[str]:
    """The client pointed at the provider on the live server; yields the server's URL."""
    base = live_server.url
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/openid/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/openid/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/openid/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/openid/jwks/"
    roles_sync()
    idporten_local_client_ensure(redirect_uri=f"{base}/mine-sider/oidc/callback/")
    yield base


def matrix_letter_url() -> str:
    """The matrix student's documentation letter (the request is made on first use)."""
    from control.models import Letter

    case = matrix_case()
    if not case.documentation_requests.exists():
        control_case_request_documentation(
            case=case, requested_by=UserFactory(role="saksbehandler"), context=AuditContext()
        )
    letter = Letter.objects.filter(case=case).first()
    assert letter is not None
    return reverse("student:letter-download", args=[case.pk, letter.pk])
