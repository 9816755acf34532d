"""/api/v1/webhooks/…: subscriptions and deliveries for the admin role
(lanekassen_ai/api/events.py)."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lanekassen_ai.models import AuditEvent, DomainEvent, WebhookDelivery, WebhookSubscription
from lanekassen_ai.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _admin() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.ADMIN))
    return client


def test_creating_a_subscription_shows_its_secret_once_and_audits_without_it() -> None:
    client = _admin()
    created = client.post(
        reverse("webhook-subscription-list"),
        {
            "name": "Reskontro",
            "url": "https://ledger.example.invalid/hooks",
            "event_types": ["control.case.decided"],
        },
        format="json",
    )
    assert created.status_code == 201 and len(created.json()["secret"]) >= 32
    listed = client.get(reverse("webhook-subscription-list")).json()["results"]
    assert listed[0]["name"] == "Reskontro" and "secret" not in listed[0]
    event = AuditEvent.objects.get(action="webhook.subscription.create")
    assert created.json()["secret"] not in str(event.details)


def test_a_subscription_to_an_unknown_type_or_a_bad_url_is_refused_with_400() -> None:
    response = _admin().post(
        reverse("webhook-subscription-list"),
        {"name": "x", "url": "ftp://example.invalid", "event_types": ["control.case.exploded"]},
        format="json",
    )
    assert response.status_code == 400
    assert "event_types" in response.json() and "url" in response.json()
    assert not WebhookSubscription.objects.exists()


def test_rotating_the_secret_returns_a_new_one() -> None:
    client = _admin()
    created = client.post(
        reverse("webhook-subscription-list"),
        {"name": "CRM", "url": "https://crm.example.invalid/in", "event_types": ["chat.conversation.closed"]},
        format="json",
    ).json()
    rotated = client.post(reverse("webhook-subscription-rotate-secret", args=[created["id"]])).json()
    assert rotated["secret"] != created["secret"]
    assert WebhookSubscription.objects.get().secret == rotated["secret"]


def test_the_admin_sees_deliveries_with_their_attempts_and_can_redeliver(
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = WebhookSubscription.objects.create(
        name="x",
        url="http://127.0.0.1:9/nothing-listens",
        event_types=["control.risk_model.activated"],
        secret="s" * 32,
    )
    event = DomainEvent.objects.create(type="control.risk_model.activated", version=1, payload={})
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event=event, status=WebhookDelivery.Status.DEAD, attempts=12
    )
    client = _admin()
    listed = client.get(reverse("webhook-delivery-list"), {"status": "dead"}).json()["results"]
    assert [d["id"] for d in listed] == [delivery.pk] and listed[0]["event"]["id"] == str(event.id)
    with django_capture_on_commit_callbacks(execute=True):  # eager: the try runs (and fails) at once
        redelivered = client.post(reverse("webhook-delivery-redeliver", args=[delivery.pk]))
    assert redelivered.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
    assert [a.outcome for a in delivery.attempt_log.all()] == ["failed"]
    assert AuditEvent.objects.filter(action="webhook.delivery.redeliver").exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MANAGER, Role.MODELLER])
def test_only_the_admin_role_manages_webhooks(role: Role) -> None:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    response = client.post(
        reverse("webhook-subscription-list"),
        {"name": "x", "url": "https://example.invalid", "event_types": ["control.case.decided"]},
        format="json",
    )
    assert response.status_code == 403


def test_the_django_admin_creates_a_subscription_through_the_service_and_lists_deliveries() -> None:
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN))
    response = client.post(
        reverse("admin:lanekassen_ai_webhooksubscription_add"),
        {
            "name": "Arkiv",
            "url": "https://archive.example.invalid/hook",
            "event_types": ["control.case.decided", "control.campaign.confirmed"],
            "active": "on",
            "secret": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_types == ["control.campaign.confirmed", "control.case.decided"]
    assert len(subscription.secret) >= 32
    assert AuditEvent.objects.filter(action="webhook.subscription.create", channel="web").exists()
    for name in (
        "admin:lanekassen_ai_webhooksubscription_changelist",
        "admin:lanekassen_ai_webhookdelivery_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200
    refused = client.post(
        reverse("admin:lanekassen_ai_webhooksubscription_add"),
        {"name": "x", "url": "https://x.example.invalid", "event_types": [], "secret": ""},
    )
    assert refused.status_code == 200 and WebhookSubscription.objects.count() == 1
