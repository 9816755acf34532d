"""Reads of the assistants' knowledge: assistants, intents with their phrases, model versions.
The `*_for_modeller` reads are the ones the modeller's pages and API share: each raises
NotFound (a 404 at either door) with one message."""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from chat.models import Assistant, Intent, IntentModelVersion, IntentTrainingRun, TrainingPhrase
from chat.selectors import NotFound

# The assistant the modeller's pages and API show when none is asked for.
DEFAULT_ASSISTANT_SLUG = "kunde"


def assistant_list() -> QuerySet[Assistant]:
    """Every assistant, by slug."""
    return Assistant.objects.order_by("slug")


def assistant_get(*, slug: str) -> Assistant | None:
    """The assistant called `slug`, or None."""
    return Assistant.objects.filter(slug=slug).first()


def assistant_for_modeller(*, slug: str | None, fallback: bool = False) -> Assistant:
    """The assistant `slug` (DEFAULT_ASSISTANT_SLUG when not given). With `fallback`, as
    the pages' assistant picker wants, an unknown slug gives the first assistant instead.
    Raises NotFound when there is no such assistant (with `fallback`: no assistant at all)."""
    slug = (slug or DEFAULT_ASSISTANT_SLUG)[:50]
    assistant = assistant_get(slug=slug)
    if assistant is None and fallback:
        assistant = assistant_list().first()
        if assistant is None:
            raise NotFound(_("Ingen assistenter er lastet inn ennå (kjør load_intents)."))
    if assistant is None:
        raise NotFound(_("Fant ingen assistent som heter %(slug)s.") % {"slug": slug})
    return assistant


def intent_list(*, assistant: Assistant) -> QuerySet[Intent]:
    """The assistant's intents with their queue and phrase count, by slug."""
    return (
        Intent.objects.filter(assistant=assistant)
        .select_related("queue", "assistant")
        .annotate(n_phrases=Count("phrases"))
        .order_by("slug")
    )


def intent_for_modeller(*, pk: int) -> Intent:
    """One intent with its assistant and queue, for its page and its API. Raises NotFound."""
    intent = Intent.objects.select_related("assistant", "queue").filter(pk=pk).first()
    if intent is None:
        raise NotFound(_("Fant ingen intensjon med nummer %(pk)s.") % {"pk": pk})
    return intent


def intent_of_assistant(*, assistant_id: int, intent_id: int) -> Intent | None:
    """The intent `intent_id` if it belongs to the assistant, else None (a review item is
    only ever assigned to an intent of its own assistant)."""
    return Intent.objects.filter(pk=intent_id, assistant_id=assistant_id).first()


def intent_choices(*, assistant: Assistant) -> list[Intent]:
    """The assistant's active intents by title, for a choice list (a catalogue's worth)."""
    return list(
        Intent.objects.filter(assistant=assistant, active=True)
        .order_by("title_nb")
        .only("pk", "slug", "title_nb")
    )


def training_phrase_for_modeller(*, pk: int) -> TrainingPhrase:
    """One training phrase with its intent. Raises NotFound."""
    phrase = TrainingPhrase.objects.select_related("intent").filter(pk=pk).first()
    if phrase is None:
        raise NotFound(_("Fant ingen treningsfrase med nummer %(pk)s.") % {"pk": pk})
    return phrase


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


def intent_training_run_for_modeller(*, pk: int) -> IntentTrainingRun:
    """One retraining with its progress, for its page and its API. Raises NotFound."""
    run = intent_training_run_get(run_id=pk)
    if run is None:
        raise NotFound(_("Ingen trening med det nummeret."))
    return run
