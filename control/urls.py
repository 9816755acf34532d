"""Pages of the control app (under /control/)."""

from django.urls import path  # noqa: F401

app_name = "control"
urlpatterns: list = []
