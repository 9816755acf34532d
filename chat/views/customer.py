"""The chat page customers use (`/chat/`, no login) and the employees' Una assistant
(`/chat/una/`, login required: it answers about internal systems). Both are the same
page; the conversation itself goes through the customer API."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET


def _chat_page(request: HttpRequest, *, assistant: str) -> HttpResponse:
    embedded = request.GET.get("embed") == "1"
    response = render(
        request,
        "chat/customer/chat.html",
        {"assistant_slug": assistant, "embedded": embedded},
    )
    # The page may sit in an iframe on the agency's own sites (the embed snippet), and
    # nowhere else: CSP frame-ancestors replaces the project-wide X-Frame-Options DENY.
    ancestors = " ".join(["'self'", *getattr(settings, "CHAT_FRAME_ANCESTORS", [])])
    response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    return response


@login_not_required
@xframe_options_exempt
@require_GET
def customer_chat(request: HttpRequest) -> HttpResponse:
    """The public customer assistant (`kunde`)."""
    return _chat_page(request, assistant="kunde")


@xframe_options_exempt
@require_GET
def una_chat(request: HttpRequest) -> HttpResponse:
    """The employees' Una assistant; LoginRequiredMiddleware sends strangers to login."""
    return _chat_page(request, assistant="una")
