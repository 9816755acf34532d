"""API of the chat app (under /api/v1/chat/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
