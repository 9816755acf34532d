"""API errors: DRF's own answers for what it knows, a short 4xx for what Django refuses as
the caller's fault (a body too big, too many fields), and a JSON 500 without a traceback."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lanekassen_ai.services.jobs import JobsUnavailable

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, JobsUnavailable):
        # The job's row is already marked retryable; the caller may try again shortly.
        return Response({"detail": str(exc)}, status=503, headers={"Retry-After": "30"})
    if isinstance(exc, SuspiciousOperation):
        request = context.get("request")
        path = getattr(request, "path", "")
        logger.warning("refused API request %s: %s: %s", path, type(exc).__name__, exc)
        if isinstance(exc, RequestDataTooBig):
            return Response({"detail": "The request body is larger than this server accepts."}, status=413)
        return Response({"detail": f"Refused: {exc}"}, status=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response({"detail": "Internal error. The error has been logged."}, status=500)
    return response
