"""Serializers of the risk API: model registry, scoring runs and the bulk import."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from control.models import ImportRun, RiskModelVersion, ScoringRun


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "The active model",
            response_only=True,
            status_codes=["200"],
            value={
                "version": "rm-2024-01",
                "status": "ACTIVE",
                "algorithm": "HistGradientBoostingClassifier",
                "train_years": [2021, 2022, 2023],
                "test_year": 2024,
                "n_train": 48210,
                "n_test": 16533,
                "headline": {
                    "auc": 0.78,
                    "average_precision": 0.31,
                    "recall_at_25": 0.52,
                    "precision_at_25": 0.18,
                    "lift_at_25": 2.1,
                    "brier": 0.061,
                },
                "trained_by": "modellansvarlig1",
                "trained_at": "2026-11-20T13:04:11Z",
                "activated_at": "2026-11-21T08:30:00Z",
                "retired_at": None,
            },
        ),
    ]
)
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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "The active model in full",
            response_only=True,
            status_codes=["200"],
            value={
                "version": "rm-2024-01",
                "status": "ACTIVE",
                "algorithm": "HistGradientBoostingClassifier",
                "train_years": [2021, 2022, 2023],
                "test_year": 2024,
                "n_train": 48210,
                "n_test": 16533,
                "headline": {
                    "auc": 0.78,
                    "average_precision": 0.31,
                    "recall_at_25": 0.52,
                    "precision_at_25": 0.18,
                    "lift_at_25": 2.1,
                    "brier": 0.061,
                },
                "trained_by": "modellansvarlig1",
                "trained_at": "2026-11-20T13:04:11Z",
                "activated_at": "2026-11-21T08:30:00Z",
                "retired_at": None,
                "artifact_sha256": "9f2c1e4b7a0d3f6e8c5b2a1d4e7f0a3c6b9d2e5f8a1c4b7e0d3f6a9c2e5b8d1f",
                "features": ["distance_to_study_km", "age", "rent_amount"],
                "metrics": {
                    "auc": 0.78,
                    "average_precision": 0.31,
                    "recall_at_25": 0.52,
                    "precision_at_25": 0.18,
                    "lift_at_25": 2.1,
                    "brier": 0.061,
                    "n_positive_test": 1402,
                },
                "curves": {"roc": [[0.0, 0.0], [0.25, 0.62], [1.0, 1.0]]},
                "global_importance": [{"feature": "distance_to_study_km", "importance": 0.41}],
                "fairness": {"age_group": [{"group": "under 25", "selected_share": 0.24, "hit_rate": 0.19}]},
                "comparison": {"previous": "rm-2023-02", "auc_delta": 0.03},
                "library_versions": {"scikit-learn": "1.5.2", "numpy": "2.1.3"},
            },
        ),
    ]
)
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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A run under way",
            response_only=True,
            status_codes=["200", "202"],
            value={
                "id": 301,
                "model_version": "rm-2024-01",
                "academic_year": 2024,
                "status": "RUNNING",
                "total": 16533,
                "done": 8200,
                "error": "",
                "attempts": 1,
                "heartbeat_at": "2026-12-01T10:20:05Z",
                "created_at": "2026-12-01T10:18:44Z",
                "finished_at": None,
            },
        ),
    ]
)
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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A run of that year and model is going",
            response_only=True,
            status_codes=["409"],
            value={
                "detail": (
                    "scoring run 301 for academic year 2024 with model rm-2024-01 is running: "
                    "wait for it to finish"
                ),
                "running": {
                    "id": 301,
                    "model_version": "rm-2024-01",
                    "academic_year": 2024,
                    "status": "RUNNING",
                    "total": 16533,
                    "done": 8200,
                    "error": "",
                    "attempts": 1,
                    "heartbeat_at": "2026-12-01T10:20:05Z",
                    "created_at": "2026-12-01T10:18:44Z",
                    "finished_at": None,
                },
            },
        ),
    ]
)
class ScoringRunConflictSerializer(serializers.Serializer):
    """409: a run of the same year and model is going."""

    detail = serializers.CharField()
    running = ScoringRunSerializer()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Score 2024 with the active model",
            request_only=True,
            value={"academic_year": 2024},
        ),
        OpenApiExample(
            "Score 2024 with a given model",
            request_only=True,
            value={"academic_year": 2024, "model_version": "rm-2024-01"},
        ),
    ]
)
class ScoringRunCreateSerializer(serializers.Serializer):
    academic_year = serializers.IntegerField(min_value=2000, max_value=2100)
    model_version = serializers.CharField(required=False, help_text="default: the active model")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A CSV, keeping the valid rows",
            media_type="multipart/form-data",
            request_only=True,
            value={"file": "soknader-2024.csv", "skip_invalid": True},
        ),
    ]
)
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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An import with one row left out",
            response_only=True,
            status_codes=["201"],
            value={
                "id": 42,
                "file_name": "soknader-2024.csv",
                "file_sha256": "3b7e1f0c9a2d5e8b4c6f1a0d3e7b9c2f5a8d1e4b7c0f3a6d9e2b5c8f1a4d7e0b",
                "status": "SUCCEEDED",
                "skip_invalid": True,
                "rows_total": 1200,
                "rows_imported": 1199,
                "rows_rejected": 1,
                "started_at": "2026-12-01T09:00:02Z",
                "finished_at": "2026-12-01T09:00:09Z",
                "rejected": [
                    {
                        "line": 87,
                        "column": "national_id",
                        "value": "00000000000",
                        "reason": "ugyldig fødselsnummer",
                    }
                ],
            },
        ),
    ]
)
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
