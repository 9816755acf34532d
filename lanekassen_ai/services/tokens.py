"""API tokens for integration clients: each token belongs to a user with a role."""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from lanekassen_ai.selectors import user_roles
from lanekassen_ai.services.audit import audit_record


class TokenError(ValueError):
    """The token cannot be issued; the message says why."""


@transaction.atomic
def api_token_issue(*, username: str, rotate: bool = False) -> Token:
    """Issue (or, with `rotate`, replace) the DRF token of an existing user who holds a
    role. A user without a role would get a token that opens nothing, so it is refused."""
    User = get_user_model()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise TokenError(f"No user named {username!r}.") from None
    if not user.is_active:
        raise TokenError(f"User {username!r} is deactivated.")
    if not user_roles(user=user):
        raise TokenError(f"User {username!r} has no role; give it a role (group) first.")
    if rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    audit_record(
        action="auth.api_token.rotate" if rotate else "auth.api_token.issue",
        actor=None,
        obj=user,
        channel="command",
        details={"created": created},
    )
    return token
