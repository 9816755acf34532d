"""Idempotency-Key on the create POSTs (lanekassen_ai/services/idempotency.py and
lanekassen_ai/api/idempotency.py), through the real endpoints."""

import threading
from datetime import timedelta
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from control.models import DocumentationRequest
from lanekassen_ai.models import IdempotencyKey
from lanekassen_ai.roles import Role
from lanekassen_ai.services.idempotency import idempotency_keys_expire
from tests.conftest import require_postgresql
from tests.control.factories import ControlCaseFactory
from tests.factories import UserFactory


def _client() -> tuple[APIClient, Any]:
    user = UserFactory(role=Role.CASEWORKER)
    client = APIClient()
    client.force_authenticate(user)
    return client, user


def _deadline(days: int = 20) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _request_documentation(client: APIClient, case_id: int, key: str, days: int = 20) -> Any:
    return client.post(
        reverse("control-case-request-documentation", args=[case_id]),
        {"deadline": _deadline(days)},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_key_twice_creates_one_object_and_replays_the_first_answer(db: None) -> None:
    client, _user = _client()
    case = ControlCaseFactory()
    first = _request_documentation(client, case.pk, "key-1")
    again = _request_documentation(client, case.pk, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert DocumentationRequest.objects.filter(case=case).count() == 1


def test_without_a_key_each_post_creates(db: None) -> None:
    client, _user = _client()
    case = ControlCaseFactory()
    for _ in range(2):
        client.post(
            reverse("control-case-request-documentation", args=[case.pk]),
            {"deadline": _deadline()},
            format="json",
        )
    assert DocumentationRequest.objects.filter(case=case).count() == 2


def test_the_same_key_with_another_body_is_refused_with_409(db: None) -> None:
    client, _user = _client()
    case = ControlCaseFactory()
    assert _request_documentation(client, case.pk, "key-2", days=20).status_code == 201
    conflict = _request_documentation(client, case.pk, "key-2", days=30)
    assert conflict.status_code == 409 and "key-2" in conflict.json()["detail"]
    other_case = ControlCaseFactory()
    assert _request_documentation(client, other_case.pk, "key-2", days=20).status_code == 409  # another path
    assert DocumentationRequest.objects.count() == 1


def test_a_refused_request_frees_its_key_for_the_corrected_retry(db: None) -> None:
    client, _user = _client()
    case = ControlCaseFactory()
    refused = client.post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CLEARED", "justification": "kort"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="decide-1",
    )
    assert refused.status_code == 400
    decided = client.post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CLEARED", "justification": "Bor hjemme ifølge folkeregisteret."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="decide-1",
    )
    assert decided.status_code == 200
    replay = client.post(
        reverse("control-case-decide", args=[case.pk]),
        {"outcome": "CLEARED", "justification": "Bor hjemme ifølge folkeregisteret."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="decide-1",
    )
    # Without the key the second call would be refused: the case is decided and locked.
    assert replay.status_code == 200 and replay.json() == decided.json()


def test_keys_belong_to_their_user(db: None) -> None:
    first, _ = _client()
    second, _ = _client()
    assert _request_documentation(first, ControlCaseFactory().pk, "shared").status_code == 201
    other = _request_documentation(second, ControlCaseFactory().pk, "shared", days=25)
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert DocumentationRequest.objects.count() == 2


def test_a_malformed_key_is_refused_with_400(db: None) -> None:
    client, _user = _client()
    case = ControlCaseFactory()
    response = _request_documentation(client, case.pk, "has space")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not DocumentationRequest.objects.exists()


def test_keys_older_than_a_day_are_deleted_by_the_cleanup(db: None) -> None:
    user = UserFactory()
    IdempotencyKey.objects.create(
        user=user, key="old", fingerprint="x", created_at=timezone.now() - timedelta(hours=25)
    )
    IdempotencyKey.objects.create(user=user, key="new", fingerprint="x")
    assert idempotency_keys_expire() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_concurrent_requests_with_one_key_create_one_object(transactional_db: None) -> None:
    require_postgresql()
    case = ControlCaseFactory()
    user = UserFactory(role=Role.CASEWORKER)
    start = threading.Barrier(4)
    answers: list[tuple[int, Any, bool]] = []
    lock = threading.Lock()

    def post() -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            start.wait(10)
            response = _request_documentation(client, case.pk, "concurrent")
            with lock:
                answers.append((response.status_code, response.json(), "Idempotent-Replayed" in response))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert DocumentationRequest.objects.filter(case=case).count() == 1
    assert [status for status, _body, _replayed in answers] == [201] * 4
    assert len({body["id"] for _status, body, _replayed in answers}) == 1
    assert sum(replayed for _status, _body, replayed in answers) == 3


def test_the_schema_documents_the_header_on_every_create_post(db: None) -> None:
    client, _user = _client()
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    operations = [
        ("/api/v1/control/scoring-runs/", "post"),
        ("/api/v1/control/applications/import/", "post"),
        ("/api/v1/control/cases/{id}/request-documentation/", "post"),
        ("/api/v1/control/cases/{id}/decision/", "post"),
        ("/api/v1/webhooks/subscriptions/", "post"),
    ]
    for path, method in operations:
        parameters = schema["paths"][path][method].get("parameters", [])
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters), path
