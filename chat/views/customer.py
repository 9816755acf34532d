"""The chat page customers use (`/chat/`, no login) and the employees' Una assistant
(`/chat/una/`, login required: it answers about internal systems). Both are the same
page; the conversation itself goes through the customer API."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

REPLY_LANGUAGES = ("nb", "nn", "en")


def _reply_labels() -> dict[str, dict[str, str]]:
    """The labels that go with the assistant's replies, in each written standard: they
    follow the language of the reply ("Read more" under an English answer on the
    Norwegian page), not the page's."""
    labels = {}
    for code in REPLY_LANGUAGES:
        with translation.override(code):
            labels[code] = {
                "readMore": gettext("Les mer"),
                "helpful": gettext("Svaret hjalp"),
                "notHelpful": gettext("Svaret hjalp ikke"),
                "feedbackThanks": gettext("Takk for tilbakemeldingen!"),
                "feedbackGroup": gettext("Hjalp svaret?"),
            }
    return labels


def _chat_page(request: HttpRequest, *, assistant: str) -> HttpResponse:
    embedded = request.GET.get("embed") == "1"
    language = translation.get_language() or "nb"
    response = render(
        request,
        "chat/customer/chat.html",
        {
            "assistant_slug": assistant,
            "embedded": embedded,
            # Opened from the student's own page: the conversation may answer about their case.
            "student_chat": request.GET.get("student") == "1",
            "conversation_language": language if language in REPLY_LANGUAGES else "nb",
            "reply_labels": _reply_labels(),
        },
    )
    # The page may sit in an iframe on the agency's own sites (the embed snippet), and
    # nowhere else: CSP frame-ancestors replaces the project-wide X-Frame-Options DENY. This is
    # what django-csp's @csp_replace does, with the list read per request, not at import.
    ancestors = ["'self'", *getattr(settings, "CHAT_FRAME_ANCESTORS", [])]
    response._csp_replace = {"frame-ancestors": ancestors}  # type: ignore[attr-defined]
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
