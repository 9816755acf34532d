"""The student's own cases in the API (under /api/v1/control/my-cases/): the same
selectors as the student's pages, so a student reads only their own cases (another
student's id is a 404)."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers, viewsets

from control.models import CaseDocument, ControlCase
from control.selectors.students import student_case_list, student_case_view, student_customer
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.roles import Capability


class StudentDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "document_type", "original_name", "size", "uploaded_at"]
        read_only_fields = fields


class StudentDecisionSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    justification = serializers.CharField()
    decided_at = serializers.DateTimeField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A case waiting for the student's documents",
            response_only=True,
            status_codes=["200"],
            value={
                "id": 812,
                "campaign": 14,
                "academic_year": 2024,
                "selection_reason": "RISK",
                "why_selected": "Søknaden din ble plukket ut av risikomodellen for bostedskontroll.",
                "status": "AWAITING_DOCUMENTS",
                "status_text": "Vi venter på dokumentasjon fra deg.",
                "deadline": "2026-12-22",
                "letter_text": "Du må sende oss dokumentasjon på at du bor borte fra foreldrene dine.",
                "documents": [
                    {
                        "id": 5120,
                        "document_type": "LEASE",
                        "original_name": "leiekontrakt.pdf",
                        "size": 184320,
                        "uploaded_at": "2026-12-03T18:40:12Z",
                    }
                ],
                "decision": None,
            },
        ),
    ]
)
class StudentCaseSerializer(serializers.ModelSerializer):
    """A case as the student sees it: no score, no rank, no caseworker."""

    academic_year = serializers.IntegerField(source="application.academic_year", read_only=True)
    why_selected = serializers.SerializerMethodField()
    status_text = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    letter_text = serializers.SerializerMethodField()
    documents = StudentDocumentSerializer(many=True, read_only=True)
    decision = StudentDecisionSerializer(source="current_decision", read_only=True, allow_null=True)

    class Meta:
        model = ControlCase
        fields = [
            "id",
            "campaign",
            "academic_year",
            "selection_reason",
            "why_selected",
            "status",
            "status_text",
            "deadline",
            "letter_text",
            "documents",
            "decision",
        ]
        read_only_fields = fields

    def get_why_selected(self, case: ControlCase) -> str:
        return student_case_view(case=case).why_selected

    def get_status_text(self, case: ControlCase) -> str:
        return student_case_view(case=case).status_text

    def get_deadline(self, case: ControlCase) -> str | None:
        request = student_case_view(case=case).documentation_request
        return request.deadline.isoformat() if request else None

    def get_letter_text(self, case: ControlCase) -> str | None:
        request = student_case_view(case=case).documentation_request
        return request.letter_text if request else None


class StudentCaseViewSet(viewsets.ReadOnlyModelViewSet):
    """The logged-in student's own control cases."""

    serializer_class = StudentCaseSerializer
    permission_classes = [HasCapability(Capability.VIEW_OWN_CONTROL_CASES)]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        customer = student_customer(user=self.request.user)
        if customer is None:
            return ControlCase.objects.none()
        return student_case_list(customer=customer)
