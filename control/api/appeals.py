"""Appeals in the API (under /api/v1/control/): the student appeals a decision on their own
case; a caseworker registers an appeal that came by letter, and another caseworker than
the one who decided upholds or reverses it. The same services as the pages."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from control.api.serializers_appeals import AppealSerializer
from control.models import Appeal, CaseDocument, ControlCase, Letter
from control.selectors.casework import control_case_get
from control.selectors.students import student_case_get, student_customer
from control.services.appeals import appeal_decide, appeal_register, appeal_submit
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.roles import Capability


def _as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An appeal with a lease",
            request_only=True,
            value={
                "text": "Jeg bodde på hybelen hele studieåret, se vedlagt leiekontrakt.",
                "document_type": "LEASE",
                "file": "leiekontrakt.pdf",
            },
        ),
    ]
)
class StudentAppealInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    document_type = serializers.ChoiceField(
        choices=CaseDocument.DocumentType.choices, required=False, default=CaseDocument.DocumentType.OTHER
    )
    file = serializers.FileField(required=False)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An appeal received by letter",
            request_only=True,
            value={
                "text": "Klage på vedtak om tilbakebetaling, mottatt per post.",
                "received_on": "2026-11-28",
                "letter": None,
            },
        ),
    ]
)
class AppealRegisterInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    letter = serializers.IntegerField(required=False, allow_null=True, default=None)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Reversed",
            request_only=True,
            value={
                "result": "REVERSED",
                "justification": "Ny leiekontrakt dokumenterer at studenten bodde borte fra foreldrene.",
            },
        ),
    ]
)
class AppealDecisionInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[Appeal.Status.UPHELD, Appeal.Status.REVERSED])
    justification = serializers.CharField()


class StudentAppealView(AuditContextAPIMixin, APIView):
    """The logged-in student appeals the decision on one of their own cases (another
    student's case is a 404), with a text and optionally one document."""

    permission_classes = [HasCapability(Capability.VIEW_OWN_CONTROL_CASES)]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=StudentAppealInputSerializer, responses={201: AppealSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        customer = student_customer(user=request.user)
        try:
            if customer is None:
                raise ControlCase.DoesNotExist
            case = student_case_get(customer=customer, case_id=pk)
        except ControlCase.DoesNotExist as exc:
            raise Http404 from exc
        payload = StudentAppealInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data.get("file")
        try:
            appeal = appeal_submit(
                case=case,
                text=payload.validated_data["text"],
                files=[(upload, payload.validated_data["document_type"])] if upload else [],
                context=self.audit_context,
            )
        except DjangoPermissionDenied as exc:
            raise Http404 from exc
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class CaseAppealRegisterView(AuditContextAPIMixin, APIView):
    """A caseworker registers an appeal that came by letter or e-mail."""

    permission_classes = [HasCapability(Capability.HANDLE_APPEALS)]

    @extend_schema(request=AppealRegisterInputSerializer, responses={201: AppealSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        try:
            case = control_case_get(case_id=pk)
        except ControlCase.DoesNotExist as exc:
            raise Http404 from exc
        payload = AppealRegisterInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        letter_id = payload.validated_data["letter"]
        letter = Letter.objects.filter(pk=letter_id).defer("content").first() if letter_id else None
        if letter_id and letter is None:
            raise serializers.ValidationError({"letter": [f"Fant ikke brev {letter_id}."]})
        try:
            appeal = appeal_register(
                case=case,
                text=payload.validated_data["text"],
                received_on=payload.validated_data["received_on"],
                letter=letter,
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class AppealDecideView(AuditContextAPIMixin, APIView):
    """Uphold or reverse an appeal; refused (400, code `same_caseworker`) for the caseworker
    who made the decision appealed."""

    permission_classes = [HasCapability(Capability.HANDLE_APPEALS)]

    @extend_schema(request=AppealDecisionInputSerializer, responses={200: AppealSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        appeal: Any = Appeal.objects.filter(pk=pk).first()
        if appeal is None:
            raise Http404
        payload = AppealDecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            decided = appeal_decide(
                appeal=appeal,
                result=payload.validated_data["result"],
                justification=payload.validated_data["justification"],
                context=self.audit_context,
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(AppealSerializer(decided).data)
