"""A student's data access report (GDPR art. 15, AI Act art. 86) through the API, as JSON
or as the same PDF the page hands out: the same selector, capability and audit event."""

import re
from typing import Any

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from control.api.serializers_casework import (
    CaseDocumentSerializer,
    ControlDecisionSerializer,
    DocumentationRequestSerializer,
    TimelineEntrySerializer,
)
from control.models import Application, ControlCase, Customer, DoNotControlFlag, RiskScore
from control.selectors.casework import AccessReport, AccessReportCase, customer_access_report
from control.services.casework import customer_access_report_record
from control.services.pdf import pdf_from_html
from lanekassen_ai.api.downloads import (
    PDF_RENDERERS,
    DownloadErrorsAsJsonMixin,
)
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability
from lanekassen_ai.services.audit import AuditContext

CASE_READERS = HasCapability(Capability.WORK_CONTROL_CASES, Capability.MANAGE_CONTROL)


class AccessReportCustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["customer_id", "national_id", "birth_date", "gender", "birth_country_group", "updated_at"]
        read_only_fields = fields


class AccessReportApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        exclude = ["customer", "import_run"]


class AccessReportScoreSerializer(serializers.ModelSerializer):
    model_version = serializers.CharField(source="model_version.version", read_only=True)
    application_id = serializers.CharField(read_only=True)
    reasons = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = RiskScore
        fields = [
            "application_id",
            "academic_year",
            "model_version",
            "score",
            "rank",
            "percentile",
            "reasons",
        ]
        read_only_fields = fields


class AccessReportCaseSerializer(serializers.ModelSerializer):
    """A control case with its whole history, oldest first."""

    # Reads an AccessReportCase (control/selectors/casework.py): the case and its timeline.

    campaign = serializers.CharField(source="campaign.name", read_only=True)
    application_id = serializers.CharField(read_only=True)
    assigned_to = serializers.CharField(
        source="assigned_to.username", read_only=True, default=None, allow_null=True
    )
    documentation_requests = DocumentationRequestSerializer(many=True, read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True)
    decisions = ControlDecisionSerializer(many=True, read_only=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ControlCase
        fields = [
            "id",
            "campaign",
            "application_id",
            "selection_reason",
            "selection_probability",
            "status",
            "outcome",
            "locked",
            "assigned_to",
            "documentation_requests",
            "documents",
            "decisions",
            "timeline",
        ]
        read_only_fields = fields

    def to_representation(self, instance: AccessReportCase) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in self._readable_fields:
            name = str(field.field_name)
            attribute = field.get_attribute(instance if name == "timeline" else instance.case)
            data[name] = None if attribute is None else field.to_representation(attribute)
        return data


class AccessReportFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = DoNotControlFlag
        fields = ["id", "reason", "active", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A student never controlled (shortened)",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "customer": {
                    "customer_id": "K0001234",
                    "national_id": "17059812345",
                    "birth_date": "1998-05-17",
                    "gender": "F",
                    "birth_country_group": "NO",
                    "updated_at": "2026-09-01T08:00:00+02:00",
                },
                "applications": [],
                "scores": [
                    {
                        "application_id": "S2024-000123",
                        "academic_year": 2024,
                        "model_version": "rm-2024-01",
                        "score": 0.12,
                        "rank": 40211,
                        "percentile": 31.5,
                        "reasons": [{"feature": "log_distance_study_km", "contribution": -0.4}],
                    }
                ],
                "cases": [],
                "flags": [],
            },
        )
    ]
)
class AccessReportSerializer(serializers.Serializer):
    """Everything stored about one student: identity and audit attributes, applications,
    risk scores with reasons, control cases with their whole history, flags."""

    customer = AccessReportCustomerSerializer()
    applications = AccessReportApplicationSerializer(many=True)
    scores = AccessReportScoreSerializer(many=True)
    cases = AccessReportCaseSerializer(many=True)
    flags = AccessReportFlagSerializer(many=True)


CUSTOMER_PARAMETER = OpenApiParameter(
    "customer",
    str,
    required=True,
    description="The student's customer id",
    examples=[OpenApiExample("A student", value="K0001234")],
)


def _report(request: Request, *, context: AuditContext, output_format: str) -> AccessReport:
    customer_id = request.query_params.get("customer", "")
    try:
        report = customer_access_report(customer_id=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404(f"No customer with customer id {customer_id!r}.") from exc
    customer_access_report_record(
        customer_id=customer_id,
        user=context.user,
        context=context,
        output_format=output_format,
    )
    return report


class CustomerAccessReportView(AuditContextAPIMixin, APIView):
    """The data access report of one student as JSON (audited as an access report)."""

    permission_classes = [CASE_READERS]

    @extend_schema(
        parameters=[CUSTOMER_PARAMETER], responses={200: AccessReportSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(
            AccessReportSerializer(_report(request, context=self.audit_context, output_format="json")).data
        )


class CustomerAccessReportPdfView(DownloadErrorsAsJsonMixin, AuditContextAPIMixin, APIView):
    """The same report as the page's PDF (A4), to hand to the student."""

    permission_classes = [CASE_READERS]
    renderer_classes = PDF_RENDERERS

    @extend_schema(
        parameters=[CUSTOMER_PARAMETER],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report as PDF"),
            (404, "application/json"): ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Any:
        from control.views.cases import access_report_context  # the page's own layout of the report

        report = _report(request, context=self.audit_context, output_format="pdf")
        html = render_to_string(
            "control/casework/access_report_pdf.html", access_report_context(report), request._request
        )
        response = HttpResponse(pdf_from_html(html=html), content_type="application/pdf")
        safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", report.customer.pk)
        response["Content-Disposition"] = f'attachment; filename="innsyn-{safe_id}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
