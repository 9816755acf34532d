"""The events feed (`/api/v1/events/`) and the webhook subscriptions and deliveries
(`/api/v1/webhooks/…`). Thin: parse, call one service or selector, serialize."""

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers_events import (
    DomainEventSerializer,
    EventFeedPageSerializer,
    EventFeedQuerySerializer,
    WebhookDeliverySerializer,
    WebhookSubscriptionInputSerializer,
    WebhookSubscriptionSerializer,
    WebhookSubscriptionUpdateSerializer,
    WebhookSubscriptionWithSecretSerializer,
)
from lanekassen_ai.event_types import event_type_names
from lanekassen_ai.models import WebhookDelivery
from lanekassen_ai.roles import Capability
from lanekassen_ai.selectors import domain_event_feed, webhook_delivery_list, webhook_subscription_list
from lanekassen_ai.services.audit import AuditContext
from lanekassen_ai.services.events import domain_events_number
from lanekassen_ai.services.webhooks import (
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

CURSOR_PREFIX = "ev1:"
WEBHOOK_MANAGERS = HasCapability(Capability.MANAGE_WEBHOOKS)


def event_cursor_encode(*, sequence: int) -> str:
    """An opaque cursor for a feed position."""
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{sequence}".encode()).decode().rstrip("=")


def event_cursor_decode(*, cursor: str) -> int:
    """The feed position of a cursor; a ValidationError naming `after` if it is not one."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        sequence = int(text[len(CURSOR_PREFIX) :])
        if sequence < 0:
            raise ValueError(text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise serializers.ValidationError(
            {"after": [f"{cursor!r} is not a cursor of this feed: pass a `next_cursor` it returned."]}
        ) from None
    return sequence


def _context(request: Request) -> AuditContext:
    return AuditContext.for_request(request, channel="api")


def _as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class EventFeedView(APIView):
    """Domain events in the order they became visible, page by page. Every event appears
    exactly once across pages, also while new ones are written: start without `after`,
    then pass each page's `next_cursor`."""

    permission_classes = [HasCapability(Capability.VIEW_EVENTS)]

    @extend_schema(
        parameters=[
            OpenApiParameter("after", str, description="`next_cursor` of the previous page."),
            OpenApiParameter("type", str, description="Only these event types, comma-separated."),
            OpenApiParameter("limit", int, description="Events per page, 1-1000 (default 100)."),
        ],
        responses={200: EventFeedPageSerializer},
    )
    def get(self, request: Request) -> Response:
        query = EventFeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = event_cursor_decode(cursor=query.validated_data.get("after", ""))
        types = [t.strip() for t in query.validated_data.get("type", "").split(",") if t.strip()]
        unknown = sorted(set(types) - set(event_type_names()))
        if unknown:
            raise serializers.ValidationError(
                {"type": [f"Unknown event types {unknown}; known: {', '.join(event_type_names())}."]}
            )
        limit = query.validated_data["limit"]
        domain_events_number()  # so the page holds everything committed before this request
        events = domain_event_feed(after=after, types=types, limit=limit + 1)
        page, has_more = events[:limit], len(events) > limit
        last = page[-1].sequence if page else after
        body = {
            "results": DomainEventSerializer(page, many=True).data,
            "next_cursor": event_cursor_encode(sequence=last or 0),
            "has_more": has_more,
        }
        return Response(body)


class WebhookSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions (admin role). The secret is shown only when a subscription
    is created or its secret rotated."""

    permission_classes = [WEBHOOK_MANAGERS]
    serializer_class = WebhookSubscriptionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return webhook_subscription_list()

    @extend_schema(
        request=WebhookSubscriptionInputSerializer, responses={201: WebhookSubscriptionWithSecretSerializer}
    )
    @idempotent
    def create(self, request: Request) -> Response:
        form = WebhookSubscriptionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            subscription = webhook_subscription_create(**form.validated_data, context=_context(self.request))
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(
            WebhookSubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=WebhookSubscriptionUpdateSerializer, responses={200: WebhookSubscriptionSerializer}
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        form = WebhookSubscriptionUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            webhook_subscription_update(
                subscription=self.get_object(), context=_context(self.request), **form.validated_data
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(WebhookSubscriptionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, examples=[OpenApiExample("A subscription", value=3)]
            )
        ],
        responses={204: None},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        webhook_subscription_delete(subscription=self.get_object(), context=_context(self.request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: WebhookSubscriptionWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        """Replace the secret with a new generated one; the answer shows it once."""
        subscription = webhook_subscription_update(
            subscription=self.get_object(), context=_context(self.request), rotate_secret=True
        )
        return Response(WebhookSubscriptionWithSecretSerializer(subscription).data)


class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every delivery with each of its attempts; redeliver sends one again."""

    permission_classes = [WEBHOOK_MANAGERS]
    serializer_class = WebhookDeliverySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        subscription = self.request.query_params.get("subscription", "")
        return webhook_delivery_list(
            subscription_id=int(subscription) if subscription.isdigit() else None,
            status=self.request.query_params.get("status", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("subscription", int),
            OpenApiParameter("status", str, enum=WebhookDelivery.Status.values),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, pk: str | None = None) -> Response:
        """Send again from now, with a fresh round of tries (earlier attempts stay listed)."""
        delivery = webhook_delivery_redeliver(delivery=self.get_object(), context=_context(self.request))
        return Response(
            WebhookDeliverySerializer(self.get_queryset().get(pk=delivery.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )
