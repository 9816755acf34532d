"""API operations that answer with a file (a PDF letter or report, a CSV export, an uploaded
document) rather than JSON.

DRF negotiates the response's media type before the view runs, from the renderers the view
declares; with only JSON declared, a client that asks for the file's own type (`Accept:
application/pdf`) was refused 406 although the operation makes exactly that. These
renderers let the negotiation accept the file types; the view still returns the finished
`HttpResponse` itself, and `DownloadErrorsAsJsonMixin` keeps every error (404, 403, 400)
in JSON, whatever was asked for.
"""

from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response


class DownloadRenderer(BaseRenderer):
    """Accepts a file type in content negotiation; renders nothing (the view answers with
    the file, and errors go out as JSON)."""

    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        raise TypeError(f"{type(self).__name__} renders no data: the view returns the file itself.")


class PdfDownloadRenderer(DownloadRenderer):
    media_type = "application/pdf"
    format = "pdf"


class CsvDownloadRenderer(DownloadRenderer):
    media_type = "text/csv"
    format = "csv"


class JpegDownloadRenderer(DownloadRenderer):
    media_type = "image/jpeg"
    format = "jpeg"


class PngDownloadRenderer(DownloadRenderer):
    media_type = "image/png"
    format = "png"


class OctetStreamDownloadRenderer(DownloadRenderer):
    media_type = "application/octet-stream"
    format = "bin"


# JSON first: a client that does not say what it accepts gets errors as JSON.
PDF_RENDERERS = [JSONRenderer, PdfDownloadRenderer]
CSV_RENDERERS = [JSONRenderer, CsvDownloadRenderer]
DOCUMENT_RENDERERS = [
    JSONRenderer,
    PdfDownloadRenderer,
    JpegDownloadRenderer,
    PngDownloadRenderer,
    OctetStreamDownloadRenderer,
]


class DownloadErrorsAsJsonMixin:
    """On a view (or viewset) with download renderers: a DRF `Response` (an error, or any
    JSON answer) is rendered as JSON even when the client asked only for the file type."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), DownloadRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
