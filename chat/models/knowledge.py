"""What the assistants know: intents per the intent catalogue, training phrases, answers,
and the trained intent-model versions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chat.models.queues import Queue
from lanekassen_ai.languages import in_language


class Assistant(models.Model):
    """`kunde` (customers) or `una` (employees)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("navn"), max_length=80)
    greeting_nb = models.TextField(blank=True)
    greeting_nn = models.TextField(blank=True)
    greeting_en = models.TextField(blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("assistent")
        verbose_name_plural = _("assistenter")

    def __str__(self) -> str:
        return self.name

    def greeting_in(self, language: str) -> str:
        """The greeting in written standard `language` (nb, nn, en), bokmål if missing."""
        return in_language(language, nb=self.greeting_nb, nn=self.greeting_nn, en=self.greeting_en)


class Intent(models.Model):
    """One thing a user can want. The slug is API and never renamed."""

    class Action(models.TextChoices):
        ANSWER = "answer", _("Svar")
        HANDOVER = "handover", _("Sett over til menneske")
        ANSWER_HANDOVER = "answer+handover", _("Svar, og tilby menneske")

    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="intents")
    slug = models.SlugField(max_length=60)
    title_nb = models.CharField(_("tittel (bokmål)"), max_length=120)
    title_nn = models.CharField(_("tittel (nynorsk)"), max_length=120, blank=True)
    title_en = models.CharField(_("tittel (engelsk)"), max_length=120)
    action = models.CharField(max_length=16, choices=Action.choices, default=Action.ANSWER)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="intents")
    answer_nb = models.TextField(_("svar (bokmål)"), blank=True)
    answer_nn = models.TextField(_("svar (nynorsk)"), blank=True)
    answer_en = models.TextField(_("svar (engelsk)"), blank=True)
    link_url = models.URLField(_("lenke"), blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["assistant", "slug"]
        verbose_name = _("intensjon")
        verbose_name_plural = _("intensjoner")
        constraints = [
            models.UniqueConstraint(fields=["assistant", "slug"], name="intent_slug_per_assistant")
        ]

    def __str__(self) -> str:
        return f"{self.assistant.slug}/{self.slug}"

    def answer_in(self, language: str) -> str:
        """The answer in written standard `language` (nb, nn, en), bokmål if missing."""
        return in_language(language, nb=self.answer_nb, nn=self.answer_nn, en=self.answer_en)

    def title_in(self, language: str) -> str:
        """The title in written standard `language` (nb, nn, en), bokmål if missing."""
        return in_language(language, nb=self.title_nb, nn=self.title_nn, en=self.title_en)


class TrainingPhrase(models.Model):
    class Language(models.TextChoices):
        NB = "nb", _("Bokmål")
        NN = "nn", _("Nynorsk")
        EN = "en", _("Engelsk")

    class Source(models.TextChoices):
        CATALOGUE = "catalogue", _("Katalog")
        REVIEW = "review", _("Fra gjennomgang")
        MANUAL = "manual", _("Lagt inn manuelt")

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="phrases")
    text = models.CharField(_("frase"), max_length=500)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.NB)
    source = models.CharField(max_length=9, choices=Source.choices, default=Source.CATALOGUE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["intent", "id"]
        verbose_name = _("treningsfrase")
        verbose_name_plural = _("treningsfraser")
        constraints = [models.UniqueConstraint(fields=["intent", "text"], name="phrase_unique_per_intent")]

    def __str__(self) -> str:
        return self.text


class IntentModelVersion(models.Model):
    """A trained intent classifier for one assistant (skops artifact, SHA-256 checked),
    with its cross-validated evaluation and the thresholds chosen from it."""

    class Status(models.TextChoices):
        CANDIDATE = "CANDIDATE", _("Kandidat")
        ACTIVE = "ACTIVE", _("Aktiv")
        RETIRED = "RETIRED", _("Pensjonert")

    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="model_versions")
    version = models.CharField(max_length=40)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.CANDIDATE)
    artifact_path = models.CharField(max_length=255)
    artifact_sha256 = models.CharField(max_length=64)
    n_intents = models.PositiveIntegerField(default=0)
    n_phrases = models.PositiveIntegerField(default=0)
    answer_threshold = models.FloatField(default=0.5)
    clarify_threshold = models.FloatField(default=0.2)
    # Intents answered only at a stricter threshold than `answer_threshold` (slug ->
    # threshold), chosen with it from the cross-validation.
    intent_thresholds = models.JSONField(default=dict, blank=True)
    target_precision = models.FloatField(default=0.97)
    metrics = models.JSONField(default=dict)
    library_versions = models.JSONField(default=dict)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at"]
        verbose_name = _("intensjonsmodell")
        verbose_name_plural = _("intensjonsmodeller")
        constraints = [
            models.UniqueConstraint(fields=["assistant", "version"], name="intent_model_version_unique"),
            models.UniqueConstraint(
                fields=["assistant"], condition=models.Q(status="ACTIVE"), name="one_active_intent_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assistant.slug} {self.version}"


class IntentTrainingRun(models.Model):
    """One retraining of an assistant's intent model, as a background job: its progress is
    here (not in the task result backend), so the page can follow it with or without a
    broker, and the worker's lease (lanekassen_ai.services.jobs) lets a beat job re-queue
    it if the worker vanishes."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Venter")
        RUNNING = "RUNNING", _("Pågår")
        SUCCEEDED = "SUCCEEDED", _("Fullført")
        FAILED = "FAILED", _("Feilet")

    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="training_runs")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    target_precision = models.FloatField(default=0.97)
    step = models.CharField(max_length=200, blank=True)
    share = models.FloatField(default=0.0)  # 0-1, of the whole training
    error = models.TextField(blank=True)
    model_version = models.ForeignKey(
        IntentModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("intensjonstrening")
        verbose_name_plural = _("intensjonstreninger")

    def __str__(self) -> str:
        return f"{self.assistant_id} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"
