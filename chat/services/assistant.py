"""Understanding one message: which language it is in and what the customer wants,
with the assistant's active intent model."""

from dataclasses import dataclass

from chat.ml.pipeline import Decision
from chat.ml.text import language_detect
from chat.models import Assistant, IntentModelVersion
from chat.services.training import intent_model_load


@dataclass(frozen=True)
class Understanding:
    decision: Decision
    language: str  # "nb", "nn" or "en": the written standard to answer in
    model_version: str | None


def message_understand(*, assistant: Assistant, text: str, default_language: str) -> Understanding:
    """Classify `text` with the active model and detect its written standard (nb, nn or
    en; `default_language`, the conversation's, when the message does not tell).
    Without an active model nothing is understood (a fallback), so the customer is
    offered a human rather than a guess."""
    language = language_detect(text, default=default_language) or default_language
    version = (
        IntentModelVersion.objects.filter(assistant=assistant, status=IntentModelVersion.Status.ACTIVE)
        .only("pk", "version", "artifact_path", "artifact_sha256", "answer_threshold", "clarify_threshold")
        .first()
    )
    if version is None:
        return Understanding(Decision("fallback", None, 0.0), language, None)
    loaded = intent_model_load(version=version)
    return Understanding(loaded.decide(text), language, loaded.version)
