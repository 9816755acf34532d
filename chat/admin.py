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
        "requeue_after_minutes",
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


# --- The assistants' knowledge (intents, phrases, model versions, review) ---

from chat.models import Assistant, Intent, IntentModelVersion, ReviewItem, TrainingPhrase  # noqa: E402


@admin.register(Assistant)
class AssistantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]


class TrainingPhraseInline(admin.TabularInline):
    model = TrainingPhrase
    extra = 1
    fields = ["text", "language", "source"]


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    """Answers, action and queue are edited here; the slug is API and stays as loaded."""

    list_display = ["slug", "assistant", "title_nb", "action", "queue", "active"]
    list_filter = ["assistant", "action", "queue", "active"]
    search_fields = ["slug", "title_nb", "title_nn", "title_en", "answer_nb", "answer_nn"]
    list_select_related = ["assistant", "queue"]
    inlines = [TrainingPhraseInline]

    def get_readonly_fields(self, request, obj=None):
        return ["assistant", "slug"] if obj is not None else []


@admin.register(IntentModelVersion)
class IntentModelVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are written by training, activated from the model page."""

    list_display = [
        "assistant",
        "version",
        "status",
        "answer_threshold",
        "clarify_threshold",
        "n_phrases",
        "trained_at",
    ]
    list_filter = ["assistant", "status"]
    readonly_fields = [f.name for f in IntentModelVersion._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["text", "assistant", "reason", "predicted_intent", "confidence", "status", "created_at"]
    list_filter = ["assistant", "reason", "status"]
    search_fields = ["text"]
    list_select_related = ["assistant", "predicted_intent"]
    raw_id_fields = ["message"]
