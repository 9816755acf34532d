"""Reads shared by the apps: the audit trail, role membership, the events feed and the
webhook deliveries."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from lanekassen_ai.audit_actions import audit_action_label
from lanekassen_ai.csv_cells import csv_safe_row
from lanekassen_ai.models import AuditEvent, DomainEvent, WebhookDelivery, WebhookSubscription
from lanekassen_ai.roles import Role
from lanekassen_ai.timezones import agency_timezone


def audit_event_list(
    *,
    action_prefix: str = "",
    object_type: str = "",
    object_id: str = "",
    actor_username: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, optionally narrowed to an action family, one actor, one
    object or a range of days (both ends included, days in the agency's time zone)."""
    qs = AuditEvent.objects.select_related("actor").all()
    tz = agency_timezone()
    if date_from is not None:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to is not None:
        next_day = date_to + dt.timedelta(days=1)
        qs = qs.filter(created_at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=tz))
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor_username:
        qs = qs.filter(actor_username=actor_username)
    return qs


AUDIT_CSV_HEADER = [
    "created_at",
    "actor_username",
    "action",
    "action_label",
    "object_type",
    "object_id",
    "object_repr",
    "channel",
    "ip_address",
    "request_id",
]


def audit_event_csv_rows(*, events: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The header, then one CSV row per event (times in ISO 8601 with offset), read in
    chunks so a large export never holds the whole log in memory."""
    yield AUDIT_CSV_HEADER
    tz = agency_timezone()
    for e in events.iterator(chunk_size=2000):
        yield csv_safe_row(
            [
                e.created_at.astimezone(tz).isoformat(timespec="seconds"),
                e.actor_username,
                e.action,
                audit_action_label(action=e.action),
                e.object_type,
                e.object_id,
                e.object_repr,
                e.channel,
                e.ip_address or "",
                e.request_id,
            ]
        )


def user_roles(*, user: AbstractBaseUser | AnonymousUser) -> list[Role]:
    """The roles (groups) a user has, in the order they are declared."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    return [role for role in Role if role.value in names]


def domain_event_feed(
    *, after: int = 0, types: list[str] | None = None, limit: int = 100
) -> list[DomainEvent]:
    """Numbered events after feed position `after`, in feed order, at most `limit`,
    optionally only of `types`. Unnumbered (just committed) events are not in the feed yet:
    `domain_events_number` must have run (the feed's door runs it first)."""
    qs = DomainEvent.objects.filter(sequence__gt=after)
    if types:
        qs = qs.filter(type__in=types)
    return list(qs.order_by("sequence")[:limit])


def webhook_subscription_list() -> QuerySet[WebhookSubscription]:
    """Every subscription, by name, with its delivery counts by status."""
    return WebhookSubscription.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
        dead=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.DEAD)),
    ).order_by("name", "id")


def webhook_delivery_list(
    *, subscription_id: int | None = None, status: str = ""
) -> QuerySet[WebhookDelivery]:
    """Deliveries, newest first, with their event, subscription and every attempt."""
    qs = WebhookDelivery.objects.select_related("event", "subscription").prefetch_related("attempt_log")
    if subscription_id is not None:
        qs = qs.filter(subscription_id=subscription_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")
