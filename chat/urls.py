"""Pages of the chat app (under /chat/)."""

from django.urls import path  # noqa: F401

app_name = "chat"
urlpatterns: list = []
