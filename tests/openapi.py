"""Checking a real API response against the published OpenAPI schema."""

from typing import Any

import jsonschema
from django.test import Client
from django.urls import reverse


def _json_schema(node: Any) -> Any:
    # OpenAPI 3.0's `nullable: true` is JSON Schema's `type: [..., "null"]`.
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        elif "allOf" in converted or "$ref" in converted:
            converted = {"anyOf": [converted, {"type": "null"}]}
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
    return converted


def assert_matches_schema(
    client: Client, *, path: str, body: Any, method: str = "get", status: int = 200
) -> None:
    """Fail unless `body` conforms to the schema the API publishes for `path` (the URL
    pattern as the schema writes it, e.g. /api/v1/chat/forecast/)."""
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    content = schema["paths"][path][method]["responses"][str(status)]["content"]
    response = content["application/json"]["schema"]
    assert response != {}, f"{method.upper()} {path} publishes no body schema"
    document = {**_json_schema(response), "components": _json_schema(schema["components"])}
    jsonschema.validate(body, document, cls=jsonschema.Draft202012Validator)
