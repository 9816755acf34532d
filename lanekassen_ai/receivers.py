"""Thin receivers for Django's auth signals: they only hand over to the audit service."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from lanekassen_ai.services.audit import AuditContext, audit_record
from lanekassen_ai.services.roles import roles_sync


def _context(request: Any) -> AuditContext | None:
    # Logins come through the pages (the login form, the admin, ID-porten).
    return AuditContext.for_request(request, channel="web") if request is not None else None


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.login", actor=user, context=_context(request), obj=user)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, context=_context(request), obj=user)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The username tried is kept; the password never reaches the signal's credentials.
    audit_record(
        action="auth.login_failed",
        context=_context(request),
        details={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(post_migrate)
def _roles_sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    # Model permissions are created by post_migrate too, app by app; syncing after each
    # (idempotent, a few queries) leaves the admin role with every model's permissions.
    roles_sync()
