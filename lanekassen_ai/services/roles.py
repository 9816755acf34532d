"""Creating the role groups and giving them their capabilities."""

from typing import Any

from lanekassen_ai.roles import ROLE_CAPABILITIES, Capability, Role

# The Django admin checks model permissions; the admin role gets those of these apps.
# (The audit log's admin is read-only whatever the permissions say.)
ADMIN_MODEL_APPS = ("auth", "authtoken", "control", "chat", "django_celery_beat", "lanekassen_ai")


def roles_sync(*, apps: Any = None) -> None:
    """Create every role group and capability permission and set each group's permissions
    to exactly its capabilities. Idempotent. `apps` is the migration state's registry when
    called from a migration, else the live one. Runs again after every `migrate` (model
    permissions only exist once all apps have migrated)."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="lanekassen_ai", model="accesspolicy")
    permissions = {}
    for capability in Capability:
        permission, _ = Permission.objects.update_or_create(
            content_type=content_type, codename=capability.value, defaults={"name": capability.label}
        )
        permissions[capability] = permission
    model_permissions = list(
        Permission.objects.filter(content_type__app_label__in=ADMIN_MODEL_APPS).exclude(
            content_type=content_type
        )
    )
    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        extra = model_permissions if role == Role.ADMIN else []
        group.permissions.set([permissions[c] for c in capabilities] + extra)
