"""Admin for the control app. Casework rows are read-only here: every change to a case goes
through the casework services so it is validated and audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from control.models import ControlCampaign, ControlCase, DoNotControlFlag, LetterTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """The agency edits its letters here. Allowed fields: {{ academic_year }},
    {{ deadline }}, {{ case_number }}, {{ national_id }}, {{ application_id }}."""

    list_display = ["title", "slug", "language", "updated_at"]
    search_fields = ["title", "slug", "body"]


@admin.register(ControlCampaign)
class ControlCampaignAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "academic_year",
        "status",
        "budget_count",
        "budget_share",
        "random_share",
        "created_at",
    ]
    list_filter = ["status", "academic_year"]
    list_select_related = ["model_version"]


@admin.register(ControlCase)
class ControlCaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "application", "selection_reason", "status", "outcome", "assigned_to"]
    list_filter = ["status", "selection_reason", "outcome"]
    list_select_related = ["campaign", "application", "assigned_to"]
    raw_id_fields = ["application"]


@admin.register(DoNotControlFlag)
class DoNotControlFlagAdmin(ReadOnlyAdmin):
    list_display = ["customer", "active", "created_by", "created_at"]
    list_filter = ["active"]
    list_select_related = ["customer", "created_by"]
