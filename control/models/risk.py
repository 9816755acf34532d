"""The risk model registry and the scores it produces."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from control.models.applications import Application


class RiskModelVersion(models.Model):
    """One training run: the skops artifact (checked by SHA-256 on every load), what it
    was trained on, how well it did and how fairly. Exactly one version is active."""

    class Status(models.TextChoices):
        CANDIDATE = "CANDIDATE", _("Kandidat")
        ACTIVE = "ACTIVE", _("Aktiv")
        RETIRED = "RETIRED", _("Pensjonert")

    version = models.CharField(_("versjon"), max_length=40, unique=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.CANDIDATE, db_index=True)
    algorithm = models.CharField(_("algoritme"), max_length=60)
    artifact_path = models.CharField(max_length=255)  # relative to PRIVATE_STORAGE_ROOT
    artifact_sha256 = models.CharField(max_length=64)
    features = models.JSONField(default=list)  # feature names the pipeline uses
    train_years = models.JSONField(default=list)
    test_year = models.PositiveSmallIntegerField(null=True, blank=True)
    n_train = models.PositiveIntegerField(default=0)
    n_test = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)  # the --json figures, with confidence intervals
    curves = models.JSONField(default=dict)  # gains and calibration curves for the model card
    global_importance = models.JSONField(default=list)
    fairness = models.JSONField(default=dict)
    comparison = models.JSONField(default=dict)  # the candidates compared and why this one won
    library_versions = models.JSONField(default=dict)
    # What each feature adds against its disparity cost (ml/justification.py).
    justification = models.JSONField(default=dict)
    # Features a modeller switched off for this version (held constant, so unused).
    excluded_features = models.JSONField(default=list)
    # The training years' distributions (bins per feature and of the score) for drift.
    drift_reference = models.JSONField(default=dict)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-trained_at"]
        verbose_name = _("risikomodellversjon")
        verbose_name_plural = _("risikomodellversjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="ACTIVE"), name="one_active_risk_model"
            ),
        ]

    def __str__(self) -> str:
        return self.version


class ScoringRun(models.Model):
    """Scoring one academic year with one model version, in chunks. Resumable: a chunk
    that is done is not scored again, and re-running the whole run is idempotent."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Venter")
        RUNNING = "RUNNING", _("Pågår")
        SUCCEEDED = "SUCCEEDED", _("Fullført")
        FAILED = "FAILED", _("Feilet")

    model_version = models.ForeignKey(RiskModelVersion, on_delete=models.PROTECT, related_name="scoring_runs")
    academic_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    chunks_done = models.JSONField(default=list)
    # PSI per feature and of the score against the training years, expected recall at 25 %.
    drift = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's lease (lanekassen_ai.services.jobs): who runs it, its last sign of life,
    # and how often it was re-queued after its worker vanished.
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scoringskjøring")
        verbose_name_plural = _("scoringskjøringer")
        constraints = [
            # One run per year and model at a time: two would write the same scores.
            models.UniqueConstraint(
                fields=["model_version", "academic_year"],
                condition=models.Q(status__in=["PENDING", "RUNNING"]),
                name="one_active_scoring_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_version} {self.academic_year} ({self.status})"


class RiskScore(models.Model):
    """One application's score from one model version, with its rank in the year and its
    top reasons (feature, contribution and plain-language text in bokmål and English)."""

    # No single-column indexes on the foreign keys: one_score_per_model leads with
    # application and score_rank_idx with model_version, and a million-row scoring run
    # pays for every extra index it writes.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="risk_scores", db_index=False
    )
    model_version = models.ForeignKey(
        RiskModelVersion, on_delete=models.PROTECT, related_name="scores", db_index=False
    )
    academic_year = models.PositiveSmallIntegerField()
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    percentile = models.FloatField()
    reasons = models.JSONField(default=list)
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("risikoskår")
        verbose_name_plural = _("risikoskårer")
        constraints = [
            models.UniqueConstraint(fields=["application", "model_version"], name="one_score_per_model"),
        ]
        indexes = [models.Index(fields=["model_version", "academic_year", "rank"], name="score_rank_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.score:.3f}"
