"""Serializers of the events feed and the webhook subscriptions (in the OpenAPI schema)."""

from rest_framework import serializers

from lanekassen_ai.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription


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


class EventFeedPageSerializer(serializers.Serializer):
    results = DomainEventSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass as `after` for the next page. Always present: at the end of the feed, "
        "poll again later with it."
    )
    has_more = serializers.BooleanField(help_text="True when more events are ready right now.")


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    pending = serializers.IntegerField(read_only=True, help_text="Deliveries waiting to be sent or retried.")
    dead = serializers.IntegerField(read_only=True, help_text="Deliveries given up after the last try.")

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "event_types", "active", "created_at", "pending", "dead"]
        read_only_fields = fields


class WebhookSubscriptionWithSecretSerializer(serializers.ModelSerializer):
    """Only in the answers that create a subscription or rotate its secret."""

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "event_types", "active", "created_at", "secret"]
        read_only_fields = fields


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
