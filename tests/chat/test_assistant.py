"""Understanding one message with the active model (chat/services/assistant.py)."""

from chat.services.assistant import active_model_from_json


def test_a_version_read_as_json_has_its_intent_thresholds_on_either_database() -> None:
    """The reply reads the active version as JSON in its own SQL; SQLite gives a JSON
    column's value as text, PostgreSQL as JSON."""
    row = {
        "pk": 1,
        "version": "v",
        "artifact_path": "p",
        "artifact_sha256": "0" * 64,
        "answer_threshold": 0.5,
        "clarify_threshold": 0.4,
    }
    as_text = active_model_from_json({**row, "intent_thresholds": '{"una_search": 0.6}'})
    as_json = active_model_from_json({**row, "intent_thresholds": {"una_search": 0.6}})
    assert as_text is not None and as_json is not None
    assert as_text.intent_thresholds == as_json.intent_thresholds == {"una_search": 0.6}
