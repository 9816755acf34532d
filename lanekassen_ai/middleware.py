"""Language selection (bokmål unless the user has chosen otherwise) and the audit context."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from lanekassen_ai.services.audit import AuditContext, new_request_id


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
