"""API of the control app (under /api/v1/control/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from control.api import casework

casework_router = SimpleRouter()
casework_router.register("cases", casework.ControlCaseViewSet, basename="control-case")
casework_router.register("campaigns", casework.ControlCampaignViewSet, basename="control-campaign")

urlpatterns: list = [
    path("", include(casework_router.urls)),
]
