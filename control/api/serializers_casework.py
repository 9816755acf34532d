"""Serializers for the casework API: what a case, a step and a campaign look like in JSON."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from control.api.serializers_appeals import AppealSerializer, LetterSerializer
from control.ml.schema import national_id_mask
from control.models import CaseDocument, ControlCampaign, ControlCase, ControlDecision, DocumentationRequest
from control.models.applications import ControlOutcome
from control.selectors.casework import ControlCaseDetail, control_case_shows_risk


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A case waiting for documents",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 812,
                "campaign": 14,
                "application_id": "S2024-000123",
                "academic_year": 2024,
                "national_id_masked": "170598*****",
                "selection_reason": "RISK",
                "selection_probability": 1.0,
                "score": 0.91,
                "risk_rank": 3,
                "status": "AWAITING_DOCUMENTS",
                "assigned_to": "saksbehandler1",
                "documentation_deadline": "2026-12-22",
                "outcome": "",
                "locked": False,
            },
        )
    ]
)
class ControlCaseListSerializer(serializers.ModelSerializer):
    """A worklist row: the fødselsnummer masked, as in the page's list."""

    application_id = serializers.CharField(read_only=True)
    academic_year = serializers.IntegerField(source="application.academic_year", read_only=True)
    national_id_masked = serializers.SerializerMethodField()
    assigned_to = serializers.CharField(
        source="assigned_to.username", read_only=True, default=None, allow_null=True
    )
    # "" until the case is decided: a blank choice in the schema, not a third outcome.
    outcome = serializers.ChoiceField(choices=ControlOutcome.choices, allow_blank=True, read_only=True)
    # An undecided random case shows no score or rank (see control_case_shows_risk).
    score = serializers.SerializerMethodField()
    risk_rank = serializers.SerializerMethodField()

    class Meta:
        model = ControlCase
        fields = [
            "id",
            "campaign",
            "application_id",
            "academic_year",
            "national_id_masked",
            "selection_reason",
            "selection_probability",
            "score",
            "risk_rank",
            "status",
            "assigned_to",
            "documentation_deadline",
            "outcome",
            "locked",
        ]
        read_only_fields = fields

    def get_national_id_masked(self, case: ControlCase) -> str:
        return national_id_mask(national_id=case.application.customer.national_id)

    def get_score(self, case: ControlCase) -> float | None:
        return case.score if control_case_shows_risk(case=case) else None

    def get_risk_rank(self, case: ControlCase) -> int | None:
        return case.risk_rank if control_case_shows_risk(case=case) else None


class RiskReasonSerializer(serializers.Serializer):
    feature = serializers.CharField()
    contribution = serializers.FloatField()
    text_nb = serializers.CharField()
    text_en = serializers.CharField()


class DocumentationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentationRequest
        fields = ["id", "deadline", "letter_text", "requested_at"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A lease the student sent",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 5120,
                "document_type": "LEASE",
                "original_name": "leiekontrakt.pdf",
                "content_type": "application/pdf",
                "size": 184220,
                "uploaded_at": "2026-12-01T10:15:00+01:00",
            },
        )
    ]
)
class CaseDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "document_type", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ControlDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, default=None, allow_null=True
    )
    reviewed_documents: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ControlDecision
        fields = [
            "id",
            "version",
            "outcome",
            "justification",
            "basis",
            "reviewed_documents",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.Serializer):
    """One step of the case history; `id` is the request, document, decision, reopening,
    notice, letter or appeal."""

    when = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=[
            "request",
            "document",
            "decision",
            "reopening",
            "notice",
            "letter",
            "appeal",
            "appeal_decision",
        ]
    )
    actor = serializers.CharField()
    id = serializers.IntegerField(source="obj.pk")
    text = serializers.SerializerMethodField()

    def get_text(self, entry: Any) -> str:
        obj = entry.obj
        if entry.kind == "request":
            return f"deadline {obj.deadline.isoformat()}"
        if entry.kind == "document":
            return f"{obj.original_name} ({obj.document_type})"
        if entry.kind == "decision":
            return f"v{obj.version} {obj.outcome} ({obj.basis}): {obj.justification}"
        if entry.kind == "notice":
            return f"{obj.kind} {obj.channel} to {obj.recipient or '-'}: {obj.status} {obj.error}".strip()
        if entry.kind == "letter":
            deadline = f", appeal deadline {obj.appeal_deadline.isoformat()}" if obj.appeal_deadline else ""
            return f"letter {obj.kind} ({obj.language}){deadline}"
        if entry.kind == "appeal":
            due = obj.deadline.isoformat()
            return f"appeal against v{obj.decision.version} ({obj.source}), due {due}: {obj.text}"
        if entry.kind == "appeal_decision":
            return f"appeal {obj.status}: {obj.result_justification}"
        return f"reopened, v{obj.withdrawn_decision.version} withdrawn: {obj.reason}"


