"""Reads shared by the apps: the audit trail and role membership."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from lanekassen_ai.models import AuditEvent
from lanekassen_ai.roles import Role


def audit_event_list(
    *, action_prefix: str = "", object_type: str = "", object_id: str = "", actor_username: str = ""
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, optionally narrowed to an action family or one object."""
    qs = AuditEvent.objects.select_related("actor").all()
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor_username:
        qs = qs.filter(actor_username=actor_username)
    return qs


def user_roles(*, user: AbstractBaseUser | AnonymousUser) -> list[Role]:
    """The roles (groups) a user has, in the order they are declared."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr,attr-defined]
    return [role for role in Role if role.value in names]
