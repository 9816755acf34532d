"""Risk API (under /api/v1/control/): bulk import of applications, the model registry and
scoring runs. Thin: each call validates input and calls one service."""

from typing import Any

from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from control.api.serializers_risk import (
    ImportRefusedSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    RiskModelVersionDetailSerializer,
    RiskModelVersionListSerializer,
    ScoringRunConflictSerializer,
    ScoringRunCreateSerializer,
    ScoringRunSerializer,
)
from control.api.training import RiskModelTrainingMixin
from control.models import RiskModelVersion
from control.selectors.risk import risk_model_card, risk_model_version_list, scoring_run_list
from control.services.imports import ImportRefused, applications_import
from control.services.registry import RegistryError, risk_model_activate, risk_model_retire
from control.services.scoring import ScoringError, ScoringRunConflict, scoring_run_retry, scoring_run_start
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability

MODEL_READERS = HasCapability(Capability.VIEW_RISK_MODELS)
MODEL_MANAGERS = HasCapability(Capability.MANAGE_RISK_MODELS)


class ApplicationsImportView(AuditContextAPIMixin, APIView):
    """Bulk upload of an applications file: the same validation as import_applications.
    All-or-nothing unless skip_invalid; a refused file answers 400 with every bad row's
    line, column, value and reason (first 1000)."""

    permission_classes = [MODEL_MANAGERS]
    parser_classes = [MultiPartParser, FormParser]

    # 400 is not published: besides a refused file (ImportRefusedSerializer) a bad
    # Idempotency-Key header answers 400 in the idempotency layer's own shape.
    @extend_schema(request=ImportUploadSerializer, responses={201: ImportResultSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        form = ImportUploadSerializer(data=request.data)
        if not form.is_valid():
            # The same body as a refused file, so that every 400 here has one shape.
            problems = [
                {"line": 0, "column": field, "value": "", "reason": str(message)}
                for field, messages in form.errors.items()
                for message in messages
            ]
            invalid = {"detail": "The upload is invalid.", "errors": problems}
            return Response(ImportRefusedSerializer(invalid).data, status=status.HTTP_400_BAD_REQUEST)
        upload = form.validated_data["file"]
        try:
            result = applications_import(
                source=upload,
                file_name=upload.name or "upload.csv",
                skip_invalid=form.validated_data["skip_invalid"],
                context=self.audit_context,
                language=translation.get_language(),
            )
        except ImportRefused as refused:
            body: dict[str, Any] = {
                "detail": refused.message,
                "errors": [e.as_dict() for e in refused.errors],
            }
            if refused.run is not None:
                body["import_run"] = refused.run.pk
            return Response(ImportRefusedSerializer(body).data, status=status.HTTP_400_BAD_REQUEST)
        result.run.rejected = [e.as_dict() for e in result.errors]  # type: ignore[attr-defined]
        return Response(ImportResultSerializer(result.run).data, status=status.HTTP_201_CREATED)


class RiskModelVersionViewSet(RiskModelTrainingMixin, AuditContextAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The model registry: every trained version with its metrics, fairness report and
    provenance. Activation and retirement are audited."""

    lookup_field = "version"
    lookup_value_regex = r"[A-Za-z0-9_.-]+"
    filterset_fields = ["status", "algorithm"]

    def get_permissions(self) -> list[Any]:
        # Reading is for the model readers; anything else (also an unmapped method on a
        # write route) for the managers.
        if self.action in ("list", "retrieve"):
            return [MODEL_READERS()]
        return [MODEL_MANAGERS()]

    def get_queryset(self) -> Any:
        return risk_model_version_list()

    def get_serializer_class(self) -> Any:
        return RiskModelVersionDetailSerializer if self.action != "list" else RiskModelVersionListSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The same selector as the model card page; the body is the version the card shows.
        card = risk_model_card(model_version=self.get_object())
        return Response(RiskModelVersionDetailSerializer(card.model_version).data)

    @extend_schema(request=None, responses={200: RiskModelVersionDetailSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, version: str | None = None) -> Response:
        return self._change(risk_model_activate, request)

    @extend_schema(request=None, responses={200: RiskModelVersionDetailSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, version: str | None = None) -> Response:
        return self._change(risk_model_retire, request)

    def _change(self, service: Any, request: Request) -> Response:
        try:
            model_version = service(model_version=self.get_object(), context=self.audit_context)
        except RegistryError as exc:
            return Response(ErrorSerializer({"detail": str(exc)}).data, status=status.HTTP_409_CONFLICT)
        return Response(RiskModelVersionDetailSerializer(model_version).data)


class ScoringRunViewSet(AuditContextAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Scoring runs: POST starts one (a Celery task scores it in chunks); GET follows it."""

    serializer_class = ScoringRunSerializer
    filterset_fields = ["academic_year", "status"]

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [MODEL_READERS()]
        return [MODEL_MANAGERS()]

    def get_queryset(self) -> Any:
        return scoring_run_list()

    @extend_schema(
        request=ScoringRunCreateSerializer,
        responses={
            202: ScoringRunSerializer,
            409: ScoringRunConflictSerializer,
            503: ErrorSerializer,
        },
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = ScoringRunCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        model_version = None
        if form.validated_data.get("model_version"):
            model_version = RiskModelVersion.objects.filter(
                version=form.validated_data["model_version"]
            ).first()
            if model_version is None:
                return Response(
                    {"model_version": [f"no model version {form.validated_data['model_version']}"]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            run = scoring_run_start(
                year=form.validated_data["academic_year"],
                model_version=model_version,
                context=self.audit_context,
            )
        except ScoringRunConflict as conflict:
            return _conflict(conflict)
        except ScoringError as exc:
            return Response(ErrorSerializer({"detail": str(exc)}).data, status=status.HTTP_400_BAD_REQUEST)
        run.refresh_from_db()
        return Response(ScoringRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            202: ScoringRunSerializer,
            409: ScoringRunConflictSerializer,
            503: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed or stuck run again: it resumes at its first chunk not done."""
        try:
            run = scoring_run_retry(run=self.get_object(), context=self.audit_context)
        except ScoringRunConflict as conflict:
            return _conflict(conflict)
        except ScoringError as exc:
            return Response(ErrorSerializer({"detail": str(exc)}).data, status=status.HTTP_409_CONFLICT)
        run.refresh_from_db()
        return Response(ScoringRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


def _conflict(conflict: ScoringRunConflict) -> Response:
    body = ScoringRunConflictSerializer({"detail": str(conflict), "running": conflict.run}).data
    return Response(body, status=status.HTTP_409_CONFLICT)
