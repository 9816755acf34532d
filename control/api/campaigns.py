"""Campaign writes and do-not-control flags (under /api/v1/control/): the same services,
capability (MANAGE_CONTROL) and audit events as the managers' pages."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from control.api.serializers_casework import ControlCampaignSerializer
from control.models import ControlCampaign, DoNotControlFlag, RiskModelVersion
from control.selectors.casework import control_campaign_list, do_not_control_flag_list
from control.selectors.letter_schedule import campaign_letter_schedule
from control.services.campaigns import (
    control_campaign_confirm,
    control_campaign_discard,
    control_campaign_start,
    do_not_control_flag_create,
    do_not_control_flag_deactivate,
)
from control.services.letter_schedule import (
    STATE,
    campaign_letter_schedule_accept,
    campaign_letter_schedule_propose,
)
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability
from lanekassen_ai.services.audit import AuditContext

CAMPAIGN_MANAGERS = HasCapability(Capability.MANAGE_CONTROL)


def drf_validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as DRF's 400, field errors kept by field."""
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


def conflict(error: DjangoValidationError) -> Response:
    """A step the object's state refuses: 409 with the service's words."""
    return Response(
        ErrorSerializer({"detail": " ".join(error.messages)}).data, status=status.HTTP_409_CONFLICT
    )


class CampaignCreateSerializer(serializers.Serializer):
    """A new campaign: exactly one of budget_count and budget_share (a fraction, 0-1)."""

    name = serializers.CharField(max_length=120)
    academic_year = serializers.IntegerField(min_value=2000, max_value=2100)
    budget_count = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    budget_share = serializers.FloatField(min_value=0.0001, max_value=1, required=False, allow_null=True)
    random_share = serializers.FloatField(min_value=0.05, max_value=1, required=False, default=0.10)
    documentation_days = serializers.IntegerField(min_value=1, max_value=120, required=False, default=21)
    model_version = serializers.SlugRelatedField(
        slug_field="version",
        queryset=RiskModelVersion.objects.exclude(status=RiskModelVersion.Status.RETIRED),
        required=False,
        allow_null=True,
        help_text="Default: the active model",
    )


CAMPAIGN_CREATE_EXAMPLE = OpenApiExample(
    "A campaign of 500 controls",
    value={"name": "Bostedskontroll 2024", "academic_year": 2024, "budget_count": 500, "random_share": 0.1},
    request_only=True,
)


class LetterScheduleDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    letters = serializers.IntegerField(help_text="Letters planned that day")
    capacity = serializers.IntegerField(
        allow_null=True, help_text="Most letters the day allows; null: no limit"
    )
    capacity_source = serializers.CharField(help_text='"chat" (forecast and staffing plan) or "default"')
    expected_arrivals = serializers.FloatField(
        allow_null=True, help_text="Chats forecast that day without this campaign's letters"
    )
    arrivals_per_letter = serializers.FloatField(
        allow_null=True, help_text="Extra chats one letter brings (learnt)"
    )
    expected_arrivals_with_letters = serializers.FloatField(allow_null=True)
    sent = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)


class LetterScheduleSerializer(serializers.Serializer):
    """A campaign's letter schedule (control/services/letter_schedule.py)."""

    state = serializers.ChoiceField(choices=ControlCampaign.LetterSchedule.choices)
    letters_by = serializers.DateField(allow_null=True)
    default_reason = serializers.ChoiceField(
        choices=["", "no_provider", "provider_failed", "not_judged"],
        help_text="Why some days have the default per-day limit; empty when the chat judged every day",
    )
    pending = serializers.IntegerField(help_text="Cases waiting for their first letter")
    planned = serializers.IntegerField()
    sent = serializers.IntegerField()
    unplanned = serializers.IntegerField(help_text="Waiting cases no day carries (left to the caseworkers)")
    days = LetterScheduleDaySerializer(many=True)


class LetterScheduleProposeSerializer(serializers.Serializer):
    letters_by = serializers.DateField(
        required=False, allow_null=True, help_text="Last day letters may go out"
    )


