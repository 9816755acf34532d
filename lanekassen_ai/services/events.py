"""The domain events outbox: writing an event in the caller's transaction, and numbering
committed events for the feed.

Why a separate numbering step: on PostgreSQL an id or timestamp taken inside a transaction
is not commit order (a transaction that started later, with a higher id, can commit first).
A reader paging by such a value could pass a position and miss the event that commits
behind it. So writers leave `sequence` empty, and `domain_events_number` hands out
positions to events that are already committed, one batch at a time while holding the lock
on the single `EventRelayState` row. Batches are numbered strictly one after the other, so
the feed (`sequence > cursor`) only ever grows at its end: every event is read exactly once.
"""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lanekassen_ai.event_types import event_type_get
from lanekassen_ai.models import DomainEvent, EventRelayState
from lanekassen_ai.services.audit import AuditContext

logger = logging.getLogger(__name__)

NUMBER_BATCH = 5000


class EventTypeError(ValueError):
    """An event that is not declared in the catalogue, or whose payload does not match."""


def event_emit(
    *, type: str, version: int, payload: dict[str, Any], context: AuditContext | None = None
) -> DomainEvent:
    """Write one domain event in the caller's transaction (call it inside the
    `transaction.atomic` block of the change), and a pending webhook delivery for every
    active subscription to its type, sent after commit.

    The type and version must be declared by an app (`event_types` on its AppConfig) and
    the payload must have exactly the declared fields: an undeclared field could carry
    personal data no receiver was promised.
    """
    from lanekassen_ai.services.webhooks import webhook_deliveries_create

    declared = event_type_get(name=type, version=version)
    if declared is None:
        raise EventTypeError(f"event type {type!r} version {version} is not declared by any app")
    if set(payload) != set(declared.payload):
        missing = sorted(set(declared.payload) - set(payload))
        extra = sorted(set(payload) - set(declared.payload))
        raise EventTypeError(f"event {type} v{version}: payload missing {missing}, undeclared {extra}")
    event = DomainEvent.objects.create(
        type=type,
        version=version,
        payload=payload,
        occurred_at=timezone.now(),
        request_id=context.request_id if context is not None else "",
    )
    webhook_deliveries_create(event=event)
    return event


def _relay_state_locked() -> EventRelayState:
    try:
        with transaction.atomic():
            state, _created = EventRelayState.objects.select_for_update().get_or_create(pk=1)
    except IntegrityError:  # created by a concurrent first caller meanwhile
        state = EventRelayState.objects.select_for_update().get(pk=1)
    return state


def domain_events_number(*, batch: int = NUMBER_BATCH) -> int:
    """Give every committed event without a feed position the next positions, oldest
    first. Returns how many were numbered. Safe to call from many processes at once: they
    queue on the relay row's lock."""
    numbered = 0
    while True:
        with transaction.atomic():
            state = _relay_state_locked()
            # Read after the lock is held: this statement sees every event committed so far.
            ids = list(
                DomainEvent.objects.filter(sequence__isnull=True)
                .order_by("occurred_at", "id")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return numbered
            events = [
                DomainEvent(id=pk, sequence=state.last_sequence + i) for i, pk in enumerate(ids, start=1)
            ]
            DomainEvent.objects.bulk_update(events, ["sequence"], batch_size=1000)
            state.last_sequence += len(ids)
            state.save(update_fields=["last_sequence"])
            numbered += len(ids)
        if len(ids) < batch:
            return numbered


def domain_event_body(*, event: DomainEvent) -> dict[str, Any]:
    """What a receiver gets for one event, in the feed and in a webhook: the same shape."""
    return {
        "id": str(event.id),
        "type": event.type,
        "version": event.version,
        "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
        "data": event.payload,
    }
