"""Serializers of the risk API: model registry, scoring runs and the bulk import."""

from typing import Any

from rest_framework import serializers

from control.models import ImportRun, RiskModelVersion, ScoringRun


class RiskModelVersionListSerializer(serializers.ModelSerializer):
    trained_by = serializers.CharField(
        source="trained_by.username", default=None, read_only=True, allow_null=True
    )
    headline = serializers.SerializerMethodField()

    class Meta:
        model = RiskModelVersion
        fields = [
            "version",
            "status",
            "algorithm",
            "train_years",
            "test_year",
            "n_train",
            "n_test",
            "headline",
            "trained_by",
            "trained_at",
            "activated_at",
            "retired_at",
        ]

    def get_headline(self, obj: RiskModelVersion) -> dict[str, Any]:
        keys = ("auc", "average_precision", "recall_at_25", "precision_at_25", "lift_at_25", "brier")
        return {k: obj.metrics.get(k) for k in keys}


class RiskModelVersionDetailSerializer(RiskModelVersionListSerializer):
    class Meta(RiskModelVersionListSerializer.Meta):
        fields = [
            *RiskModelVersionListSerializer.Meta.fields,
            "artifact_sha256",
            "features",
            "metrics",
            "curves",
            "global_importance",
            "fairness",
            "comparison",
            "library_versions",
        ]


class ScoringRunSerializer(serializers.ModelSerializer):
    model_version = serializers.CharField(source="model_version.version", read_only=True)

    class Meta:
        model = ScoringRun
        fields = [
            "id",
            "model_version",
            "academic_year",
            "status",
            "total",
            "done",
            "error",
            "attempts",
            "heartbeat_at",
            "created_at",
            "finished_at",
        ]


class ScoringRunConflictSerializer(serializers.Serializer):
    """409: a run of the same year and model is going."""

    detail = serializers.CharField()
    running = ScoringRunSerializer()


class ScoringRunCreateSerializer(serializers.Serializer):
    academic_year = serializers.IntegerField(min_value=2000, max_value=2100)
    model_version = serializers.CharField(required=False, help_text="default: the active model")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV in the import format (docs/import-format.md)")
    skip_invalid = serializers.BooleanField(
        default=False, help_text="import the valid rows; the rejected ones are listed in the answer"
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "status",
            "skip_invalid",
            "rows_total",
            "rows_imported",
            "rows_rejected",
            "started_at",
            "finished_at",
        ]


class ImportResultSerializer(ImportRunSerializer):
    """201: the import run, with the rows left out (skip_invalid)."""

    rejected = RowErrorSerializer(many=True, read_only=True)

    class Meta(ImportRunSerializer.Meta):
        fields = [*ImportRunSerializer.Meta.fields, "rejected"]


class ImportRefusedSerializer(serializers.Serializer):
    """400: the file was refused; every bad row (first 1000) with line, column, value, reason."""

    detail = serializers.CharField()
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]  # the body key, not .errors
    import_run = serializers.IntegerField(required=False)
