"""The audit log is append-only through every door."""

import pytest
from django.test import Client
from django.urls import reverse

from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext, audit_record


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
    event = audit_record(action="test.view", context=AuditContext.for_request(request, channel="web"))
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


def test_every_response_carries_a_request_id_that_its_audit_events_share(db: None, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("audit-log"))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    event = AuditEvent.objects.get(action="audit.view")
    assert (event.request_id, event.channel, event.actor_username) == (request_id, "web", admin_user.username)


def test_a_service_records_from_the_context_its_door_built(db: None, caseworker) -> None:
    from lanekassen_ai.services.audit import AuditContext

    context = AuditContext(actor=caseworker, channel="api", ip_address="192.0.2.7", request_id="r1")
    event = audit_record(action="test.thing", context=context)
    assert (event.actor_username, event.channel, event.ip_address, event.request_id) == (
        caseworker.username,
        "api",
        "192.0.2.7",
        "r1",
    )


def test_a_task_rebuilds_the_context_from_primary_keys(db: None, caseworker) -> None:
    import json

    from lanekassen_ai.services.audit import AuditContext

    kwargs = AuditContext(actor=caseworker, channel="web", request_id="abc").as_task_kwargs()
    assert json.loads(json.dumps(kwargs)) == {"actor_id": caseworker.pk, "request_id": "abc"}
    context = AuditContext.for_task(**kwargs)
    assert (context.actor, context.channel, context.request_id) == (caseworker, "task", "abc")


def test_a_command_records_with_channel_command(db: None) -> None:
    from lanekassen_ai.management.base import AuditedCommand

    command = AuditedCommand()
    event = audit_record(action="test.thing", context=command.audit_context)
    assert event.channel == "command"
    assert event.request_id == command.audit_context.request_id


def test_the_api_context_sees_the_token_user(db: None, admin_user) -> None:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIRequestFactory, force_authenticate
    from rest_framework.views import APIView

    from lanekassen_ai.api.mixins import AuditContextAPIMixin

    seen = {}

    class Probe(AuditContextAPIMixin, APIView):
        def get(self, request):
            from rest_framework.response import Response

            seen["context"] = self.audit_context
            return Response({})

    token = Token.objects.create(user=admin_user)
    request = APIRequestFactory().get("/api/v1/probe/", REMOTE_ADDR="192.0.2.9")
    force_authenticate(request, user=admin_user, token=token)
    Probe.as_view()(request)
    assert seen["context"].actor == admin_user
    assert seen["context"].channel == "api"
    assert seen["context"].ip_address == "192.0.2.9"
