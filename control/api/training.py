"""Risk-model training and the score export through the API (under /api/v1/control/): the
same services as the model card's «train again» and the export_scores command."""

import io
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from control.ml.features import FEATURE_NAMES
from control.models import RiskModelVersion
from control.services.exports import ExportError, risk_scores_export
from control.services.training import TrainingError, risk_model_retrain_request
from lanekassen_ai.api.downloads import (
    CSV_RENDERERS,
    DownloadErrorsAsJsonMixin,
)
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability

MODEL_MANAGERS = HasCapability(Capability.MANAGE_RISK_MODELS)


class RetrainInputSerializer(serializers.Serializer):
    excluded_features = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(FEATURE_NAMES)),
        required=False,
        default=list,
        help_text="Features to switch off in the new version (none: the same features again)",
    )


class RetrainAcceptedSerializer(serializers.Serializer):
    based_on = serializers.CharField()
    excluded_features = serializers.ListField(child=serializers.CharField())
    detail = serializers.CharField()


class RiskModelTrainingMixin:
    """`POST /risk-models/{version}/retrain/`: train a new version on the same years as
    `version`, without the features named; it appears in the registry when done."""

    get_object: Any  # the viewset's
    audit_context: Any  # the viewset's (AuditContextAPIMixin)

    @extend_schema(
        request=RetrainInputSerializer,
        responses={202: RetrainAcceptedSerializer},
        examples=[
            OpenApiExample(
                "Without one feature",
                value={"excluded_features": ["log_distance_study_km"]},
                request_only=True,
            )
        ],
    )
    @idempotent
    @action(detail=True, methods=["post"], permission_classes=[MODEL_MANAGERS])
    def retrain(self, request: Request, version: str | None = None) -> Response:
        model_version: RiskModelVersion = self.get_object()
        payload = RetrainInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        excluded = sorted(set(payload.validated_data["excluded_features"]))
        try:
            risk_model_retrain_request(
                based_on=model_version, excluded_features=excluded, context=self.audit_context
            )
        except TrainingError as exc:
            return Response(ErrorSerializer({"detail": str(exc)}).data, status=status.HTTP_400_BAD_REQUEST)
        body = {
            "based_on": model_version.version,
            "excluded_features": excluded,
            "detail": "Training started; the new version appears in the registry when it is done.",
        }
        return Response(RetrainAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class ScoreExportQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    model_version = serializers.CharField(required=False, max_length=64)


class ScoreExportView(DownloadErrorsAsJsonMixin, APIView):
    """The year's scores as CSV, rank 1 (highest risk) first:
    `application_id,score,rank,percentile,model_version,reasons` (as export_scores)."""

    permission_classes = [MODEL_MANAGERS]
    renderer_classes = CSV_RENDERERS

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True, description="Academic year"),
            OpenApiParameter("model_version", str, description="Default: the active model's scores"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="CSV",
                examples=[
                    OpenApiExample(
                        "Two rows",
                        value=(
                            "application_id,score,rank,percentile,model_version,reasons\n"
                            "S2024-000123,0.912345,1,100.000,rm-2024-01,distance_study_km;persons_at_address\n"
                        ),
                    )
                ],
            ),
            (404, "application/json"): ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Any:
        query = ScoreExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        model_version = None
        if query.validated_data.get("model_version"):
            model_version = RiskModelVersion.objects.filter(
                version=query.validated_data["model_version"]
            ).first()
            if model_version is None:
                return Response({"detail": "No such model version."}, status=status.HTTP_404_NOT_FOUND)
        out = io.StringIO()
        try:
            risk_scores_export(year=query.validated_data["year"], out=out, model_version=model_version)
        except ExportError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_404_NOT_FOUND)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="scores-{query.validated_data["year"]}.csv"'
        return response
