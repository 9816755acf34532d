"""`@idempotent`: the `Idempotency-Key` header for API operations that create something.

Same key and same body: the first (2xx) answer again, with `Idempotent-Replayed: true`.
Same key, different body or another operation: 409. Keys belong to the calling user and
are kept 24 hours (lanekassen_ai.services.idempotency). Put it below `@extend_schema` and
above `@action` (which would otherwise drop the schema it adds: the header parameter).
"""

import functools
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from lanekassen_ai.services.idempotency import (
    idempotency_fingerprint,
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per intended operation (e.g. a UUID), 1-255 visible ASCII characters. "
        "A retry with the same key and body returns the first answer (header "
        "`Idempotent-Replayed: true`) instead of creating again; the same key with another "
        "body answers 409. Keys are kept for 24 hours."
    ),
)


class IdempotencyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    """Make a POST view method honour `Idempotency-Key` (see the module docstring)."""

    @functools.wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        if not _VALID_KEY.match(key):
            raise serializers.ValidationError(
                {HEADER: ["Use 1-255 visible ASCII characters (no spaces), e.g. a UUID."]}
            )
        fingerprint = idempotency_fingerprint(
            method=request.method or "POST",
            path=request.get_full_path(),
            data=request.data,
            files=dict(request.FILES.items()),
        )
        with transaction.atomic():
            record, owner = idempotency_key_claim(user=request.user, key=key, fingerprint=fingerprint)
            if not owner:
                if record.fingerprint != fingerprint:
                    raise IdempotencyConflict(
                        f"The Idempotency-Key {key!r} was used for a different request (another "
                        "body or operation) within the last 24 hours. Use a new key for a new request."
                    )
                replay = Response(record.response_body, status=record.response_status)
                replay[REPLAYED_HEADER] = "true"
                return replay
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                idempotency_key_complete(
                    record=record, status=response.status_code, body=getattr(response, "data", None)
                )
            else:
                idempotency_key_release(record=record)
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])(wrapper)
