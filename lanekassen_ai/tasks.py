"""Project-level tasks."""

from typing import Any

from celery import shared_task

from lanekassen_ai.services.events import domain_events_number
from lanekassen_ai.services.health import health_check_all
from lanekassen_ai.services.idempotency import idempotency_keys_expire
from lanekassen_ai.services.webhooks import (
    webhook_deliveries_relay,
    webhook_delivery_send,
    webhook_send_schedule,
    webhook_sender_slot_release,
    webhook_subscription_has_due,
    webhook_subscription_send,
)


@shared_task(name="lanekassen_ai.health_check")
def health_check() -> dict[str, Any]:
    """Run the health checks inside a worker: proves the worker reaches the database."""
    return health_check_all()


@shared_task(name="lanekassen_ai.webhook_delivery_send", bind=True, ignore_result=True)
def webhook_delivery_send_task(self: Any, delivery_id: int) -> dict[str, Any]:
    """Send a webhook delivery once, with the other due ones of its subscription (see
    lanekassen_ai.services.webhooks). After a failed try a delayed message is scheduled for
    the retry; if it is lost, the relay sends it."""
    result = webhook_delivery_send(delivery_id=delivery_id)
    if not self.app.conf.task_always_eager:
        for retry_id, retry_in in result.retries:
            self.apply_async((retry_id,), countdown=retry_in)
    status = result.delivery.status if result.delivery is not None else "skipped"
    return {"delivery": delivery_id, "status": status, "sent": result.sent, "retries": len(result.retries)}


@shared_task(name="lanekassen_ai.webhook_subscription_send", bind=True, ignore_result=True)
def webhook_subscription_send_task(
    self: Any, subscription_id: int, slot: int | None = None
) -> dict[str, Any]:
    """Send the subscription's due deliveries (one message for a whole burst; see
    lanekassen_ai.services.webhooks). `slot` is the sender slot this message holds: kept
    while there is more to send, given back when done."""
    result = webhook_subscription_send(subscription_id=subscription_id)
    if not self.app.conf.task_always_eager:
        if result.retries:  # one message for the earliest retry; it sends whatever is due then
            self.apply_async((subscription_id, None), countdown=min(delay for _id, delay in result.retries))
        if result.more:
            self.apply_async((subscription_id, slot))
            return {"subscription": subscription_id, "sent": result.sent, "more": True}
    if slot is not None:
        webhook_sender_slot_release(subscription_id=subscription_id, slot=slot)
        # A delivery committed while every slot was taken relies on a sender seeing it:
        # look once more after giving the slot back.
        if webhook_subscription_has_due(subscription_id=subscription_id):
            webhook_send_schedule(subscription_id=subscription_id)
    return {"subscription": subscription_id, "sent": result.sent, "retries": len(result.retries)}


@shared_task(name="lanekassen_ai.webhook_deliveries_relay")
def webhook_deliveries_relay_task() -> dict[str, int]:
    """Beat, every few seconds: number new events for the feed and send again the webhook
    deliveries whose message was lost or whose worker died."""
    return {"numbered": domain_events_number(), "enqueued": webhook_deliveries_relay()}


@shared_task(name="lanekassen_ai.idempotency_keys_expire")
def idempotency_keys_expire_task() -> dict[str, int]:
    """Beat, hourly: forget idempotency keys older than their lifetime (24 h)."""
    return {"deleted": idempotency_keys_expire()}
