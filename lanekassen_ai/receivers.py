"""Thin receivers for Django's auth signals: they only hand over to the audit service."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lanekassen_ai.services.audit import audit_record


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.login", actor=user, request=request, obj=user)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, request=request, obj=user)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The username tried is kept; the password never reaches the signal's credentials.
    audit_record(
        action="auth.login_failed",
        request=request,
        details={"username": str(credentials.get("username", ""))[:150]},
    )