class LetterScheduleAcceptSerializer(serializers.Serializer):
    letters = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Changed days: ISO date → letters; the other days keep the proposal",
    )


LETTER_SCHEDULE_ACCEPT_EXAMPLE = OpenApiExample(
    "Accept with one day changed", value={"letters": {"2026-12-03": 40}}, request_only=True
)
LETTER_SCHEDULE_PROPOSE_EXAMPLE = OpenApiExample(
    "Letters by the 18th", value={"letters_by": "2026-12-18"}, request_only=True
)
LETTER_SCHEDULE_EXAMPLE = OpenApiExample(
    "A proposed schedule",
    value={
        "state": "PROPOSED",
        "letters_by": None,
        "default_reason": "",
        "pending": 130,
        "planned": 130,
        "sent": 0,
        "unplanned": 0,
        "days": [
            {
                "day": "2026-12-02",
                "letters": 85,
                "capacity": 85,
                "capacity_source": "chat",
                "expected_arrivals": 41.3,
                "arrivals_per_letter": 0.12,
                "expected_arrivals_with_letters": 51.5,
                "sent": 0,
                "sent_at": None,
            },
            {
                "day": "2026-12-03",
                "letters": 45,
                "capacity": 92,
                "capacity_source": "chat",
                "expected_arrivals": 38.9,
                "arrivals_per_letter": 0.12,
                "expected_arrivals_with_letters": 44.3,
                "sent": 0,
                "sent_at": None,
            },
        ],
    },
    response_only=True,
)


def _letter_schedule_body(campaign: ControlCampaign) -> Any:
    # The serializer reads the selector's dataclasses (and their properties) as they are.
    schedule = campaign_letter_schedule(campaign=ControlCampaign.objects.get(pk=campaign.pk))
    return LetterScheduleSerializer(schedule).data


def _refused(error: DjangoValidationError) -> Response:
    # The campaign's state refuses the step (409); otherwise the input was wrong (400).
    if any(e.code == STATE for e in getattr(error, "error_list", [])):
        return conflict(error)
    raise drf_validation_error(error) from error


