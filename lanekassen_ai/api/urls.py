"""Everything under /api/v1/: the project's own endpoints and each app's."""

from django.apps import apps
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from lanekassen_ai.api.events import EventFeedView, WebhookDeliveryViewSet, WebhookSubscriptionViewSet
from lanekassen_ai.api.views import AuditEventViewSet

router = DefaultRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("webhooks/subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscription")
router.register("webhooks/deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("events/", EventFeedView.as_view(), name="event-feed"),
    path("", include(router.urls)),
]
if apps.is_installed("control"):
    urlpatterns.append(path("control/", include("control.api.urls")))
if apps.is_installed("chat"):
    urlpatterns.append(path("chat/", include("chat.api.urls")))