class ControlCaseDetailSerializer(ControlCaseListSerializer):
    """One case: the full fødselsnummer, the risk band and reasons (none for an undecided
    random case), letters, documents, every decision version and the whole timeline."""

    national_id = serializers.CharField(source="customer.national_id", read_only=True)
    customer_id = serializers.CharField(source="customer.pk", read_only=True)
    risk_band = serializers.CharField(read_only=True, allow_null=True)
    risk_reasons = RiskReasonSerializer(many=True, read_only=True)
    risk_reason_texts = serializers.ListField(child=serializers.CharField(), read_only=True)
    model_version = serializers.CharField(read_only=True, allow_null=True)
    risk_hidden = serializers.BooleanField(read_only=True)
    documentation_requests = DocumentationRequestSerializer(many=True, read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True)
    current_decision = ControlDecisionSerializer(read_only=True, allow_null=True)
    decisions = ControlDecisionSerializer(many=True, read_only=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    letters = LetterSerializer(many=True, read_only=True)
    appeals = AppealSerializer(many=True, read_only=True)

    class Meta(ControlCaseListSerializer.Meta):
        fields = [
            *ControlCaseListSerializer.Meta.fields,
            "national_id",
            "customer_id",
            "risk_band",
            "risk_reasons",
            "risk_reason_texts",
            "model_version",
            "risk_hidden",
            "documentation_requests",
            "documents",
            "current_decision",
            "decisions",
            "timeline",
            "letters",
            "appeals",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ControlCaseDetail) -> dict[str, Any]:
        """The worklist row of `instance.case`, then the detail fields read from the
        ControlCaseDetail (control_case_detail)."""
        data: dict[str, Any] = dict(ControlCaseListSerializer(instance.case, context=self.context).data)
        own = set(self.Meta.fields) - set(ControlCaseListSerializer.Meta.fields)
        for field in self._readable_fields:
            if field.field_name not in own:
                continue
            attribute = field.get_attribute(instance)
            data[field.field_name] = None if attribute is None else field.to_representation(attribute)
        return data


class WorklistQuerySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=ControlCase.Status.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=["risk", "deadline"], required=False, default="risk")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "With a deadline",
            request_only=True,
            value={"deadline": "2026-12-22"},
        ),
        OpenApiExample(
            "The campaign's default deadline",
            request_only=True,
            value={},
        ),
    ]
)
class DocumentationRequestInputSerializer(serializers.Serializer):
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="Default: campaign's days from today"
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Caught, documents reviewed",
            request_only=True,
            value={
                "outcome": "CAUGHT",
                "justification": "Leiekontrakten er signert av foreldrene; studenten bor hjemme.",
                "reviewed_documents": [5120],
            },
        ),
    ]
)
class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ControlOutcome.choices)
    justification = serializers.CharField(allow_blank=True, help_text="Required, at least 10 characters")
    reviewed_documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Ids of the case's documents the caseworker reviewed; CAUGHT needs every one reviewed",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A proposed campaign",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 14,
                "name": "Bostedskontroll 2024",
                "academic_year": 2024,
                "budget_count": 500,
                "budget_share": None,
                "random_share": 0.1,
                "documentation_days": 21,
                "model_version": "rm-2024-01",
                "status": "PROPOSED",
                "progress": 100,
                "error": "",
                "case_count": 500,
                "created_at": "2026-12-01T10:15:00+01:00",
                "confirmed_at": None,
            },
        )
    ]
)
class ControlCampaignSerializer(serializers.ModelSerializer):
    model_version = serializers.CharField(
        source="model_version.version", read_only=True, default=None, allow_null=True
    )
    case_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ControlCampaign
        fields = [
            "id",
            "name",
            "academic_year",
            "budget_count",
            "budget_share",
            "random_share",
            "documentation_days",
            "model_version",
            "status",
            "progress",
            "error",
            "case_count",
            "created_at",
            "confirmed_at",
        ]
        read_only_fields = fields


class RateSerializer(serializers.Serializer):
    """Caught of decided, the rate and its 95 % Wilson interval."""

    # Reads a RateWithInterval (control/selectors/casework.py).

    caught = serializers.IntegerField(source="numerator")
    decided = serializers.IntegerField(source="denominator")
    rate = serializers.FloatField()
    ci_low = serializers.FloatField(source="low")
    ci_high = serializers.FloatField(source="high")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A campaign half done",
            response_only=True,
            status_codes=["200"],
            value={
                "campaign": 14,
                "academic_year": 2024,
                "progress": {
                    "open": 80,
                    "awaiting_documents": 150,
                    "overdue": 12,
                    "documents_received": 30,
                    "decided": 240,
                    "total": 500,
                },
                "hit_rate_by_reason": {
                    "RISK": {"caught": 41, "decided": 216, "rate": 0.19, "ci_low": 0.143, "ci_high": 0.248},
                    "RANDOM": {"caught": 2, "decided": 24, "rate": 0.083, "ci_low": 0.023, "ci_high": 0.258},
                },
                "lift": 2.29,
                "groups": {
                    "age_band": [
                        {
                            "group": "21_24",
                            "label": "21–24 år",
                            "applications": 9120,
                            "decided": 150,
                            "caught": 27,
                            "cleared": 123,
                            "hit_rate": 0.18,
                            "hit_rate_ci_low": 0.127,
                            "hit_rate_ci_high": 0.249,
                            "false_alarm_rate": 0.0135,
                            "honest_per_cheater": 4.56,
                        }
                    ]
                },
                "flags": [{"attribute": "age_band", "metric": "false_alarm_rate"}],
            },
        ),
    ]
)
class CampaignStatisticsSerializer(serializers.Serializer):
    """Progress, hit rate per selection reason (Wilson 95%), lift and per-group rates."""

    # Reads a CampaignStatistics (control/selectors/casework.py).

    campaign = serializers.IntegerField(source="campaign.pk")
    academic_year = serializers.IntegerField(source="campaign.academic_year")
    progress = serializers.DictField(child=serializers.IntegerField())
    hit_rate_by_reason = serializers.DictField(child=RateSerializer())
    lift = serializers.FloatField(allow_null=True)
    groups = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))
    flags = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
