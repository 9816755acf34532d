"""Everything under /api/v1/: the project's own endpoints and each app's."""

from django.apps import apps
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from lanekassen_ai.api.views import AuditEventViewSet

router = DefaultRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [path("", include(router.urls))]
if apps.is_installed("control"):
    urlpatterns.append(path("control/", include("control.api.urls")))
if apps.is_installed("chat"):
    urlpatterns.append(path("chat/", include("chat.api.urls")))
