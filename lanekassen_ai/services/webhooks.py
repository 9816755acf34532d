"""Webhook subscriptions and the delivery of events to them: at least once, signed, with
exponential backoff, dead after a configurable number of tries.

What survives a killed worker: a delivery's state is in the database, not in the task
message. Sending first takes a lease on the delivery row (`leased_until`) and logs the
attempt; the result is written afterwards. A worker killed mid-send leaves a lease that
runs out; `webhook_deliveries_relay` (beat, every few seconds) then marks the attempt lost
and sends the delivery again. The relay also sends deliveries whose task message was lost
(the process died between commit and enqueue, the broker was down, a retry's delayed
message sat on a killed worker). A receiver can therefore get an event twice, with the
same id: it must deduplicate on the event id (docs/integrations.md).
"""

import functools
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lanekassen_ai.event_types import event_type_names
from lanekassen_ai.models import DomainEvent, WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription
from lanekassen_ai.services.audit import AuditContext, audit_record

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Lanekassen-Signature"
EVENT_ID_HEADER = "Lanekassen-Event-Id"
EVENT_TYPE_HEADER = "Lanekassen-Event-Type"
RELAY_BATCH = 1000


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def webhook_timeout_seconds() -> float:
    return _setting("WEBHOOK_TIMEOUT_SECONDS", 10)


def webhook_lease_seconds() -> float:
    # Longer than any send can take, so a live worker never loses its lease.
    return max(_setting("WEBHOOK_LEASE_SECONDS", 60), webhook_timeout_seconds() + 1)


def webhook_max_attempts() -> int:
    return int(_setting("WEBHOOK_MAX_ATTEMPTS", 12))


