"""Writing to the audit log. Every door (page, API, command, task) records through here."""

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest

from lanekassen_ai.client_ip import client_ip
from lanekassen_ai.models import AuditEvent

logger = logging.getLogger(__name__)


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    request: HttpRequest | None = None,
    channel: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: who (`actor`, or the request's user), what (`action`, a dotted
    code such as ``control.case.decide``), which object, and from where (IP and channel:
    web, api, command, task).

    Call it inside the same transaction as the change it records, so that a rolled-back
    change leaves no event and a committed one always has its event.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    if request is not None and not channel:
        channel = "api" if request.path.startswith("/api/") else "web"
    event = AuditEvent.objects.create(
        actor=user,  # type: ignore[misc]
        actor_username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        ip_address=client_ip(request) if request is not None else None,
        channel=channel or "system",
        details=details or {},
    )
    logger.info("audit %s by %s on %s:%s", action, event.actor_username or "-", object_type, object_id)
    return event
