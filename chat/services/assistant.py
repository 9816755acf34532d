"""Understanding one message: which language it is in and what the customer wants,
with the assistant's active intent model."""

import json
from dataclasses import dataclass
from typing import Any

from chat.ml.pipeline import Decision
from chat.ml.text import language_detect
from chat.models import Assistant, IntentModelVersion
from chat.services.training import intent_model_load

# What loading and deciding need from a model version.
VERSION_FIELDS = (
    "pk",
    "version",
    "artifact_path",
    "artifact_sha256",
    "answer_threshold",
    "clarify_threshold",
    "intent_thresholds",
)
# "Ask the database for the active version" (callers that have not read it already).
_LOOK_UP: Any = object()


@dataclass(frozen=True)
class Understanding:
    decision: Decision
    language: str  # "nb", "nn" or "en": the written standard to answer in
    model_version: str | None


def active_model_from_json(value: dict[str, Any] | None) -> IntentModelVersion | None:
    """A version read as JSON with the fields in `VERSION_FIELDS` (an unsaved copy of the
    row's fields)."""
    if value is None:
        return None
    fields = {name: value[name] for name in VERSION_FIELDS}
    # SQLite's json_object() gives a JSON column's value as text, PostgreSQL's
    # json_build_object() as JSON.
    if isinstance(fields["intent_thresholds"], str):
        fields["intent_thresholds"] = json.loads(fields["intent_thresholds"])
    return IntentModelVersion(**fields)


def message_understand(
    *, assistant: Assistant, text: str, default_language: str, version: IntentModelVersion | None = _LOOK_UP
) -> Understanding:
    """Classify `text` with the active model and detect its written standard (nb, nn or
    en; `default_language`, the conversation's, when the message does not tell).
    `version` is the assistant's active model version when the caller has read it
    already (None: there is none); otherwise it is looked up. Without an active model
    nothing is understood (a fallback), so the customer is offered a human rather than
    a guess."""
    language = language_detect(text, default=default_language) or default_language
    if version is _LOOK_UP:
        version = (
            IntentModelVersion.objects.filter(assistant=assistant, status=IntentModelVersion.Status.ACTIVE)
            .only(*VERSION_FIELDS)
            .first()
        )
    if version is None:
        return Understanding(Decision("fallback", None, 0.0), language, None)
    loaded = intent_model_load(version=version)
    return Understanding(loaded.decide(text), language, loaded.version)