def webhook_retry_delay(*, attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try: base · 2^(attempts-1), capped."""
    base = _setting("WEBHOOK_RETRY_BACKOFF_SECONDS", 10)
    cap = _setting("WEBHOOK_RETRY_BACKOFF_MAX_SECONDS", 3600)
    return float(min(cap, base * 2 ** max(attempts - 1, 0)))


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `Lanekassen-Signature` value: ``t=<unix time>,v1=<hex HMAC-SHA256 of
    "<unix time>.<body>" with the secret>``."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_senders_per_subscription() -> int:
    return max(1, int(_setting("WEBHOOK_SENDERS_PER_SUBSCRIPTION", 4)))


def _slot_key(subscription_id: int, slot: int) -> str:
    return f"lanekassen:webhooks:sender:{subscription_id}:{slot}"


_REDIS: Any = None


def _slots() -> Any:
    """The broker's Redis, which holds the sender slots; None when tasks run inline or the
    broker is not Redis (then every schedule sends a message: correct, only slower)."""
    global _REDIS
    from lanekassen_ai.celery import app

    broker = str(app.conf.broker_url or "")
    if app.conf.task_always_eager or not broker.startswith(("redis://", "rediss://")):
        return None
    if _REDIS is None:
        import redis

        _REDIS = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
    return _REDIS


def webhook_sender_slot_claim(*, subscription_id: int) -> int | None:
    """A free sender slot of the subscription (0 … WEBHOOK_SENDERS_PER_SUBSCRIPTION-1), or
    None when all are taken: a sender holding one is running or queued and will see the
    new deliveries. Without slots (inline tasks, another broker) always slot 0."""
    client = _slots()
    if client is None:
        return 0
    ttl = max(1, int(2 * webhook_lease_seconds()))  # a slot of a killed worker frees itself
    for slot in range(webhook_senders_per_subscription()):
        if client.set(_slot_key(subscription_id, slot), "1", nx=True, ex=ttl):
            return slot
    return None


def webhook_sender_slot_release(*, subscription_id: int, slot: int) -> None:
    client = _slots()
    if client is not None:
        client.delete(_slot_key(subscription_id, slot))


def webhook_send_schedule(*, subscription_id: int, force: bool = False) -> None:
    """Queue one sender for the subscription, unless `WEBHOOK_SENDERS_PER_SUBSCRIPTION`
    senders already are (then one of them sends). `force` queues one without a slot (the
    relay, retries): a slot may belong to a worker that died."""
    # Imported here, not at the top: the tasks module imports this one (it is a thin door).
    from lanekassen_ai.tasks import webhook_subscription_send_task

    slot = None if force else webhook_sender_slot_claim(subscription_id=subscription_id)
    if slot is None and not force:
        return
    webhook_subscription_send_task.delay(subscription_id, slot)


def _schedule_on_commit(subscription_ids: set[int], *, force: bool = False) -> None:
    # Robust: a broker that is down must not fail the change that committed; the relay
    # sends its deliveries once it is back.
    for subscription_id in sorted(subscription_ids):
        transaction.on_commit(functools.partial(_schedule_after_commit, subscription_id, force), robust=True)


def _schedule_after_commit(subscription_id: int, force: bool) -> None:
    # Looks `webhook_send_schedule` up when the commit happens, not when it is registered.
    webhook_send_schedule(subscription_id=subscription_id, force=force)


def webhook_subscription_errors(*, name: str, url: str, event_types: list[str]) -> dict[str, list[str]]:
    """What is wrong with a subscription's name, address and event types (field →
    messages); empty when it may be saved."""
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["Give the subscription a name."]
    parsed = urlparse(url or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        errors["url"] = [f"{url!r} is not an http(s) address."]
    known = set(event_type_names())
    if not event_types:
        errors["event_types"] = [f"Choose at least one event type: {', '.join(sorted(known))}."]
    else:
        unknown = sorted(set(event_types) - known)
        if unknown:
            errors["event_types"] = [f"Unknown event types {unknown}; known: {', '.join(sorted(known))}."]
    return errors


def webhook_subscription_create(
    *, name: str, url: str, event_types: list[str], secret: str = "", context: AuditContext
) -> WebhookSubscription:
    """A new active subscription. Without a `secret` one is generated (read it once from
    the answer or the admin). Audited without the secret."""
    errors = webhook_subscription_errors(name=name, url=url, event_types=event_types)
    if secret and len(secret) < 24:
        errors["secret"] = ["A secret needs at least 24 characters."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            name=name.strip(),
            url=url,
            event_types=sorted(set(event_types)),
            secret=secret or secrets.token_urlsafe(32),
            created_by=context.actor if getattr(context.actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="webhook.subscription.create",
            obj=subscription,
            context=context,
            details={"url": url, "event_types": subscription.event_types},
        )
    return subscription


def webhook_subscription_update(
    *,
    subscription: WebhookSubscription,
    context: AuditContext,
    name: str | None = None,
    url: str | None = None,
    event_types: list[str] | None = None,
    active: bool | None = None,
    rotate_secret: bool = False,
) -> WebhookSubscription:
    """Change a subscription; `rotate_secret` gives it a new generated secret (events
    already pending are signed with the new one). Audited, without the secret."""
    new_name = subscription.name if name is None else name
    new_url = subscription.url if url is None else url
    new_types = subscription.event_types if event_types is None else event_types
    errors = webhook_subscription_errors(name=new_name, url=new_url, event_types=new_types)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        changed: dict[str, Any] = {}
        for field, value in (
            ("name", new_name.strip()),
            ("url", new_url),
            ("event_types", sorted(set(new_types))),
            ("active", locked.active if active is None else active),
        ):
            if getattr(locked, field) != value:
                changed[field] = value
                setattr(locked, field, value)
        if rotate_secret:
            locked.secret = secrets.token_urlsafe(32)
            changed["secret"] = "rotated"  # noqa: S105  (a note, not the secret)
        locked.save()
        if changed:
            audit_record(action="webhook.subscription.update", obj=locked, context=context, details=changed)
    return locked


def webhook_subscription_delete(*, subscription: WebhookSubscription, context: AuditContext) -> None:
    """Remove a subscription with its deliveries and their attempts. Audited."""
    with transaction.atomic():
        audit_record(
            action="webhook.subscription.delete",
            obj=subscription,
            context=context,
            details={"url": subscription.url, "deliveries": subscription.deliveries.count()},
        )
        subscription.delete()


def webhook_deliveries_create(*, event: DomainEvent) -> list[WebhookDelivery]:
    """A pending delivery of `event` to each active subscription to its type, in the
    caller's transaction; each is sent by a task enqueued after commit."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(active=True).only("id", "event_types")
        if event.type in s.event_types
    ]
    if not subscriptions:
        return []
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=s, event=event, next_attempt_at=event.occurred_at)
            for s in subscriptions
        ]
    )
    _schedule_on_commit({s.pk for s in subscriptions})
    return deliveries


