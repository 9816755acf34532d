"""The OpenAPI schema is valid, and fuzzing the API from it never produces a server error."""

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

from lanekassen_ai.roles import Role
from lanekassen_ai.wsgi import application
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
