"""Reads of conversations: a customer's own conversation by its token, its new messages,
the review list and the fallback rate over time."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, Trim, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import Assistant, Conversation, Intent, Message, ReviewItem
from chat.selectors import NotFound
from chat.services.conversations import token_matches
from lanekassen_ai.languages import in_language

POLL_LIMIT = 100


def conversation_for_token(*, conversation_id: int, token: str | None) -> Conversation | None:
    """The conversation if `token` is its token, else None (one answer for "no such
    conversation" and "wrong token", so ids cannot be probed)."""
    if not token:
        return None
    # A plain primary-key read: no ORDER BY, no join (the assistant is read by id).
    conversation = next(iter(Conversation.objects.filter(pk=conversation_id).order_by()[:1]), None)
    if conversation is None or not token_matches(stored_hash=conversation.token_hash, token=token):
        return None
    return conversation


def conversation_messages_after(*, conversation: Conversation, after_id: int = 0) -> list[Message]:
    """The conversation's messages with id greater than `after_id`, oldest first, at most
    POLL_LIMIT (the page asks again from the last one it got)."""
    return list(
        Message.objects.filter(conversation=conversation, id__gt=after_id)
        .exclude(sender=Message.Sender.SYSTEM)
        .order_by("id")[:POLL_LIMIT]
    )


def intent_option_labels(*, assistant_id: int, slugs: set[str], language: str) -> dict[str, str]:
    """Button labels for offered options: the intents' titles in `language`, one query."""
    if not slugs:
        return {}
    rows = Intent.objects.filter(assistant_id=assistant_id, slug__in=slugs).values_list(
        "slug", "title_nb", "title_nn", "title_en"
    )
    return {slug: in_language(language, nb=nb, nn=nn, en=en) for slug, nb, nn, en in rows}


def review_item_list(*, assistant: Assistant | None = None, status: str = "open") -> QuerySet[ReviewItem]:
    """Review items, newest first, with what the list shows fetched in the same query."""
    items = ReviewItem.objects.select_related(
        "assistant", "predicted_intent", "assigned_intent", "resolved_by"
    )
    if assistant is not None:
        items = items.filter(assistant=assistant)
    if status:
        items = items.filter(status=status)
    return items.order_by("-created_at", "-id")


def review_group_list(*, assistant: Assistant, status: str = "open") -> QuerySet[ReviewItem, dict[str, Any]]:
    """The review list grouped by message (case and outer spaces aside), newest group
    first: per group the number of items and the newest item's id. Page it, then fetch
    the page's items with `review_items_for_groups`."""
    return (
        ReviewItem.objects.filter(assistant=assistant, status=status)
        .annotate(key=Lower(Trim("text")))
        .values("key")
        .annotate(n=Count("id"), latest_id=Max("id"))
        .order_by("-latest_id")
    )


def review_items_for_groups(*, groups: list[dict[str, Any]]) -> list[ReviewItem]:
    """One query: the newest item of each group, with its group's size as `group_count`."""
    by_id = {g["latest_id"]: g["n"] for g in groups}
    items = {
        i.pk: i
        for i in ReviewItem.objects.filter(pk__in=by_id).select_related(
            "assistant", "predicted_intent", "assigned_intent", "resolved_by"
        )
    }
    result = []
    for pk, n in by_id.items():
        item = items[pk]
        item.group_count = n  # type: ignore[attr-defined]
        result.append(item)
    return result


def review_item_for_reviewer(*, pk: int) -> ReviewItem:
    """One review item with its assistant and predicted intent, for the review page's and
    the API's actions on it. Raises NotFound."""
    item = ReviewItem.objects.select_related("assistant", "predicted_intent").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Fant ingen melding til gjennomgang med nummer %(pk)s.") % {"pk": pk})
    return item


def review_items_of_assistant(*, assistant: Assistant, ids: list[int]) -> list[ReviewItem]:
    """The review items among `ids` that belong to the assistant (ids of others are left
    out), for a bulk action; the caller bounds `ids`."""
    return list(ReviewItem.objects.filter(pk__in=ids, assistant=assistant).select_related("assistant"))


DURABLE_WINDOW = timedelta(hours=24)


def intent_durable_resolution(*, assistant: Assistant, days: int = 30) -> list[dict[str, Any]]:
    """Per intent, over the last `days`: questions the bot answered on its own, and how
    many of them stayed resolved: no hand-over in that conversation, not marked "answered,
    did not help", and no new conversation from the same client within 24 hours. Intents
    by title, most answered first; one query."""
    since = timezone.now() - timedelta(days=days)
    came_back = Conversation.objects.filter(
        assistant_id=OuterRef("conversation__assistant_id"),
        client_key=OuterRef("conversation__client_key"),
        created_at__gt=OuterRef("conversation__created_at"),
        created_at__lte=OuterRef("conversation__created_at") + DURABLE_WINDOW,
    ).exclude(client_key="")
    rows = (
        Message.objects.filter(
            conversation__assistant=assistant,
            sender=Message.Sender.CUSTOMER,
            action="answer",
            intent__isnull=False,
            created_at__gte=since,
        )
        .annotate(returned=Exists(came_back))
        .values("intent__slug", "intent__title_nb")
        .annotate(
            answered=Count("id"),
            durable=Count(
                "id",
                filter=Q(conversation__queued_at__isnull=True, returned=False)
                & ~Q(review_item__reason=ReviewItem.Reason.NOT_HELPED),
            ),
        )
        .order_by("-answered", "intent__title_nb")
    )
    return [
        {
            "intent": row["intent__slug"],
            "title": row["intent__title_nb"],
            "answered": row["answered"],
            "durable": row["durable"],
            "rate": round(row["durable"] / row["answered"], 4) if row["answered"] else 0.0,
        }
        for row in rows
    ]


def fallback_rate_by_day(*, assistant: Assistant, days: int = 30) -> list[dict[str, Any]]:
    """Per day: customer messages the bot read, how many it did not understand, and the
    share. Shows the team whether the bot is learning."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Message.objects.filter(
            conversation__assistant=assistant,
            sender=Message.Sender.CUSTOMER,
            created_at__gte=since,
            action__in=["answer", "clarify", "fallback"],
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(total=Count("id"), fallbacks=Count("id", filter=Q(action="fallback")))
        .order_by("day")
    )
    return [
        {
            "day": row["day"].isoformat(),
            "total": row["total"],
            "fallbacks": row["fallbacks"],
            "rate": round(row["fallbacks"] / row["total"], 4) if row["total"] else 0.0,
        }
        for row in rows
    ]
