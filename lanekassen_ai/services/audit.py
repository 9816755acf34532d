"""Writing to the audit log. Every door (page, API, command, task) records through here."""

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import models

from lanekassen_ai.client_ip import client_ip
from lanekassen_ai.models import AuditEvent

logger = logging.getLogger(__name__)


def new_request_id() -> str:
    """A fresh id tying together everything one request, command or task run did."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class AuditContext:
    """Who acts, through which door and from where. Each door builds one (middleware for
    pages, `AuditContextAPIMixin` for the API, `AuditedCommand` for commands, `for_task`
    for Celery tasks) and hands it to the services, which never see the door's request."""

    actor: Any = None  # a user, or None for the system
    channel: str = "system"  # web, api, command, task or system
    ip_address: str | None = None
    request_id: str = field(default_factory=new_request_id)

    @classmethod
    def for_request(cls, request: Any, *, channel: str) -> "AuditContext":
        """The context of a page or API request (`request` a Django or DRF request)."""
        user = getattr(request, "user", None)
        return cls(
            actor=user if getattr(user, "is_authenticated", False) else None,
            channel=channel,
            ip_address=client_ip(request),
            request_id=getattr(request, "request_id", "") or new_request_id(),
        )

    @classmethod
    def for_command(cls, *, actor: Any = None) -> "AuditContext":
        """The context of a management command run by an operator."""
        return cls(actor=actor, channel="command")

    @classmethod
    def for_task(cls, *, actor_id: int | None = None, request_id: str = "") -> "AuditContext":
        """The context inside a Celery task, rebuilt from the primitives `as_task_kwargs`
        gave the task when it was enqueued."""
        actor = None
        if actor_id is not None:
            from django.contrib.auth import get_user_model

            actor = get_user_model().objects.filter(pk=actor_id).first()
        return cls(actor=actor, channel="task", request_id=request_id or new_request_id())

    @property
    def user(self) -> User:
        """The acting user, for doors that require a login (PermissionDenied without one)."""
        if self.actor is None or not getattr(self.actor, "is_authenticated", False):
            raise PermissionDenied
        return cast(User, self.actor)

    def as_task_kwargs(self) -> dict[str, Any]:
        """What a task needs to rebuild this context: primary key and request id only."""
        return {"actor_id": getattr(self.actor, "pk", None), "request_id": self.request_id}


def audit_record(
    *,
    action: str,
    context: AuditContext | None = None,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    channel: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: who (`actor`, or the context's actor), what (`action`, a dotted
    code such as ``control.case.decide``), which object, and from where (the `context`
    its door built: IP, channel — web, api, command, task — and request id).

    Call it inside the same transaction as the change it records, so that a rolled-back
    change leaves no event and a committed one always has its event. Without a context
    (work the system starts itself) the event has channel `channel` or "system".
    """
    request_id = ""
    ip_address = None
    if context is not None:
        actor = actor if actor is not None else context.actor
        channel = channel or context.channel
        request_id = context.request_id
        ip_address = context.ip_address
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    event = AuditEvent.objects.create(
        actor=user,  # type: ignore[misc]
        actor_username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        ip_address=ip_address,
        channel=channel or "system",
        request_id=request_id,
        details=details or {},
    )
    logger.info("audit %s by %s on %s:%s", action, event.actor_username or "-", object_type, object_id)
    return event
