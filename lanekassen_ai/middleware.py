"""Language selection (bokmål unless the user has chosen otherwise), the audit context,
refusal of hostile input before any view sees it, and no-store caching."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from lanekassen_ai.services.audit import AuditContext, new_request_id

logger = logging.getLogger(__name__)


class AuditContextMiddleware:
    """Gives every request an id (also sent back as `X-Request-ID`) and, for pages, the
    `request.audit_context` that views hand to services. Lazy, so the user is read only
    after authentication. API views build theirs from DRF's request (token users)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = new_request_id()  # type: ignore[attr-defined]
        request.audit_context = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: AuditContext.for_request(request, channel="web")
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


def request_audit_context(request: HttpRequest) -> AuditContext:
    """The page's audit context, for its view to hand to services."""
    context = getattr(request, "audit_context", None)
    return context if context is not None else AuditContext.for_request(request, channel="web")


class BokmalFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a browser's Accept-Language does not decide:
    the agency's pages speak bokmål until the user picks English with the language
    switch (which sets the language cookie)."""

    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {c for c, _ in settings.LANGUAGES}
        language = code if code in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class HostileInputMiddleware:
    """Answers requests no page or API can serve with a 4xx before any view runs: a NUL
    byte in a query parameter (PostgreSQL text cannot hold one), too many parameters or
    fields, a form body over DATA_UPLOAD_MAX_MEMORY_SIZE. The API gets a short JSON error,
    pages an error page; each is logged as a warning, without a traceback, because it is
    the caller's fault, not ours."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refusal(request)
        if refusal is not None:
            status, message = refusal
            logger.warning("refused %s %s: %s", request.method, request.path, message)
            return client_error_response(request, status=status, message=message)
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> tuple[int, str] | None:
        try:
            if any("\x00" in text for key, values in request.GET.lists() for text in [key, *values]):
                return 400, gettext("En søkeparameter inneholder et NUL-tegn.")
            # Pages read their form on the first access (the CSRF check does); the API's
            # parsers raise the same errors inside DRF, where its exception handler answers.
            if request.method == "POST" and not request.path.startswith("/api/"):
                request.POST  # noqa: B018
        except RequestDataTooBig:
            return 413, gettext("Forespørselen er større enn tjenesten tar imot.")
        except TooManyFieldsSent:
            return 400, gettext("For mange parametere eller skjemafelt (høyst %(limit)s).") % {
                "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            }
        except TooManyFilesSent:
            return 400, gettext("For mange filer (høyst %(limit)s).") % {
                "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES
            }
        return None


def client_error_response(request: HttpRequest, *, status: int, message: str) -> HttpResponse:
    """A short error for the caller: JSON under /api/, an error page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "client_error.html", {"status": status, "message": message}, status=status)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page and API answer: nearly all of them show
    personal data (national ids, cases, access reports, worklists, conversations), and a
    browser's or proxy's copy outlives the session. A view that sets its own Cache-Control
    keeps it. Static files are served by whitenoise before this runs and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