@dataclass(frozen=True)
class SendResult:
    """What one call of `webhook_delivery_send` did: the delivery asked for (None when there
    was nothing to send: delivered, dead, not yet due or leased by another worker), how many
    deliveries were sent successfully, and (delivery id, seconds) for each failed try that
    will be retried."""

    delivery: WebhookDelivery | None
    sent: int = 0
    retries: list[tuple[int, float]] = field(default_factory=list)


def webhook_batch_size() -> int:
    return max(1, int(_setting("WEBHOOK_BATCH_SIZE", 50)))


def _due(*, now: datetime) -> Any:
    lease_free = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    return (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("subscription", "event")
        .filter(lease_free, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
    )


def _claim(
    *, now: datetime, delivery_id: int | None = None, subscription_id: int | None = None
) -> list[tuple[WebhookDelivery, WebhookDeliveryAttempt]]:
    """Lease the delivery `delivery_id` (if due) and up to `WEBHOOK_BATCH_SIZE - 1` other due
    deliveries of its subscription, or up to `WEBHOOK_BATCH_SIZE` due deliveries of
    `subscription_id` (so a burst of events to one receiver goes out over one connection in
    few transactions), count the try and log the attempts. Skips rows other senders hold."""
    with transaction.atomic():
        batch: list[WebhookDelivery] = []
        if delivery_id is not None:
            batch = list(_due(now=now).filter(pk=delivery_id)[:1])
            if not batch:
                return []
            subscription_id = batch[0].subscription_id
        room = webhook_batch_size() - len(batch)
        if room > 0:
            batch += list(
                _due(now=now)
                .filter(subscription_id=subscription_id)
                .exclude(pk__in=[d.pk for d in batch])
                .order_by("next_attempt_at", "pk")[:room]
            )
        if not batch:
            return []
        leased_until = now + timedelta(seconds=webhook_lease_seconds())
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in batch]).update(
            leased_until=leased_until, attempts=F("attempts") + 1
        )
        for delivery in batch:
            delivery.leased_until, delivery.attempts = leased_until, delivery.attempts + 1
        attempts = WebhookDeliveryAttempt.objects.bulk_create(
            [WebhookDeliveryAttempt(delivery=d, started_at=now) for d in batch]
        )
    return list(zip(batch, attempts, strict=True))


