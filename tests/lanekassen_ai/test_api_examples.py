"""Swagger UI examples: every operation of the OpenAPI schema carries at least one example
(request body, response body or parameter), except those still listed in
OPERATIONS_WITHOUT_EXAMPLE. The list only shrinks: a new operation without an example
fails, and so does a listed one that has gained an example (strike it off)."""

from typing import Any

from drf_spectacular.generators import SchemaGenerator

# Operations written before examples were required; each needs one (then leaves the list).
OPERATIONS_WITHOUT_EXAMPLE = {
    "v1_audit_events_list",
    "v1_audit_events_retrieve",
    "v1_chat_agent_conversations_list",
    "v1_chat_agent_conversations_close_create",
    "v1_chat_agent_conversations_messages_retrieve",
    "v1_chat_agent_conversations_messages_create",
    "v1_chat_agent_conversations_notes_list",
    "v1_chat_agent_conversations_notes_create",
    "v1_chat_agent_conversations_reassign_create",
    "v1_chat_agent_conversations_transfer_create",
    "v1_chat_agent_status_retrieve",
    "v1_chat_agent_status_partial_update",
    "v1_chat_agent_take_next_create",
    "v1_chat_agent_waiting_list",
    "v1_chat_conversations_create",
    "v1_chat_conversations_choice_create",
    "v1_chat_conversations_close_create",
    "v1_chat_conversations_leave_message_create",
    "v1_chat_conversations_messages_retrieve",
    "v1_chat_conversations_messages_create",
    "v1_chat_conversations_messages_feedback_create",
    "v1_chat_conversations_rating_create",
    "v1_chat_forecast_retrieve",
    "v1_chat_staffing_plan_retrieve",
    "v1_chat_statistics_retrieve",
    "v1_chat_statistics_live_list",
    "v1_control_applications_import_create",
    "v1_control_campaigns_statistics_retrieve",
    "v1_control_cases_request_documentation_create",
    "v1_control_my_cases_list",
    "v1_control_my_cases_retrieve",
    "v1_control_risk_models_list",
    "v1_control_risk_models_retrieve",
    "v1_control_risk_models_activate_create",
    "v1_control_risk_models_retire_create",
    "v1_control_scoring_runs_list",
    "v1_control_scoring_runs_create",
    "v1_control_scoring_runs_retrieve",
    "v1_control_scoring_runs_retry_create",
    "v1_webhooks_subscriptions_destroy",
}


def _has_example(node: Any) -> bool:
    if isinstance(node, dict):
        return bool(node.get("examples")) or "example" in node or any(_has_example(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_example(v) for v in node)
    return False


def _operations_without_example() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        operation["operationId"]
        for item in schema["paths"].values()
        for operation in item.values()
        if not _has_example({k: operation.get(k) for k in ("parameters", "requestBody", "responses")})
    }


def test_every_operation_has_an_example_except_the_listed_ones() -> None:
    missing = _operations_without_example()
    new = sorted(missing - OPERATIONS_WITHOUT_EXAMPLE)
    assert not new, f"operations without an example (add OpenApiExample or a serializer example): {new}"
    done = sorted(OPERATIONS_WITHOUT_EXAMPLE - missing)
    assert not done, f"these have an example now or are gone; strike them off the list: {done}"
