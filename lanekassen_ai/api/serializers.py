from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from lanekassen_ai.models import AuditEvent


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A case viewed",
            response_only=True,
            status_codes=["200"],
            value={
                "id": 90321,
                "created_at": "2026-12-01T10:02:44Z",
                "actor_username": "saksbehandler1",
                "action": "control.case.view",
                "object_type": "control.ControlCase",
                "object_id": "812",
                "object_repr": "Kontrollsak 812",
                "ip_address": "10.0.4.17",
                "channel": "web",
                "request_id": "4f1c2b9e-2d7a-4a55-9f0e-3c1b8a6d7e21",
                "details": {},
            },
        ),
    ]
)
class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "ip_address",
            "channel",
            "request_id",
            "details",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """The body of an error answer (4xx, 503): what went wrong, in words."""

    detail = serializers.CharField()
