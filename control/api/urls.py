"""API of the control app (under /api/v1/control/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
