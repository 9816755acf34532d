"""Hostile bodies and parameters get a 4xx with a short JSON error (API) or an error page
(pages), and are logged as warnings, never as tracebacks."""

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from lanekassen_ai.roles import Role
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.ADMIN, username="hostile-admin"))
    return client


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


def test_deeply_nested_json_to_the_public_chat_is_a_400(caplog: pytest.LogCaptureFixture) -> None:
    body = "[" * 100_000 + "]" * 100_000
    client = APIClient(raise_request_exception=False)
    response = client.post("/api/v1/chat/conversations/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    no_tracebacks(caplog)


def test_a_json_body_over_the_upload_limit_is_a_413(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient(raise_request_exception=False)
    body = json.dumps({"assistant": "kunde", "padding": "x" * 5000})
    response = client.post("/api/v1/chat/conversations/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"]
    no_tracebacks(caplog)


def test_a_form_body_over_the_upload_limit_is_a_400_page(
    settings: Any, admin_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = admin_client.post("/control/import/", {"padding": "x" * 5000})
    assert response.status_code in (400, 413)
    assert b"<html" in response.content
    no_tracebacks(caplog)


def test_more_than_a_thousand_form_fields_to_the_import_page_is_a_400_page(
    admin_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    fields = {f"field{n}": "x" for n in range(1500)}
    response = admin_client.post("/control/import/", fields)
    assert response.status_code == 400
    assert b"<html" in response.content
    no_tracebacks(caplog)


def test_more_than_a_thousand_multipart_fields_to_the_api_import_is_a_400(
    make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(make_user(Role.ADMIN, username="hostile-api-admin"))
    fields = {f"field{n}": "x" for n in range(1500)}
    response = client.post("/api/v1/control/applications/import/", fields, format="multipart")
    assert response.status_code == 400
    assert response.json()["detail"]
    no_tracebacks(caplog)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/chat/statistics/?queue=%00",
        "/chat/statistics/?queue=%00",
        "/audit/?action=%00",
        "/audit/?user=a%00b",
        "/chat/review/?status=%00",
        "/chat/intents/?q=%00",
        "/chat/models/?assistant=%00",
        "/control/cases/?q=%00",
        "/api/v1/audit-events/?action=%00",
        "/api/v1/control/cases/?status=%00",
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400(
    url: str, admin_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    require_postgresql()
    response = admin_client.get(url)
    assert response.status_code == 400, response.content[:300]
    if url.startswith("/api/"):
        assert "NUL" in response.json()["detail"]
    else:
        assert b"<html" in response.content
    no_tracebacks(caplog)


def test_a_nul_byte_in_a_query_parameter_name_is_a_400(admin_client: Client) -> None:
    assert admin_client.get("/audit/?a%00=1").status_code == 400


def test_a_refusal_is_bokmal_by_default_and_english_or_nynorsk_when_chosen() -> None:
    client = APIClient(raise_request_exception=False)
    details = {}
    for language in ("nb", "en", "nn"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get("/api/v1/chat/statistics/?queue=%00")
        assert response.status_code == 400
        details[language] = response.json()["detail"]
    assert details == {
        "nb": "En søkeparameter inneholder et NUL-tegn.",
        "en": "A query parameter contains a NUL character.",
        "nn": "Ein søkjeparameter inneheld eit NUL-teikn.",
    }


def test_too_many_form_fields_are_refused_in_english_when_chosen(admin_client: Client) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fields = {f"field{n}": "x" for n in range(1500)}
    response = admin_client.post("/control/import/", fields)
    assert response.status_code == 400
    assert b"Too many parameters or form fields (at most 1000)." in response.content
