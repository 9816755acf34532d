"""Casework API (under /api/v1/control/): cases, their steps and campaign statistics.
The same services as the pages, with the same capabilities."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from control.api.campaigns import CampaignWriteMixin
from control.api.case_actions import CaseActionsMixin
from control.api.serializers_casework import (
    CampaignStatisticsSerializer,
    ControlCampaignSerializer,
    ControlCaseDetailSerializer,
    ControlCaseListSerializer,
    DecisionInputSerializer,
    DocumentationRequestInputSerializer,
    DocumentationRequestSerializer,
    WorklistQuerySerializer,
)
from control.models import ControlCampaign, ControlCase
from control.selectors.casework import (
    control_campaign_list,
    control_case_detail,
    control_case_get,
    control_case_list,
)
from control.selectors.insight import control_campaign_insight
from control.services.campaigns import control_campaign_retry
from control.services.casework import (
    control_case_decide,
    control_case_list_view_record,
    control_case_request_documentation,
    control_case_take_next,
    control_case_view_record,
)
from lanekassen_ai.api.downloads import (
    DownloadErrorsAsJsonMixin,
)
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability

CASE_READERS = HasCapability(Capability.WORK_CONTROL_CASES, Capability.MANAGE_CONTROL)
CASE_WORKERS = HasCapability(Capability.WORK_CONTROL_CASES)
CAMPAIGN_MANAGERS = HasCapability(Capability.MANAGE_CONTROL)
STATISTICS_READERS = HasCapability(Capability.VIEW_CONTROL_STATISTICS, Capability.MANAGE_CONTROL)


def _as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class ControlCaseViewSet(
    DownloadErrorsAsJsonMixin, CaseActionsMixin, AuditContextAPIMixin, viewsets.ReadOnlyModelViewSet
):
    """Control cases of confirmed campaigns. The list masks the fødselsnummer; reading one
    case shows it in full and is audited like opening the case page."""

    permission_classes = [CASE_READERS]
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return ControlCaseDetailSerializer if self.action == "retrieve" else ControlCaseListSerializer

    def get_queryset(self) -> Any:
        query = WorklistQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return control_case_list(
            user=self.request.user,
            campaign_id=data.get("campaign"),
            status=data.get("status", ""),
            assigned_to_me=data["mine"],
            overdue=data["overdue"],
            sort=data["sort"],
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int),
            OpenApiParameter("status", str, enum=ControlCase.Status.values),
            OpenApiParameter("mine", bool, description="Only cases assigned to me"),
            OpenApiParameter("overdue", bool, description="Waiting for documents past the deadline"),
            OpenApiParameter("sort", str, enum=["risk", "deadline"]),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        control_case_list_view_record(
            user=self.audit_context.user,
            filters=dict(request.query_params.items()),
            context=self.audit_context,
        )
        return response

    def _case(self) -> ControlCase:
        # The same object-level 404 as the page: the pk must be a case of a confirmed campaign.
        case = self.get_object()
        return control_case_get(case_id=case.pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The same object-level 404 as the page: the pk must be a case of a confirmed campaign.
        detail = control_case_detail(case_id=self.get_object().pk)
        control_case_view_record(case=detail.case, user=self.audit_context.user, context=self.audit_context)
        return Response(ControlCaseDetailSerializer(detail).data)

    @extend_schema(
        request=DocumentationRequestInputSerializer, responses={201: DocumentationRequestSerializer}
    )
    @idempotent
    @action(
        detail=True, methods=["post"], url_path="request-documentation", permission_classes=[CASE_WORKERS]
    )
    def request_documentation(self, request: Request, pk: str | None = None) -> Response:
        """Make the documentation letter and set the deadline (default: campaign's days)."""
        case = self._case()
        payload = DocumentationRequestInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            created = control_case_request_documentation(
                case=case,
                requested_by=self.audit_context.user,
                deadline=payload.validated_data.get("deadline"),
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(DocumentationRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInputSerializer, responses={200: ControlCaseListSerializer})
    @idempotent
    @action(detail=True, methods=["post"], url_path="decision", permission_classes=[CASE_WORKERS])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Record CAUGHT or CLEARED with a written justification and the documents reviewed;
        the case is then locked. CAUGHT only after a documentation request whose documents
        were all reviewed or whose deadline passed (400 naming what is missing)."""
        case = self._case()
        payload = DecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            decided = control_case_decide(
                case=case,
                outcome=payload.validated_data["outcome"],
                justification=payload.validated_data["justification"],
                reviewed_document_ids=payload.validated_data["reviewed_documents"],
                decided_by=self.audit_context.user,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(ControlCaseListSerializer(control_case_get(case_id=decided.pk)).data)

    @extend_schema(request=None, responses={200: ControlCaseListSerializer, 204: None})
    @action(detail=False, methods=["post"], url_path="take-next", permission_classes=[CASE_WORKERS])
    def take_next(self, request: Request) -> Response:
        """Assign the highest-priority unassigned open case to me (204 when none is left)."""
        case = control_case_take_next(user=self.audit_context.user, context=self.audit_context)
        if case is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ControlCaseListSerializer(control_case_get(case_id=case.pk)).data)


class ControlCampaignViewSet(CampaignWriteMixin, AuditContextAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns (no personal data) and their statistics; managers create, confirm,
    discard and retry them (control/api/campaigns.py)."""

    serializer_class = ControlCampaignSerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        # Reading is for the statistics readers; anything else (writes) for the managers.
        if self.action in ("list", "retrieve", "statistics"):
            return [STATISTICS_READERS()]
        return [CAMPAIGN_MANAGERS()]

    def get_queryset(self) -> Any:
        return control_campaign_list()

    @extend_schema(
        request=None, responses={202: ControlCampaignSerializer, 409: ErrorSerializer, 503: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Start a failed or stuck selection again."""
        campaign: ControlCampaign = self.get_object()
        try:
            control_campaign_retry(campaign=campaign, context=self.audit_context)
        except DjangoValidationError as error:
            body = ErrorSerializer({"detail": " ".join(error.messages)}).data
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(
            ControlCampaignSerializer(control_campaign_list().get(pk=campaign.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses={200: CampaignStatisticsSerializer})
    @action(detail=True, methods=["get"])
    def statistics(self, request: Request, pk: str | None = None) -> Response:
        """Progress, hit rate by selection reason with Wilson intervals, lift, per group."""
        insight = control_campaign_insight(campaign=self.get_object())
        return Response(CampaignStatisticsSerializer(insight.statistics).data)
