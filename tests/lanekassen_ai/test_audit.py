"""The audit log is append-only through every door."""

import pytest
from django.test import Client
from django.urls import reverse

from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import audit_record


@pytest.fixture
def event(db: None, admin_user) -> AuditEvent:
    return audit_record(
        action="test.thing", actor=admin_user, object_type="x", object_id=1, channel="command"
    )


def test_it_records_who_what_which_object_and_channel(event: AuditEvent, admin_user) -> None:
    assert event.actor == admin_user
    assert event.actor_username == admin_user.username
    assert (event.action, event.object_type, event.object_id, event.channel) == (
        "test.thing",
        "x",
        "1",
        "command",
    )


def test_it_records_the_client_ip_from_the_request(rf, caseworker) -> None:
    request = rf.get("/control/", REMOTE_ADDR="10.1.2.3")
    request.user = caseworker
    event = audit_record(action="test.view", request=request)
    assert event.ip_address == "10.1.2.3"
    assert event.channel == "web"
    assert event.actor == caseworker


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(event: AuditEvent) -> None:
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_the_admin_can_read_but_not_change_or_delete_it(event: AuditEvent, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    change_url = reverse("admin:lanekassen_ai_auditevent_change", args=[event.pk])
    # Read-only view of the event: the page renders, but posting a change is refused.
    assert client.get(reverse("admin:lanekassen_ai_auditevent_changelist")).status_code == 200
    assert client.post(change_url, {"action": "tampered"}).status_code == 403
    delete_url = reverse("admin:lanekassen_ai_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:lanekassen_ai_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_even_a_superuser_cannot_change_it_in_the_admin(event: AuditEvent, django_user_model) -> None:
    root = django_user_model.objects.create_superuser("root", "root@example.invalid", "x")
    client = Client()
    client.force_login(root)
    change_url = reverse("admin:lanekassen_ai_auditevent_change", args=[event.pk])
    assert client.post(change_url, {"action": "tampered"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_the_api_lists_events_but_refuses_every_write(event: AuditEvent, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    before = AuditEvent.objects.count()
    listing = client.get("/api/v1/audit-events/", {"action": "test.thing"})
    assert listing.status_code == 200
    assert [e["action"] for e in listing.json()["results"]] == ["test.thing"]
    detail = f"/api/v1/audit-events/{event.pk}/"
    assert client.put(detail, {"action": "x"}, content_type="application/json").status_code == 405
    assert client.patch(detail, {"action": "x"}, content_type="application/json").status_code == 405
    assert client.delete(detail).status_code == 405
    assert (
        client.post("/api/v1/audit-events/", {"action": "x"}, content_type="application/json").status_code
        == 405
    )
    assert AuditEvent.objects.count() == before
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_an_integration_token_of_a_non_admin_cannot_read_it(event: AuditEvent, caseworker) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=caseworker)
    response = Client().get("/api/v1/audit-events/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_login_and_logout_are_audited(db: None, caseworker) -> None:
    client = Client()
    assert (
        client.post(
            reverse("login"), {"username": caseworker.username, "password": "test-password-123"}
        ).status_code
        == 302
    )
    client.post(reverse("logout"))
    actions = list(
        AuditEvent.objects.filter(actor_username=caseworker.username).values_list("action", flat=True)
    )
    assert "auth.login" in actions and "auth.logout" in actions


def test_the_admin_role_can_open_the_control_and_chat_models_in_the_admin(admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:control_application_changelist")).status_code == 200
    assert client.get(reverse("admin:chat_intent_changelist")).status_code == 200
