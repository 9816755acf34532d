"""The customer chat API's bodies match its OpenAPI schema on the successful path too
(the fuzzing sweep in tests/lanekassen_ai/test_api_schema.py rarely gets past the token
check): open a conversation, post messages that get an answer, a clarification with
options and a fallback, choose an option, read the messages, give feedback and a rating;
schemathesis checks every response against the schema."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from chat.models import IntentModelVersion
from lanekassen_ai.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
BASE = "/api/v1/chat/conversations/"


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection() -> Iterator[None]:
    # Like Django's test client: the WSGI handler must not close the connection that
    # holds the test's transaction at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _call(path: str, method: str, *, expected: int, **parts: Any) -> Any:
    if "body" in parts:
        parts["media_type"] = "application/json"
    case = schema[path][method].Case(**parts)
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    assert response.status_code == expected, response.text
    return response.json()


def test_every_successful_customer_chat_answer_matches_the_schema(kunde_model: IntentModelVersion) -> None:
    created = _call(BASE, "POST", expected=201, body={"assistant": "kunde", "language": "nb"})
    pk, headers = created["id"], {"X-Conversation-Token": created["token"]}
    messages = f"{BASE}{{id}}/messages/"

    def say(text: str) -> dict[str, Any]:
        body = _call(
            messages, "POST", expected=201, path_parameters={"id": pk}, headers=headers, body={"text": text}
        )
        return body["reply"]

    answer = say("Når kommer pengene?")
    assert answer["action"] == "answer"
    clarify = say("faktura betale utsette")
    assert len(clarify["options"]) == 2 and len(clarify["option_labels"]) == 2
    chosen = _call(
        f"{BASE}{{id}}/choice/",
        "POST",
        expected=201,
        path_parameters={"id": pk},
        headers=headers,
        body={"option": clarify["options"][0]},
    )
    assert chosen["reply"]["action"] == "answer"
    assert say("qwxz blorp fnugg")["action"] == "fallback"

    listed = _call(
        messages, "GET", expected=200, path_parameters={"id": pk}, headers=headers, query={"after": 0}
    )
    bot = [m for m in listed["messages"] if m["sender"] == "bot"]
    assert bot and all("option_labels" in m and "link_url" in m for m in bot)
    _call(
        f"{BASE}{{id}}/messages/{{message_id}}/feedback/",
        "POST",
        expected=200,
        path_parameters={"id": pk, "message_id": next(m["id"] for m in bot if m["action"] == "answer")},
        headers=headers,
        body={"helpful": True},
    )
    _call(f"{BASE}{{id}}/close/", "POST", expected=200, path_parameters={"id": pk}, headers=headers)
    _call(
        f"{BASE}{{id}}/rating/",
        "POST",
        expected=200,
        path_parameters={"id": pk},
        headers=headers,
        body={"rating": 4, "comment": "Greit."},
    )
