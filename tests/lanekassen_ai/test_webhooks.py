"""Webhook delivery (lanekassen_ai/services/webhooks.py) against a real HTTP receiver on
127.0.0.1, a real Redis broker and real Celery workers (in a thread, and as `celery worker`
subprocesses that the test kills)."""

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from control.models import ControlCase
from lanekassen_ai.models import DomainEvent, WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription
from lanekassen_ai.services.audit import AuditContext
from lanekassen_ai.services.webhooks import (
    webhook_deliveries_relay,
    webhook_delivery_redeliver,
    webhook_delivery_send,
    webhook_signature,
    webhook_subscription_create,
)
from tests.conftest import require_postgresql
from tests.control.casework_helpers import decide_with_due_process
from tests.control.factories import ControlCaseFactory
from tests.factories import UserFactory
from tests.lanekassen_ai.webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-test-secret-that-is-long-enough-1234"


def docs_verify_webhook() -> Callable[..., bool]:
    """The verification example of docs/integrations.md, run as written."""
    text = (ROOT / "docs" / "integrations.md").read_text()
    code = re.search(r"<!-- verify-example -->\n```python\n(.*?)```", text, re.S)
    assert code is not None, "docs/integrations.md lost its verification example"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "docs/integrations.md", "exec"), namespace)  # noqa: S102
    return namespace["verify_webhook"]


