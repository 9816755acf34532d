from typing import Any

from rest_framework import viewsets

from lanekassen_ai.api.filters import AuditEventFilter
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import AuditEventSerializer
from lanekassen_ai.roles import Capability
from lanekassen_ai.selectors import audit_event_list


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only: no method here can change or delete an event."""

    serializer_class = AuditEventSerializer
    permission_classes = [HasCapability(Capability.VIEW_AUDIT_LOG)]
    filterset_class = AuditEventFilter
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return audit_event_list()
