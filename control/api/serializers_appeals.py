"""Serializers of appeals and letters, shared by the appeal endpoints and the case detail."""

from typing import Any

from rest_framework import serializers

from control.models import Appeal, Letter


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
