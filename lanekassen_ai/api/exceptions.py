"""API errors: DRF's own answers for what it knows, and a JSON 500 without a traceback."""

import logging
from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lanekassen_ai.services.jobs import JobsUnavailable

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, JobsUnavailable):
        # The job's row is already marked retryable; the caller may try again shortly.
        return Response({"detail": str(exc)}, status=503, headers={"Retry-After": "30"})
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response({"detail": "Internal error. The error has been logged."}, status=500)
    return response
