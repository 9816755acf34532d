"""Reads of the assistants' knowledge: assistants, intents with their phrases, model versions."""

from django.db.models import Count, QuerySet

from chat.models import Assistant, Intent, IntentModelVersion, IntentTrainingRun, TrainingPhrase


def assistant_list() -> QuerySet[Assistant]:
    """Every assistant, by slug."""
    return Assistant.objects.order_by("slug")


def assistant_get(*, slug: str) -> Assistant | None:
    """The assistant called `slug`, or None."""
    return Assistant.objects.filter(slug=slug).first()


def intent_list(*, assistant: Assistant) -> QuerySet[Intent]:
    """The assistant's intents with their queue and phrase count, by slug."""
    return (
        Intent.objects.filter(assistant=assistant)
        .select_related("queue", "assistant")
        .annotate(n_phrases=Count("phrases"))
        .order_by("slug")
    )


def intent_phrases(*, intent: Intent) -> QuerySet[TrainingPhrase]:
    """One intent's training phrases, newest first."""
    return TrainingPhrase.objects.filter(intent=intent).order_by("-created_at", "-id")


def intent_model_version_list(*, assistant: Assistant) -> QuerySet[IntentModelVersion]:
    """The assistant's trained models, newest first (metrics are deferred: they are big)."""
    return (
        IntentModelVersion.objects.filter(assistant=assistant)
        .select_related("trained_by")
        .defer("metrics")
        .order_by("-trained_at")
    )


def intent_model_version_active(*, assistant: Assistant) -> IntentModelVersion | None:
    """The model the assistant answers with now, or None before the first training."""
    return IntentModelVersion.objects.filter(
        assistant=assistant, status=IntentModelVersion.Status.ACTIVE
    ).first()


def intent_training_run_get(*, run_id: int) -> IntentTrainingRun | None:
    """One retraining with its progress (None if there is no such run)."""
    return IntentTrainingRun.objects.select_related("assistant", "model_version").filter(pk=run_id).first()
