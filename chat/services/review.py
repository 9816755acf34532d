"""The review list: messages the bot did not understand, was unsure of, or answered
without helping become training phrases of the right intent, or are dismissed. Identical
messages are one group in the list: acting on one acts on all of them."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.ml.text import language_detect, text_normalise
from chat.models import Intent, ReviewItem, TrainingPhrase
from chat.services.knowledge import heldout_texts
from lanekassen_ai.services.audit import AuditContext, audit_record


class ReviewError(ValueError):
    """The review action cannot be done; the message says why."""


def _locked_open(item: ReviewItem) -> ReviewItem:
    locked = ReviewItem.objects.select_for_update().select_related("assistant").get(pk=item.pk)
    if locked.status != ReviewItem.Status.OPEN:
        raise ReviewError(
            _("Meldingen %(item_id)s er allerede behandlet (%(status)s).")
            % {"item_id": locked.pk, "status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def review_item_assign(*, item: ReviewItem, intent: Intent, context: AuditContext) -> ReviewItem:
    """Make the message a training phrase of `intent` (used from the next retraining),
    resolved by the context's user and audited as `chat.review.assign`. A held-out
    paraphrase is refused: it would make the held-out test meaningless."""
    user = context.user
    item = _locked_open(item)
    if intent.assistant_id != item.assistant_id:
        raise ReviewError(
            _("Intensjonen %(slug)s hører til en annen assistent enn meldingen.") % {"slug": intent.slug}
        )
    text = item.text.strip()[:500]
    heldout = {text_normalise(t) for t in heldout_texts(assistant_slug=item.assistant.slug)}
    if text_normalise(text) in heldout:
        raise ReviewError(
            _("Denne setningen er i testsettet som holdes utenfor, og kan ikke bli en treningsfrase.")
        )
    _phrase, created = TrainingPhrase.objects.get_or_create(
        intent=intent,
        text=text,
        defaults={"language": language_detect(text) or "nb", "source": TrainingPhrase.Source.REVIEW},
    )
    item.status = ReviewItem.Status.ASSIGNED
    item.assigned_intent = intent
    item.resolved_by = user
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "assigned_intent", "resolved_by", "resolved_at"])
    same = _same_open(item).update(
        status=ReviewItem.Status.ASSIGNED,
        assigned_intent=intent,
        resolved_by=user,
        resolved_at=item.resolved_at,
    )
    audit_record(
        action="chat.review.assign",
        context=context,
        obj=item,
        details={"intent": intent.slug, "phrase_created": created, "identical_items": same},
    )
    return item


def _same_open(item: ReviewItem) -> QuerySet[ReviewItem]:
    """The other open items of the assistant with the same message (case and outer
    spaces aside): one group in the list."""
    return (
        ReviewItem.objects.filter(assistant_id=item.assistant_id, status=ReviewItem.Status.OPEN)
        .annotate(key=Lower(Trim("text")))
        .filter(key=item.text.strip().lower())
        .exclude(pk=item.pk)
    )


@transaction.atomic
def review_item_dismiss(*, item: ReviewItem, context: AuditContext) -> ReviewItem:
    """Mark the message as nothing to learn from (noise, abuse, off-topic), resolved by
    the context's user and audited as `chat.review.dismiss`."""
    user = context.user
    item = _locked_open(item)
    item.status = ReviewItem.Status.DISMISSED
    item.resolved_by = user
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolved_by", "resolved_at"])
    same = _same_open(item).update(
        status=ReviewItem.Status.DISMISSED, resolved_by=user, resolved_at=item.resolved_at
    )
    audit_record(action="chat.review.dismiss", context=context, obj=item, details={"identical_items": same})
    return item


def review_items_bulk(
    *, items: Sequence[ReviewItem], action: str, intent: Intent | None, context: AuditContext
) -> tuple[int, list[str]]:
    """Assign (to `intent`) or dismiss several review groups at once. Each group is its own
    transaction: one refused (already done, held-out sentence) does not stop the others.
    Returns how many were done and the reasons of those refused."""
    if action not in ("assign", "dismiss"):
        raise ReviewError(
            _("action: %(action)s er ikke en av 'assign', 'dismiss'.") % {"action": repr(action)}
        )
    if action == "assign" and intent is None:
        raise ReviewError(_("intent: velg intensjonen meldingene skal legges til."))
    done, errors = 0, []
    for item in items:
        try:
            if action == "assign" and intent is not None:
                review_item_assign(item=item, intent=intent, context=context)
            else:
                review_item_dismiss(item=item, context=context)
            done += 1
        except ReviewError as exc:
            errors.append(f"«{item.text[:60]}»: {exc}")
    return done, errors
