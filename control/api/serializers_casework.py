"""Serializers for the casework API: what a case, a step and a campaign look like in JSON."""

from typing import Any

from rest_framework import serializers

from control.ml.schema import national_id_mask
from control.models import ControlCampaign, ControlCase, DocumentationRequest
from control.models.applications import ControlOutcome


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


class ControlCaseDetailSerializer(ControlCaseListSerializer):
    """One case: the full fødselsnummer, the risk band and reasons, letters and decision."""

    national_id = serializers.CharField(source="application.customer.national_id", read_only=True)
    customer_id = serializers.CharField(source="application.customer_id", read_only=True)
    risk_band = serializers.CharField(read_only=True)
    risk_reasons = RiskReasonSerializer(many=True, read_only=True)
    risk_reason_texts = serializers.ListField(child=serializers.CharField(), read_only=True)
    model_version = serializers.CharField(read_only=True, allow_null=True)
    documentation_requests = DocumentationRequestSerializer(many=True, read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta(ControlCaseListSerializer.Meta):
        fields = [
            *ControlCaseListSerializer.Meta.fields,
            "national_id",
            "customer_id",
            "risk_band",
            "risk_reasons",
            "risk_reason_texts",
            "model_version",
            "documentation_requests",
            "justification",
            "decided_by",
            "decided_at",
            "reopen_reason",
        ]
        read_only_fields = fields


class WorklistQuerySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=ControlCase.Status.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=["risk", "deadline"], required=False, default="risk")


class DocumentationRequestInputSerializer(serializers.Serializer):
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="Default: campaign's days from today"
    )


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ControlOutcome.choices)
    justification = serializers.CharField(allow_blank=True, help_text="Required, at least 10 characters")


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
    caught = serializers.IntegerField()
    decided = serializers.IntegerField()
    rate = serializers.FloatField()
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()


class CampaignStatisticsSerializer(serializers.Serializer):
    """Progress, hit rate per selection reason (Wilson 95%), lift and per-group rates."""

    campaign = serializers.IntegerField()
    academic_year = serializers.IntegerField()
    progress = serializers.DictField(child=serializers.IntegerField())
    hit_rate_by_reason = serializers.DictField(child=RateSerializer())
    lift = serializers.FloatField(allow_null=True)
    groups = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))
    flags = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))

    def to_representation(self, instance: Any) -> Any:
        return instance
