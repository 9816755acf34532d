"""The OpenAPI schema is valid, and fuzzing the API from it (every operation, as every role
and anonymously) never produces a server error nor a response the schema does not allow."""

import io
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from lanekassen_ai.roles import Role
from lanekassen_ai.wsgi import application
from tests.chat.factories import MessageFactory, QueuedConversationFactory
from tests.conftest import ANONYMOUS, ROLES
from tests.control import casework_helpers as cw
from tests.control.factories import ControlCaseFactory, RiskModelVersionFactory
from tests.factories import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection() -> Iterator[None]:
    # Like Django's test client: the WSGI handler must not close the connection that
    # holds the test's transaction at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_generates_without_warnings_and_validates(db: None) -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=io.StringIO())
    assert "openapi: 3" in out.getvalue()


@pytest.mark.django_db
@schema.include(path_regex=r"^/api/v1/chat/conversations/").parametrize()
@FUZZ
def test_the_anonymous_chat_api_never_answers_with_a_server_error(case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@FUZZ
def test_every_read_endpoint_survives_fuzzed_parameters_as_an_admin_integration(case) -> None:
    user = UserFactory(username="fuzz-admin", role=Role.ADMIN)
    token, _ = Token.objects.get_or_create(user=user)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=[not_a_server_error])


# Every operation, every method, as each role and anonymously: bounded so the whole sweep
# stays within a couple of minutes.
SWEEP = settings(FUZZ, max_examples=5)


@pytest.fixture
def api_objects(db: None) -> None:
    """Something for every detail URL and list to return, with the empty and null values
    a real database holds (a case without outcome or caseworker, a model trained by a
    command, a scoring run that failed, a waiting conversation)."""
    from control.models import ScoringRun

    cw.case_with_score()
    decided = ControlCaseFactory(outcome="CLEARED", status="DECIDED")
    RiskModelVersionFactory(trained_by=None)
    ScoringRun.objects.create(
        model_version=decided.campaign.model_version, academic_year=2019, status="FAILED"
    )
    conversation = QueuedConversationFactory()
    MessageFactory(conversation=conversation)


def _headers(role: str) -> dict[str, str]:
    if role == ANONYMOUS:
        return {}
    user = UserFactory(username=f"fuzz-{role}", role=Role(role))
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@SWEEP
def test_every_operation_as_every_role_answers_without_server_errors_and_as_the_schema_says(
    case, role: str, api_objects: None
) -> None:
    case.call_and_validate(headers=_headers(role), checks=[not_a_server_error, response_schema_conformance])
