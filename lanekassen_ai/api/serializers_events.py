"""Serializers of the events feed and the webhook subscriptions (in the OpenAPI schema)."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from lanekassen_ai.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription

EVENT_EXAMPLE = {
    "id": "0f5e9a6c-7d1e-4d8e-9f3a-2b1c0d9e8f7a",
    "type": "control.case.decided",
    "version": 1,
    "occurred_at": "2026-12-01T10:47:12.345678+01:00",
    "data": {
        "case_id": 812,
        "campaign_id": 14,
        "application_id": "S2024-000123",
        "academic_year": 2024,
        "outcome": "CAUGHT",
        "decided_at": "2026-12-01T09:47:12.345Z",
    },
}


class DomainEventSerializer(serializers.Serializer):
    """One event, as in a webhook body (`lanekassen_ai.services.events.domain_event_body`)."""

    id = serializers.UUIDField(help_text="Stable id: deduplicate on it.")
    type = serializers.CharField(help_text="e.g. control.case.decided")
    version = serializers.IntegerField(help_text="Version of the payload's shape for this type.")
    occurred_at = serializers.DateTimeField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # `data` cannot be a class attribute: it would hide Serializer.data.
        fields = super().get_fields()
        fields["data"] = serializers.DictField(
            source="payload", help_text="The type's payload (docs/integrations.md)."
        )
        return fields


class EventFeedQuerySerializer(serializers.Serializer):
    after = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="`next_cursor` of the previous page; empty: from the start.",
    )
    type = serializers.CharField(
        required=False, allow_blank=True, help_text="Only these types, comma-separated."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A page of the feed",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={"results": [EVENT_EXAMPLE], "next_cursor": "ZXYxOjQy", "has_more": False},
        )
    ]
)
class EventFeedPageSerializer(serializers.Serializer):
    results = DomainEventSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass as `after` for the next page. Always present: at the end of the feed, "
        "poll again later with it."
    )
    has_more = serializers.BooleanField(help_text="True when more events are ready right now.")


SUBSCRIPTION_EXAMPLE = {
    "id": 3,
    "name": "Reskontro",
    "url": "https://reskontro.example.invalid/lanekassen/events",
    "event_types": ["control.case.decided", "control.case.reopened"],
    "active": True,
    "created_at": "2026-12-01T10:00:00+01:00",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "The ledger's subscription",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={**SUBSCRIPTION_EXAMPLE, "pending": 2, "dead": 0},
        )
    ]
)
class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    pending = serializers.IntegerField(read_only=True, help_text="Deliveries waiting to be sent or retried.")
    dead = serializers.IntegerField(read_only=True, help_text="Deliveries given up after the last try.")

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "event_types", "active", "created_at", "pending", "dead"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Created, with its secret (shown only now)",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={**SUBSCRIPTION_EXAMPLE, "secret": "k3W0nYx1Q8s2d9T6pLr4Vb7Zc5Fh0Jm2Ns8Gq1Ue6Ao"},
        )
    ]
)
class WebhookSubscriptionWithSecretSerializer(serializers.ModelSerializer):
    """Only in the answers that create a subscription or rotate its secret."""

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "event_types", "active", "created_at", "secret"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Subscribe the ledger to decisions",
            request_only=True,
            value={
                "name": "Reskontro",
                "url": "https://reskontro.example.invalid/lanekassen/events",
                "event_types": ["control.case.decided", "control.case.reopened"],
            },
        )
    ]
)
class WebhookSubscriptionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.URLField(max_length=500)
    event_types = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False)
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="At least 24 characters; empty: generated.",
    )


@extend_schema_serializer(
    examples=[OpenApiExample("Pause the subscription", request_only=True, value={"active": False})]
)
class WebhookSubscriptionUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    url = serializers.URLField(max_length=500, required=False)
    event_types = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    active = serializers.BooleanField(required=False)


class WebhookDeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDeliveryAttempt
        fields = ["started_at", "finished_at", "outcome", "response_status", "error"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Delivered on the second try",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 9051,
                "subscription": 3,
                "event": "0f5e9a6c-7d1e-4d8e-9f3a-2b1c0d9e8f7a",
                "status": "delivered",
                "attempts": 2,
                "next_attempt_at": "2026-12-01T10:47:22+01:00",
                "delivered_at": "2026-12-01T10:47:22.410000+01:00",
                "created_at": "2026-12-01T10:47:12.345678+01:00",
                "attempt_log": [
                    {
                        "started_at": "2026-12-01T10:47:12.400000+01:00",
                        "finished_at": "2026-12-01T10:47:12.420000+01:00",
                        "outcome": "failed",
                        "response_status": 503,
                        "error": "HTTP 503: ",
                    },
                    {
                        "started_at": "2026-12-01T10:47:22.400000+01:00",
                        "finished_at": "2026-12-01T10:47:22.410000+01:00",
                        "outcome": "succeeded",
                        "response_status": 204,
                        "error": "",
                    },
                ],
            },
        )
    ]
)
class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = DomainEventSerializer(read_only=True)
    attempt_log = WebhookDeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "attempt_log",
        ]
        read_only_fields = fields
