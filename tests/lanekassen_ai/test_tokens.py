import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.tokens import TokenError, api_token_issue


def test_a_token_authenticates_an_integration_with_its_users_role(admin_user, capsys) -> None:
    call_command("issue_api_token", admin_user.username)
    key = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/audit-events/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.api_token.issue", object_id=str(admin_user.pk)).exists()


def test_rotating_replaces_the_old_token(caseworker) -> None:
    old = api_token_issue(username=caseworker.username).key
    new = api_token_issue(username=caseworker.username, rotate=True).key
    assert old != new
    assert Client().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert Client().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_a_user_without_a_role_gets_no_token(make_user) -> None:
    user = make_user(username="no-role")
    with pytest.raises(TokenError, match="no role"):
        api_token_issue(username=user.username)


def test_the_command_fails_clearly_for_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_api_token", "ghost")


def test_an_anonymous_api_call_gets_401_with_a_token_challenge(db: None) -> None:
    response = Client().get("/api/v1/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
