"""Admin for the control app. Casework rows are read-only here: every change to a case goes
through the casework services so it is validated and audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from control.models import (
    Application,
    ControlCampaign,
    ControlCase,
    Customer,
    DoNotControlFlag,
    ImportRun,
    LetterTemplate,
    RiskModelVersion,
    RiskScore,
    ScoringRun,
)


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


# Register data, imports, the model registry and scores: read-only, because every write
# goes through the import, training, registry and scoring services (validated, audited).
# Only admins reach the admin, and they may see personal data.


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["customer_id", "birth_date", "gender", "birth_country_group", "updated_at"]
    search_fields = ["customer_id"]
    show_full_result_count = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "application_id",
        "customer",
        "academic_year",
        "controlled",
        "control_reason",
        "control_outcome",
    ]
    list_filter = ["academic_year", "controlled", "control_reason", "control_outcome"]
    search_fields = ["application_id", "customer__customer_id"]
    list_select_related = ["customer"]
    show_full_result_count = False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "status",
        "rows_total",
        "rows_imported",
        "rows_rejected",
        "started_by",
        "started_at",
    ]
    list_filter = ["status"]
    list_select_related = ["started_by"]


@admin.register(RiskModelVersion)
class RiskModelVersionAdmin(ReadOnlyAdmin):
    list_display = ["version", "status", "algorithm", "test_year", "n_train", "n_test", "trained_at"]
    list_filter = ["status", "algorithm"]


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ["model_version", "academic_year", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["status", "academic_year"]
    list_select_related = ["model_version"]


@admin.register(RiskScore)
class RiskScoreAdmin(ReadOnlyAdmin):
    list_display = ["application", "model_version", "academic_year", "score", "rank", "percentile"]
    list_filter = ["academic_year"]
    list_select_related = ["model_version"]
    show_full_result_count = False
