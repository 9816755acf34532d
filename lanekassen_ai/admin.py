from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lanekassen_ai.models import AuditEvent
from lanekassen_ai.roles import Capability, perm


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the admin can search the trail but never add, change or delete in it."""

    list_display = [
        "created_at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "channel",
        "ip_address",
    ]
    list_filter = ["channel", "action"]
    search_fields = ["actor_username", "action", "object_id", "object_repr"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(perm(Capability.VIEW_AUDIT_LOG))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
