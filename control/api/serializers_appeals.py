"""Serializers of appeals and letters, shared by the appeal endpoints and the case detail."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from control.models import Appeal, Letter


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An appeal received",
            response_only=True,
            status_codes=["200", "201"],
            value={
                "id": 63,
                "case": 812,
                "decision": 230,
                "decision_version": 1,
                "source": "STUDENT",
                "text": "Jeg bodde på hybelen hele studieåret, se vedlagt leiekontrakt.",
                "documents": [5120],
                "received_at": "2026-12-01T11:02:00Z",
                "deadline": "2026-12-29",
                "status": "RECEIVED",
                "result_justification": "",
                "decided_at": None,
                "new_decision": None,
                "new_decision_version": None,
            },
        ),
    ]
)
class AppealSerializer(serializers.ModelSerializer):
    documents: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decision_version = serializers.IntegerField(source="decision.version", read_only=True)
    new_decision_version = serializers.IntegerField(
        source="new_decision.version", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Appeal
        fields = [
            "id",
            "case",
            "decision",
            "decision_version",
            "source",
            "text",
            "documents",
            "received_at",
            "deadline",
            "status",
            "result_justification",
            "decided_at",
            "new_decision",
            "new_decision_version",
        ]
        read_only_fields = fields


class LetterSerializer(serializers.ModelSerializer):
    """A letter's facts (the PDF itself is downloaded from the case page)."""

    class Meta:
        model = Letter
        fields = ["id", "kind", "language", "title", "appeal_deadline", "created_at"]
        read_only_fields = fields