class CampaignWriteMixin:
    """Create (the selection runs in the background: poll the campaign until PROPOSED),
    confirm (its cases enter the worklist) and discard (a campaign never confirmed).
    Mixed into the campaign viewset, whose non-read actions require MANAGE_CONTROL."""

    get_object: Callable[[], Any]  # the viewset's
    audit_context: AuditContext  # the viewset's (AuditContextAPIMixin)

    @extend_schema(
        request=CampaignCreateSerializer,
        responses={202: ControlCampaignSerializer, 503: ErrorSerializer},
        examples=[CAMPAIGN_CREATE_EXAMPLE],
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CampaignCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            campaign = control_campaign_start(
                name=data["name"],
                academic_year=data["academic_year"],
                budget_count=data.get("budget_count"),
                budget_share=data.get("budget_share"),
                random_share=data["random_share"],
                documentation_days=data["documentation_days"],
                model_version=data.get("model_version"),
                created_by=self.audit_context.user,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise drf_validation_error(error) from error
        body = ControlCampaignSerializer(control_campaign_list().get(pk=campaign.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={200: ControlCampaignSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a PROPOSED campaign: its cases enter the worklist (event
        `control.campaign.confirmed`)."""
        campaign: ControlCampaign = self.get_object()
        try:
            control_campaign_confirm(
                campaign=campaign, confirmed_by=self.audit_context.user, context=self.audit_context
            )
        except DjangoValidationError as error:
            return conflict(error)
        return Response(ControlCampaignSerializer(control_campaign_list().get(pk=campaign.pk)).data)

    @extend_schema(responses={200: LetterScheduleSerializer}, examples=[LETTER_SCHEDULE_EXAMPLE])
    @action(detail=True, methods=["get"], url_path="letter-schedule")
    def letter_schedule(self, request: Request, pk: str | None = None) -> Response:
        """The campaign's letter schedule: letters per day with the chat's expected load and
        the capacity they were planned against (state "" until the campaign is confirmed)."""
        return Response(_letter_schedule_body(self.get_object()))

    @extend_schema(
        request=LetterScheduleProposeSerializer,
        responses={200: LetterScheduleSerializer, 409: ErrorSerializer},
        examples=[LETTER_SCHEDULE_PROPOSE_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="letter-schedule/propose")
    def letter_schedule_propose(self, request: Request, pk: str | None = None) -> Response:
        """Propose the confirmed campaign's letter schedule again (replaces the proposal)."""
        campaign: ControlCampaign = self.get_object()
        payload = LetterScheduleProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            campaign_letter_schedule_propose(
                campaign=campaign,
                letters_by=payload.validated_data.get("letters_by"),
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            return _refused(error)
        return Response(_letter_schedule_body(campaign))

    @extend_schema(
        request=LetterScheduleAcceptSerializer,
        responses={200: LetterScheduleSerializer, 409: ErrorSerializer},
        examples=[LETTER_SCHEDULE_ACCEPT_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="letter-schedule/accept")
    def letter_schedule_accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the proposed letter schedule, with `letters` changing some days' counts;
        the letters then go out on their days (an hourly task), each case once."""
        campaign: ControlCampaign = self.get_object()
        payload = LetterScheduleAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            campaign_letter_schedule_accept(
                campaign=campaign,
                letters=payload.validated_data.get("letters") or {},
                accepted_by=self.audit_context.user,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            return _refused(error)
        return Response(_letter_schedule_body(campaign))

    @extend_schema(
        request=None,
        responses={204: None, 409: ErrorSerializer},
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, examples=[OpenApiExample("A proposed campaign", value=14)]
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        """Delete a campaign that was never confirmed, with its proposed cases."""
        campaign: ControlCampaign = self.get_object()
        try:
            control_campaign_discard(
                campaign=campaign, discarded_by=self.audit_context.user, context=self.audit_context
            )
        except DjangoValidationError as error:
            return conflict(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A flag in force",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 17,
                "customer": "K0001234",
                "reason": "Sårbar student, avtalt med veileder.",
                "active": True,
                "created_by": "leder1",
                "created_at": "2026-12-01T10:15:00+01:00",
            },
        )
    ]
)
class DoNotControlFlagSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = DoNotControlFlag
        fields = ["id", "customer", "reason", "active", "created_by", "created_at"]
        read_only_fields = fields


class DoNotControlFlagCreateSerializer(serializers.Serializer):
    customer_id = serializers.CharField(max_length=32)
    reason = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("active", bool, description="Only flags in force (default: all)")]
    )
)
class DoNotControlFlagViewSet(AuditContextAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Customers who must not be picked for control (e.g. a vulnerable student)."""

    permission_classes = [CAMPAIGN_MANAGERS]
    serializer_class = DoNotControlFlagSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        active = self.request.query_params.get("active", "").lower() in ("true", "1")
        return do_not_control_flag_list(active_only=active)

    @extend_schema(
        request=DoNotControlFlagCreateSerializer,
        responses={201: DoNotControlFlagSerializer},
        examples=[
            OpenApiExample(
                "A student who must not be controlled",
                value={"customer_id": "K0001234", "reason": "Sårbar student, avtalt med veileder."},
                request_only=True,
            )
        ],
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DoNotControlFlagCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            flag = do_not_control_flag_create(
                customer_id=payload.validated_data["customer_id"],
                reason=payload.validated_data["reason"],
                created_by=self.audit_context.user,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise drf_validation_error(error) from error
        return Response(DoNotControlFlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DoNotControlFlagSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        """Lift a flag (kept, inactive, for the record)."""
        flag: DoNotControlFlag = self.get_object()
        if not flag.active:
            return Response(
                ErrorSerializer({"detail": "The flag is already lifted."}).data,
                status=status.HTTP_409_CONFLICT,
            )
        user: Any = request.user
        flag = do_not_control_flag_deactivate(flag=flag, deactivated_by=user, context=self.audit_context)
        return Response(DoNotControlFlagSerializer(flag).data)
