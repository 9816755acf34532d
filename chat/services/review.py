"""The review list: messages the bot did not understand or was unsure of become training
phrases of the right intent, or are dismissed."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat.ml.text import language_detect, text_normalise
from chat.models import Intent, ReviewItem, TrainingPhrase
from chat.services.knowledge import heldout_texts
from lanekassen_ai.services.audit import audit_record


class ReviewError(ValueError):
    """The review action cannot be done; the message says why."""


def _locked_open(item: ReviewItem) -> ReviewItem:
    locked = ReviewItem.objects.select_for_update().select_related("assistant").get(pk=item.pk)
    if locked.status != ReviewItem.Status.OPEN:
        raise ReviewError(f"Review item {locked.pk} is already {locked.get_status_display()}.")
    return locked


@transaction.atomic
def review_item_assign(*, item: ReviewItem, intent: Intent, user: AbstractBaseUser) -> ReviewItem:
    """Make the message a training phrase of `intent` (used from the next retraining).
    A held-out paraphrase is refused: it would make the held-out test meaningless."""
    item = _locked_open(item)
    if intent.assistant_id != item.assistant_id:
        raise ReviewError(f"Intent {intent.slug} belongs to another assistant than the message.")
    text = item.text.strip()[:500]
    heldout = {text_normalise(t) for t in heldout_texts(assistant_slug=item.assistant.slug)}
    if text_normalise(text) in heldout:
        raise ReviewError("This sentence is in the held-out test set and must not become a training phrase.")
    _phrase, created = TrainingPhrase.objects.get_or_create(
        intent=intent,
        text=text,
        defaults={"language": language_detect(text) or "nb", "source": TrainingPhrase.Source.REVIEW},
    )
    item.status = ReviewItem.Status.ASSIGNED
    item.assigned_intent = intent
    item.resolved_by = user  # type: ignore[assignment]
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "assigned_intent", "resolved_by", "resolved_at"])
    audit_record(
        action="chat.review.assign",
        actor=user,
        obj=item,
        details={"intent": intent.slug, "phrase_created": created},
    )
    return item


@transaction.atomic
def review_item_dismiss(*, item: ReviewItem, user: AbstractBaseUser) -> ReviewItem:
    """Mark the message as nothing to learn from (noise, abuse, off-topic)."""
    item = _locked_open(item)
    item.status = ReviewItem.Status.DISMISSED
    item.resolved_by = user  # type: ignore[assignment]
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit_record(action="chat.review.dismiss", actor=user, obj=item)
    return item