def _post(*, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """One signed POST; (HTTP status or None, error text or "" on a 2xx)."""
    body = json.dumps(
        _event_body(event=delivery.event), cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Lanekassen-Webhooks/1",
        EVENT_ID_HEADER: str(delivery.event_id),
        EVENT_TYPE_HEADER: delivery.event.type,
        SIGNATURE_HEADER: webhook_signature(
            secret=delivery.subscription.secret, timestamp=timestamp, body=body
        ),
    }
    try:
        response = _session().post(
            delivery.subscription.url, data=body, headers=headers, timeout=webhook_timeout_seconds()
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if not 200 <= response.status_code < 300:
        return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"
    return response.status_code, ""


def webhook_delivery_send(*, delivery_id: int) -> SendResult:
    """Send a delivery once: POST the event as JSON, signed, to the subscription's URL. A
    2xx answer delivers it; anything else (or no answer within the timeout) schedules the
    next try after the backoff, or marks it dead after the last allowed try. Other due
    deliveries to the same subscription go along in the same call (a batch); the batch
    stops at the first failure or when half the lease is used, and gives the rest back.

    Locking: the deliveries are leased in one short transaction before the requests and
    written again after them; no transaction is open while waiting for the receiver."""
    started = time.monotonic()
    claimed = _claim(delivery_id=delivery_id, now=timezone.now())
    if not claimed:
        return SendResult(delivery=None)
    sent, retries, _stopped = _send_claimed(claimed=claimed, started=started)
    return SendResult(delivery=claimed[0][0], sent=sent, retries=retries)


def _send_claimed(
    *, claimed: list[tuple[WebhookDelivery, WebhookDeliveryAttempt]], started: float
) -> tuple[int, list[tuple[int, float]], bool]:
    """Send a claimed batch in order; stop at the first failure or when half the lease
    (from `started`) is used, giving the rest back. (sent, retries, stopped early)."""
    succeeded: list[tuple[WebhookDelivery, WebhookDeliveryAttempt, int | None]] = []
    retries: list[tuple[int, float]] = []
    stopped = False
    for index, (delivery, attempt) in enumerate(claimed):
        status_code, error = _post(delivery=delivery)
        if not error:
            succeeded.append((delivery, attempt, status_code))
        else:
            retry_in = _record_failure(
                delivery=delivery, attempt_id=attempt.pk, status_code=status_code, error=error
            )
            if retry_in is not None:
                retries.append((delivery.pk, retry_in))
        if error or time.monotonic() - started > webhook_lease_seconds() / 2:
            stopped = True
            _release(claimed=claimed[index + 1 :])
            break
    _record_successes(succeeded=succeeded)
    return len(succeeded), retries, stopped


@dataclass(frozen=True)
class SubscriptionSendResult:
    """What one run of `webhook_subscription_send` did: deliveries sent, (delivery id,
    seconds) of each failed try to retry, and whether due deliveries may remain (it
    stopped at a failure or at its time budget)."""

    sent: int = 0
    retries: list[tuple[int, float]] = field(default_factory=list)
    more: bool = False


def webhook_subscription_send(*, subscription_id: int) -> SubscriptionSendResult:
    """Send the subscription's due deliveries, batch after batch over one keep-alive
    connection, until none is due, a try fails (the receiver is in trouble: the backoff
    decides when to try again) or half a lease has passed (then `more`: queue another
    run). Deliveries other senders hold are skipped, so several senders of one
    subscription share the work; the same locking as `webhook_delivery_send`."""
    started = time.monotonic()
    sent, retries = 0, list[tuple[int, float]]()
    while True:
        claimed = _claim(subscription_id=subscription_id, now=timezone.now())
        if not claimed:
            return SubscriptionSendResult(sent=sent, retries=retries)
        batch_sent, batch_retries, stopped = _send_claimed(claimed=claimed, started=started)
        sent += batch_sent
        retries += batch_retries
        if stopped:
            return SubscriptionSendResult(sent=sent, retries=retries, more=not batch_retries)


def webhook_subscription_has_due(*, subscription_id: int) -> bool:
    """Whether the subscription has a pending delivery that is due and not leased."""
    now = timezone.now()
    return (
        WebhookDelivery.objects.filter(
            Q(leased_until__isnull=True) | Q(leased_until__lt=now),
            subscription_id=subscription_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
        )
        .only("pk")
        .exists()
    )


def _release(*, claimed: list[tuple[WebhookDelivery, WebhookDeliveryAttempt]]) -> None:
    # Not tried after all: as if never claimed.
    if not claimed:
        return
    with transaction.atomic():
        WebhookDeliveryAttempt.objects.filter(pk__in=[a.pk for _d, a in claimed]).delete()
        WebhookDelivery.objects.filter(pk__in=[d.pk for d, _a in claimed]).update(
            leased_until=None, attempts=F("attempts") - 1
        )


def _record_successes(*, succeeded: list[tuple[WebhookDelivery, WebhookDeliveryAttempt, int | None]]) -> None:
    if not succeeded:
        return
    now = timezone.now()
    with transaction.atomic():
        for status_code in {code for _d, _a, code in succeeded}:
            WebhookDeliveryAttempt.objects.filter(
                pk__in=[a.pk for _d, a, code in succeeded if code == status_code]
            ).update(
                finished_at=now, response_status=status_code, outcome=WebhookDeliveryAttempt.Outcome.SUCCEEDED
            )
        WebhookDelivery.objects.filter(pk__in=[d.pk for d, _a, _c in succeeded]).update(
            leased_until=None, status=WebhookDelivery.Status.DELIVERED, delivered_at=now
        )
    for delivery, _attempt, _code in succeeded:
        delivery.leased_until, delivery.status, delivery.delivered_at = (
            None,
            WebhookDelivery.Status.DELIVERED,
            now,
        )


def _record_failure(
    *, delivery: WebhookDelivery, attempt_id: int, status_code: int | None, error: str
) -> float | None:
    """Log the failed try; the seconds until the retry, or None when the delivery is dead."""
    now = timezone.now()
    retry_in = None
    fields: dict[str, Any] = {"leased_until": None}
    if delivery.attempts >= webhook_max_attempts():
        fields["status"] = WebhookDelivery.Status.DEAD
        logger.warning("webhook delivery %s dead after %s tries: %s", delivery.pk, delivery.attempts, error)
    else:
        retry_in = webhook_retry_delay(attempts=delivery.attempts)
        fields["next_attempt_at"] = now + timedelta(seconds=retry_in)
    with transaction.atomic():
        WebhookDeliveryAttempt.objects.filter(pk=attempt_id).update(
            finished_at=now,
            response_status=status_code,
            error=error[:500],
            outcome=WebhookDeliveryAttempt.Outcome.FAILED,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)
    return retry_in


def _event_body(*, event: DomainEvent) -> dict[str, Any]:
    from lanekassen_ai.services.events import domain_event_body

    return domain_event_body(event=event)


_SESSION: requests.Session | None = None


def _session() -> requests.Session:
    # One keep-alive connection pool per process: a burst of events reuses connections.
    global _SESSION
    if _SESSION is None:
        _SESSION = requests.Session()
    return _SESSION


def webhook_deliveries_relay(*, now: datetime | None = None) -> int:
    """The safety net, run by beat: marks attempts whose worker died (lease ran out) as
    lost, and enqueues again every pending delivery that is due and has waited longer than
    `WEBHOOK_RELAY_GRACE_SECONDS` past its time without a live lease (its task message
    was lost). Sending is exclusive (the lease), so a message enqueued twice sends once.
    Returns how many deliveries were enqueued."""
    now = now or timezone.now()
    grace = timedelta(seconds=_setting("WEBHOOK_RELAY_GRACE_SECONDS", 30))
    with transaction.atomic():
        WebhookDeliveryAttempt.objects.filter(
            Q(delivery__leased_until__lt=now) | Q(delivery__leased_until__isnull=True),
            outcome=WebhookDeliveryAttempt.Outcome.SENDING,
        ).update(
            outcome=WebhookDeliveryAttempt.Outcome.LOST,
            finished_at=now,
            error="worker stopped during the try",
        )
        stale = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now - grace)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:RELAY_BATCH]
        )
        if not stale:
            return 0
        # Due now, so the relay waits another grace period before sending it again.
        WebhookDelivery.objects.filter(pk__in=stale).update(next_attempt_at=now, leased_until=None)
        subscriptions = set(
            WebhookDelivery.objects.filter(pk__in=stale).values_list("subscription_id", flat=True)
        )
        _schedule_on_commit(subscriptions, force=True)
    logger.info("webhook relay enqueued %s deliveries", len(stale))
    return len(stale)


def webhook_delivery_redeliver(*, delivery: WebhookDelivery, context: AuditContext) -> WebhookDelivery:
    """Send a delivery again (dead, delivered or pending): a fresh round of tries from now.
    Its earlier attempts stay in the log. Audited."""
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        previous = locked.status
        locked.status = WebhookDelivery.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.leased_until = None
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "leased_until"])
        audit_record(
            action="webhook.delivery.redeliver",
            obj=locked,
            context=context,
            details={"event_id": str(locked.event_id), "previous_status": previous},
        )
        _schedule_on_commit({locked.subscription_id}, force=True)
    return locked
