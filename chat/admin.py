"""Admin for the chat app. Queue set-up (opening hours, priorities, targets) is edited here;
rollups are read-only (rebuild them with `rebuild_queue_stats`)."""

from django.contrib import admin

from chat.models import AgentStatus, OpeningHours, Queue, QueueSlotStat


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "priority",
        "service_level_target_seconds",
        "abandon_after_seconds",
        "active",
    ]
    list_editable = ["priority", "active"]
    inlines = [OpeningHoursInline]


@admin.register(AgentStatus)
class AgentStatusAdmin(admin.ModelAdmin):
    list_display = ["user", "state", "capacity", "updated_at"]
    list_select_related = ["user"]
    filter_horizontal = ["queues"]


@admin.register(QueueSlotStat)
class QueueSlotStatAdmin(admin.ModelAdmin):
    list_display = ["queue", "slot_start", "offered", "answered", "abandoned", "answered_within_target"]
    list_filter = ["queue"]
    list_select_related = ["queue"]
    date_hierarchy = "slot_start"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
