"""Swagger UI examples: every operation of the OpenAPI schema carries an example. An
operation with a request body has a request example; one without a body but with a JSON
answer has a response example; one that takes and gives no JSON (a PDF or CSV download, a
204 delete) has an example of its answer or of its parameters."""

from typing import Any

from drf_spectacular.generators import SchemaGenerator


def _has_example(node: Any) -> bool:
    if isinstance(node, dict):
        return bool(node.get("examples")) or "example" in node or any(_has_example(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_example(v) for v in node)
    return False


def _has_json_body(responses: dict[str, Any]) -> bool:
    return any("application/json" in (answer.get("content") or {}) for answer in responses.values())


def _missing_example(operation: dict[str, Any]) -> str:
    """What the operation lacks ("" when it has the example it needs)."""
    if operation.get("requestBody"):
        return "" if _has_example(operation["requestBody"]) else "request example"
    successes = {
        code: answer for code, answer in operation.get("responses", {}).items() if code.startswith("2")
    }
    if _has_json_body(successes):
        return "" if _has_example(successes) else "response example"
    answer_or_parameters = [operation.get("parameters"), successes]
    return "" if _has_example(answer_or_parameters) else "example of the answer or the parameters"


def test_every_operation_has_an_example() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = sorted(
        f"{operation['operationId']}: {lack}"
        for item in schema["paths"].values()
        for operation in item.values()
        if (lack := _missing_example(operation))
    )
    assert not missing, (
        f"operations without an example (add OpenApiExample or a serializer example): {missing}"
    )
