"""A case's documents and its reopening through the API (under /api/v1/control/cases/):
the same services, capabilities and audit events as the case page. Mixed into the case
viewset, whose `_case()` gives the same 404 as the page."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from control.api.campaigns import conflict, drf_validation_error
from control.api.serializers_casework import CaseDocumentSerializer, ControlCaseListSerializer
from control.models import CaseDocument, ControlCase, Letter
from control.selectors.casework import control_case_get, control_case_letter_get
from control.services.casework import control_case_reopen
from control.services.documents import case_document_open_record, case_document_upload
from control.services.letters import letter_open_record
from control.views.appeals import letter_response
from lanekassen_ai.api.downloads import (
    DOCUMENT_RENDERERS,
    PDF_RENDERERS,
)
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability
from lanekassen_ai.services.audit import AuditContext

CASE_READERS = HasCapability(Capability.WORK_CONTROL_CASES, Capability.MANAGE_CONTROL)
CASE_WORKERS = HasCapability(Capability.WORK_CONTROL_CASES)
CASE_REOPENERS = HasCapability(Capability.MANAGE_CONTROL)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A lease",
            media_type="multipart/form-data",
            request_only=True,
            value={"document_type": "LEASE", "file": "leiekontrakt.pdf"},
        ),
    ]
)
class DocumentUploadSerializer(serializers.Serializer):
    document_type = serializers.ChoiceField(choices=CaseDocument.DocumentType.choices)
    file = serializers.FileField(help_text="PDF, JPEG or PNG (checked by content), at most 10 MB")


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Required, at least 10 characters")


class CaseActionsMixin:
    """Upload a document the student sent, download one, and reopen a decided case."""

    _case: Callable[[], ControlCase]  # the viewset's
    audit_context: AuditContext  # the viewset's (AuditContextAPIMixin)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: CaseDocumentSerializer},
    )
    @idempotent
    @action(
        detail=True,
        methods=["post"],
        url_path="documents",
        permission_classes=[CASE_WORKERS],
        parser_classes=[MultiPartParser, FormParser],
    )
    def document_upload(self, request: Request, pk: str | None = None) -> Response:
        """Register a document the student sent (by post or e-mail); the case then has
        its documents received, and is assigned to me if it was nobody's."""
        case = self._case()
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            document = case_document_upload(
                case=case,
                uploaded_file=payload.validated_data["file"],
                document_type=payload.validated_data["document_type"],
                uploaded_by=self.audit_context.user,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise drf_validation_error(error) from error
        return Response(CaseDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file as stored, with its own content type"
            ),
            (404, "application/json"): ErrorSerializer,
        },
        parameters=[
            OpenApiParameter(
                "document_pk",
                int,
                OpenApiParameter.PATH,
                description="the document's id",
                examples=[OpenApiExample("A lease on case 812", value=5120)],
            )
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_pk>[0-9]{1,12})",
        permission_classes=[CASE_READERS],
        renderer_classes=DOCUMENT_RENDERERS,
    )
    def document_download(self, request: Request, pk: str | None = None, document_pk: str = "") -> Any:
        """Download one of the case's documents (audited like the page's download)."""
        case = self._case()
        document = CaseDocument.objects.filter(pk=int(document_pk), case=case).select_related("case").first()
        if document is None:
            raise Http404("The case has no document with that id.")
        path = case_document_open_record(
            document=document, user=self.audit_context.user, context=self.audit_context
        )
        if not path.exists():
            raise Http404("The document's file is no longer in storage.")
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter as sent"),
            (404, "application/json"): ErrorSerializer,
        },
        parameters=[
            OpenApiParameter(
                "letter_pk",
                int,
                OpenApiParameter.PATH,
                description="the letter's id (the case's `letters`)",
                examples=[OpenApiExample("The documentation request on case 812", value=230)],
            )
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"letters/(?P<letter_pk>[0-9]{1,12})",
        permission_classes=[CASE_READERS],
        renderer_classes=PDF_RENDERERS,
    )
    def letter_download(self, request: Request, pk: str | None = None, letter_pk: str = "") -> Any:
        """Download one of the case's letters as PDF (audited like the page's download);
        404 for a letter of another case."""
        case = self._case()
        try:
            letter = control_case_letter_get(case_id=case.pk, letter_id=int(letter_pk))
        except Letter.DoesNotExist as missing:
            raise Http404("The case has no letter with that id.") from missing
        letter_open_record(letter=letter, context=self.audit_context)
        return letter_response(letter=letter)

    @extend_schema(
        request=ReopenInputSerializer,
        responses={200: ControlCaseListSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Reopen after new information",
                value={"reason": "Studenten har sendt en ny leiekontrakt som ikke var vurdert."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="reopen", permission_classes=[CASE_REOPENERS])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Reopen a decided case with a reason: the decision in force is withdrawn (it stays
        in the history) and the case can be worked again (event `control.case.reopened`).
        409 when the case is not decided."""
        case = self._case()
        payload = ReopenInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            reopened = control_case_reopen(
                case=case,
                reason=payload.validated_data["reason"],
                reopened_by=self.audit_context.user,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise drf_validation_error(error) from error
            return conflict(error)
        return Response(ControlCaseListSerializer(control_case_get(case_id=reopened.pk)).data)
