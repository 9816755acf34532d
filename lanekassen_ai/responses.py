"""Answers the pages share: the 503 when background jobs cannot be queued."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lanekassen_ai.services.jobs import JOBS_UNAVAILABLE_MESSAGE


def jobs_unavailable_page(request: HttpRequest, *, back: str = "") -> HttpResponse:
    """503 with the message that background jobs are unavailable; retrying later is safe."""
    response = render(
        request,
        "lanekassen_ai/jobs_unavailable.html",
        {"message": JOBS_UNAVAILABLE_MESSAGE, "back": back},
        status=503,
    )
    response["Retry-After"] = "30"
    return response
