from rest_framework import serializers

from lanekassen_ai.models import AuditEvent


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
