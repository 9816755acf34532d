"""Filters of the project's own API: the audit log reads the same filters as its page."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from lanekassen_ai.models import AuditEvent
from lanekassen_ai.selectors import audit_event_list


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(method="_noop", help_text="Action code or its beginning.")
    actor_username = django_filters.CharFilter(method="_noop")
    object_type = django_filters.CharFilter(method="_noop")
    object_id = django_filters.CharFilter(method="_noop")
    date_from = django_filters.DateFilter(method="_noop", help_text="First day (agency time zone).")
    date_to = django_filters.DateFilter(method="_noop", help_text="Last day, included.")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def _noop(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        return queryset  # applied together in filter_queryset, through the one selector

    def filter_queryset(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.form.cleaned_data
        return audit_event_list(
            action_prefix=(data.get("action") or "").strip(),
            actor_username=(data.get("actor_username") or "").strip(),
            object_type=(data.get("object_type") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