def wait_for(condition: Callable[[], bool], *, timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.release.set()
    server.stop()


def subscribe(url: str, types: tuple[str, ...] = ("control.case.decided",)) -> WebhookSubscription:
    return webhook_subscription_create(
        name="Reskontro", url=url, event_types=list(types), secret=SECRET, context=AuditContext()
    )


def decide() -> ControlCase:
    # "Avdekket" the way due process allows it: documentation requested, a document reviewed.
    return decide_with_due_process(
        case=ControlCaseFactory(),
        outcome="CAUGHT",
        justification="Bor hjemme ifølge folkeregisteret.",
        caseworker=UserFactory(),
    )


def test_a_decision_reaches_a_real_receiver_signed_with_the_subscription_secret(
    redis_celery_worker: Any, receiver: WebhookReceiver
) -> None:
    subscribe(receiver.url)
    case = decide()
    wait_for(lambda: receiver.count() == 1, what="the webhook")
    got = receiver.received[0]
    verify_webhook = docs_verify_webhook()
    assert verify_webhook(secret=SECRET, signature_header=got.headers["Lanekassen-Signature"], body=got.body)
    assert not verify_webhook(
        secret="another-secret", signature_header=got.headers["Lanekassen-Signature"], body=got.body
    )
    assert not verify_webhook(
        secret=SECRET,
        signature_header=got.headers["Lanekassen-Signature"],
        body=got.body.replace(b"CAUGHT", b"CLEARED"),
    )
    body = json.loads(got.body)
    event = DomainEvent.objects.get(type="control.case.decided")
    assert body["id"] == str(event.id) == got.headers["Lanekassen-Event-Id"]
    assert body["type"] == "control.case.decided" and body["version"] == 1
    assert body["data"]["case_id"] == case.pk and body["data"]["outcome"] == "CAUGHT"
    wait_for(
        lambda: WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED,
        what="delivered status",
    )


def test_the_docs_example_refuses_an_old_timestamp() -> None:
    verify_webhook = docs_verify_webhook()
    body = b'{"id": "x"}'
    old = webhook_signature(secret=SECRET, timestamp=int(time.time()) - 3600, body=body)
    fresh = webhook_signature(secret=SECRET, timestamp=int(time.time()), body=body)
    assert verify_webhook(secret=SECRET, signature_header=fresh, body=body)
    assert not verify_webhook(secret=SECRET, signature_header=old, body=body)


def test_a_receiver_that_is_down_gets_the_event_with_backoff_once_it_is_back_up(
    redis_celery_worker: Any, receiver: WebhookReceiver
) -> None:
    subscribe(receiver.url)
    receiver.stop()  # the port is known; nothing listens there now
    decide()
    delivery = WebhookDelivery.objects.get()
    wait_for(
        lambda: WebhookDeliveryAttempt.objects.filter(outcome="failed").count() >= 3,
        what="three failed tries",
    )
    assert receiver.count() == 0
    receiver.start()
    wait_for(
        lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDelivery.Status.DELIVERED,
        what="delivery after the receiver is back",
    )
    assert receiver.count() == 1
    attempts = list(WebhookDeliveryAttempt.objects.filter(delivery=delivery).order_by("started_at"))
    assert [a.outcome for a in attempts][-1] == "succeeded"
    assert all(a.outcome == "failed" and "ConnectionError" in a.error for a in attempts[:-1])
    gaps = [(b.started_at - a.started_at).total_seconds() for a, b in itertools.pairwise(attempts)]
    # Backoff 0.2 s, 0.4 s, 0.8 s … (test settings): each wait at least its step, and growing.
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 and gaps[1] > gaps[0]


def test_a_delivery_is_dead_after_the_last_try_and_the_admin_can_redeliver_it(
    db: None, receiver: WebhookReceiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    subscription = subscribe(receiver.url)
    with django_settings_eager_off():
        decide()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    for _ in range(3):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhook_delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DEAD and delivery.attempts == 3
    assert webhook_delivery_send(delivery_id=delivery.pk).delivery is None  # dead: not tried again
    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_redeliver(delivery=delivery, context=AuditContext(actor=UserFactory()))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED  # eager: sent after commit
    outcomes = list(delivery.attempt_log.values_list("outcome", "response_status"))
    assert outcomes == [("failed", 500)] * 3 + [("succeeded", 204)]
    assert receiver.count() == 4


class django_settings_eager_off:
    """Emit without sending (as if the enqueue after commit were lost)."""

    def __enter__(self) -> None:
        from lanekassen_ai.services import webhooks

        self._original = webhooks.webhook_send_schedule
        webhooks.webhook_send_schedule = lambda **k: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        from lanekassen_ai.services import webhooks

        webhooks.webhook_send_schedule = self._original


def test_the_relay_sends_a_delivery_whose_task_message_was_lost(
    db: None, receiver: WebhookReceiver, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(receiver.url)
    with django_settings_eager_off():
        decide()
    assert receiver.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_relay() == 1  # grace 0 s in tests; eager: sent on commit
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    assert receiver.count() == 1
    assert webhook_deliveries_relay() == 0


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lanekassen_ai",
            "worker",
            "-P",
            "solo",
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_delivery_still_delivers_the_event_with_the_same_id(
    transactional_db: None, receiver: WebhookReceiver
) -> None:
    require_postgresql()
    from lanekassen_ai.celery import app

    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("This test needs a Redis broker: set CELERY_BROKER_URL=redis://...")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lanekassen_ai.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    app.conf.task_always_eager = False
    app.control.purge()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        receiver.hold_first.set()  # the first request hangs: the worker is mid-delivery
        subscribe(receiver.url)
        decide()
        workers.append(_worker(env))
        wait_for(receiver.got_request.is_set, timeout=60, what="the first worker to start sending")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        receiver.release.set()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.PENDING
        workers.append(_worker(env))
        # The beat relay's job, done here: once the dead worker's lease ran out, send again.
        wait_for(lambda: webhook_deliveries_relay() > 0 or receiver.count() > 1, timeout=30, what="the relay")
        wait_for(
            lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDelivery.Status.DELIVERED,
            timeout=60,
            what="delivery by the second worker",
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(20)
        app.conf.task_always_eager = True
    ids = {r.headers["Lanekassen-Event-Id"] for r in receiver.received}
    assert receiver.count() >= 2 and ids == {str(DomainEvent.objects.get(type="control.case.decided").id)}
    assert {json.loads(r.body)["id"] for r in receiver.received} == ids
    outcomes = list(WebhookDeliveryAttempt.objects.order_by("started_at").values_list("outcome", flat=True))
    assert outcomes[0] == "lost" and outcomes[-1] == "succeeded"


def test_due_deliveries_to_one_receiver_go_out_together_and_a_failure_gives_the_rest_back(
    db: None, receiver: WebhookReceiver
) -> None:
    subscribe(receiver.url)
    with django_settings_eager_off():
        for _ in range(4):
            decide()
    first = WebhookDelivery.objects.order_by("pk").first()
    assert first is not None
    result = webhook_delivery_send(delivery_id=first.pk)
    assert result.sent == 4 and receiver.count() == 4
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {WebhookDelivery.Status.DELIVERED}

    receiver.status = 503
    with django_settings_eager_off():
        for _ in range(3):
            decide()
    pending = list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).order_by("pk"))
    result = webhook_delivery_send(delivery_id=pending[0].pk)
    assert result.sent == 0 and [pk for pk, _delay in result.retries] == [pending[0].pk]
    others = WebhookDelivery.objects.filter(pk__in=[d.pk for d in pending[1:]])
    assert [(d.attempts, d.leased_until) for d in others] == [(0, None), (0, None)]  # untouched
    assert not WebhookDeliveryAttempt.objects.filter(delivery__in=others).exists()


def test_one_sender_sends_a_whole_burst_batch_after_batch_and_stops_at_a_failure(
    db: None, receiver: WebhookReceiver, settings: Any
) -> None:
    from lanekassen_ai.services.webhooks import webhook_subscription_has_due, webhook_subscription_send

    settings.WEBHOOK_BATCH_SIZE = 2
    subscription = subscribe(receiver.url)
    with django_settings_eager_off():
        for _ in range(5):
            decide()
    result = webhook_subscription_send(subscription_id=subscription.pk)
    assert (result.sent, result.retries, result.more) == (5, [], False)
    assert receiver.count() == 5 and not webhook_subscription_has_due(subscription_id=subscription.pk)

    receiver.status = 503
    with django_settings_eager_off():
        for _ in range(3):
            decide()
    result = webhook_subscription_send(subscription_id=subscription.pk)
    assert result.sent == 0 and len(result.retries) == 1 and not result.more
    assert WebhookDeliveryAttempt.objects.filter(outcome="failed").count() == 1  # the others untouched
    assert webhook_subscription_has_due(subscription_id=subscription.pk)


def test_a_subscription_has_a_bounded_number_of_sender_slots_in_the_broker(db: None, settings: Any) -> None:
    from lanekassen_ai.celery import app
    from lanekassen_ai.services.webhooks import webhook_sender_slot_claim, webhook_sender_slot_release

    if not django_settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("This test needs a Redis broker: set CELERY_BROKER_URL=redis://...")
    settings.WEBHOOK_SENDERS_PER_SUBSCRIPTION = 2
    subscription_id = 10**9 + os.getpid()  # no real subscription: only the slot keys
    app.conf.task_always_eager = False
    try:
        slots = [webhook_sender_slot_claim(subscription_id=subscription_id) for _ in range(3)]
        assert slots == [0, 1, None]  # a third schedule sends no message: a sender is coming
        webhook_sender_slot_release(subscription_id=subscription_id, slot=0)
        assert webhook_sender_slot_claim(subscription_id=subscription_id) == 0
    finally:
        for slot in (0, 1):
            webhook_sender_slot_release(subscription_id=subscription_id, slot=slot)
        app.conf.task_always_eager = True
