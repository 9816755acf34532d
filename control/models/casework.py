"""Casework: control campaigns, the cases they select, documentation and decisions."""

from django.conf import settings
from django.db import models
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from control.models.applications import Application, ControlOutcome, Customer
from control.models.risk import RiskModelVersion


class ControlCampaign(models.Model):
    """The yearly residence control for one academic year: how many to check, how many
    of them at random, which model ranks the rest."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Utkast")
        SELECTING = "SELECTING", _("Trekker ut")
        PROPOSED = "PROPOSED", _("Til godkjenning")
        CONFIRMED = "CONFIRMED", _("Bekreftet")
        CLOSED = "CLOSED", _("Avsluttet")
        FAILED = "FAILED", _("Feilet")

    name = models.CharField(_("navn"), max_length=120)
    academic_year = models.PositiveSmallIntegerField(_("studieår"))
    budget_count = models.PositiveIntegerField(_("antall kontroller"), null=True, blank=True)
    budget_share = models.FloatField(_("andel som kontrolleres"), null=True, blank=True)
    random_share = models.FloatField(_("tilfeldig andel av kontrollene"), default=0.10)

    class RandomStrata(models.TextChoices):
        NONE = "", _("Ingen (likt for alle)")
        GENDER = "gender", _("Kjønn")
        BIRTH_COUNTRY_GROUP = "birth_country_group", _("Fødeland (gruppe)")
        AGE_BAND = "age_band", _("Aldersgruppe")

    # The random draw shared out equally between this audit attribute's groups (each
    # case keeps its own selection probability); blank = one uniform draw.
    random_stratify_by = models.CharField(
        _("tilfeldig trekk fordelt på"), max_length=24, blank=True, default="", choices=RandomStrata.choices
    )
    documentation_days = models.PositiveSmallIntegerField(_("frist for dokumentasjon (dager)"), default=21)
    model_version = models.ForeignKey(
        RiskModelVersion, on_delete=models.PROTECT, related_name="campaigns", null=True, blank=True
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    seed = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while selecting
    preview = models.JSONField(default=dict, blank=True)  # counts and selection rate per audit group
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The selecting worker's lease (lanekassen_ai.services.jobs).
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class LetterSchedule(models.TextChoices):
        NONE = "", _("Ingen plan")
        PROPOSED = "PROPOSED", _("Foreslått")
        ACCEPTED = "ACCEPTED", _("Godtatt")

    # When the documentation letters go out (CampaignLetterDay rows, control.services.letter_schedule).
    letter_schedule = models.CharField(
        _("plan for utsending av brev"), max_length=8, blank=True, default="", choices=LetterSchedule.choices
    )
    letters_by = models.DateField(_("siste dag for brev"), null=True, blank=True)
    # Why the capacity is the default per-day limit on some days ("" when the chat judged every day).
    letter_capacity_default_reason = models.CharField(max_length=20, blank=True, default="")
    letter_schedule_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter_schedule_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-academic_year", "-created_at"]
        verbose_name = _("kontrollkampanje")
        verbose_name_plural = _("kontrollkampanjer")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(random_share__gte=0.05) & models.Q(random_share__lte=1),
                name="campaign_random_share_at_least_5_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignLetterDay(models.Model):
    """One day of a campaign's letter schedule: how many documentation letters go out that
    day, the capacity they were planned against and how many went out."""

    campaign = models.ForeignKey(ControlCampaign, on_delete=models.CASCADE, related_name="letter_days")
    day = models.DateField(_("dag"))
    letters = models.PositiveIntegerField(_("brev"))
    # The most letters the day allows (None: no limit) and where that came from: the
    # providing app's label ("chat") or "default" (CONTROL_LETTERS_PER_DAY_DEFAULT).
    capacity = models.PositiveIntegerField(_("kapasitet"), null=True, blank=True)
    capacity_source = models.CharField(max_length=20)
    expected_arrivals = models.FloatField(null=True, blank=True)  # chats forecast without these letters
    arrivals_per_letter = models.FloatField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    # Set once, under the row's lock, when the day's letters are all out (or no case is left).
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "day"]
        verbose_name = _("dag i utsendingsplanen")
        verbose_name_plural = _("dager i utsendingsplanen")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day"], name="one_letter_day_per_campaign_and_day"),
            models.CheckConstraint(
                condition=models.Q(sent__lte=models.F("letters")), name="letter_day_sent_at_most_planned"
            ),
        ]
        indexes = [
            models.Index(fields=["day"], name="letter_day_day", condition=models.Q(sent_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day}: {self.letters}"


class DoNotControlFlag(models.Model):
    """A customer who must not be picked (e.g. a vulnerable student), with why and by whom."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="do_not_control_flags")
    reason = models.TextField(_("begrunnelse"))
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skal ikke kontrolleres")
        verbose_name_plural = _("skal ikke kontrolleres")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.reason[:40]}"


class ControlCase(models.Model):
    """One application picked for control in one campaign, and its casework."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Åpen")
        AWAITING_DOCUMENTS = "AWAITING_DOCUMENTS", _("Venter på dokumentasjon")
        DOCUMENTS_RECEIVED = "DOCUMENTS_RECEIVED", _("Dokumentasjon mottatt")
        DECIDED = "DECIDED", _("Avgjort")

    class SelectionReason(models.TextChoices):
        RISK = "RISK", _("Risikomodell")
        RANDOM = "RANDOM", _("Tilfeldig trukket")

    campaign = models.ForeignKey(ControlCampaign, on_delete=models.CASCADE, related_name="cases")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="control_case")
    selection_reason = models.CharField(max_length=6, choices=SelectionReason.choices)
    selection_probability = models.FloatField()
    score = models.FloatField(null=True, blank=True)
    risk_rank = models.PositiveIntegerField(null=True, blank=True)
    priority = models.FloatField(default=0, db_index=True)  # higher first in "take next"
    status = models.CharField(max_length=18, choices=Status.choices, default=Status.OPEN, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="control_cases",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    documentation_deadline = models.DateField(null=True, blank=True)
    # The decision in force (None while undecided or reopened). Its outcome is copied to
    # `outcome` in the same write, so the statistics aggregate one column.
    current_decision = models.OneToOneField(
        "ControlDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=7, choices=ControlOutcome.choices, blank=True)
    locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("kontrollsak")
        verbose_name_plural = _("kontrollsaker")
        indexes = [
            models.Index(fields=["campaign", "status", "assigned_to"], name="case_worklist_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.application_id}"


class LetterTemplate(models.Model):
    """Letter text the agency edits in the admin; `{{ placeholders }}` filled per case."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("tittel"), max_length=120)
    language = models.CharField(max_length=2, default="nb")
    body = models.TextField(_("tekst"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brevmal")
        verbose_name_plural = _("brevmaler")

    def __str__(self) -> str:
        return self.title


class DocumentationRequest(models.Model):
    """A request to the student to document where they live, with a deadline."""

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="documentation_requests")
    letter_text = models.TextField()
    deadline = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # Set once, under the request's row lock, when the reminder before the deadline and the
    # notice that the deadline passed were queued (control.services.reminders).
    reminded_at = models.DateTimeField(null=True, blank=True)
    deadline_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("dokumentasjonskrav")
        verbose_name_plural = _("dokumentasjonskrav")

    def __str__(self) -> str:
        return f"{self.case} → {self.deadline}"


class CaseDocument(models.Model):
    """A document the student sent, stored outside the web root (PRIVATE_STORAGE_ROOT)."""

    class DocumentType(models.TextChoices):
        LEASE = "LEASE", _("Leiekontrakt")
        RENT_RECEIPT = "RENT_RECEIPT", _("Kvittering for husleie")
        UTILITY_BILL = "UTILITY_BILL", _("Strøm- eller internettregning")
        OTHER = "OTHER", _("Annet")

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(max_length=12, choices=DocumentType.choices)
    storage_path = models.CharField(max_length=255)  # relative to PRIVATE_STORAGE_ROOT
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")

    def __str__(self) -> str:
        return self.original_name


class ControlDecision(models.Model):
    """One version of a case's decision. Rows are only ever added: reopening a case ends a
    version (see ControlCaseReopening) and a new decision is a new version, so the whole
    history stays readable."""

    class Basis(TextChoices):
        DOCUMENTS_REVIEWED = "DOCUMENTS_REVIEWED", _("Dokumentasjonen er vurdert")
        DEADLINE_PASSED = "DEADLINE_PASSED", _("Fristen for dokumentasjon gikk ut")
        NOT_NEEDED = "NOT_NEEDED", _("I orden uten dokumentasjon")
        APPEAL_REVERSED = "APPEAL_REVERSED", _("Omgjort etter klage")
        UNRECORDED = "UNRECORDED", _("Ikke registrert (vedtak fra før versjonering)")

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="decisions")
    version = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=7, choices=ControlOutcome.choices)
    justification = models.TextField(_("begrunnelse"))
    basis = models.CharField(max_length=18, choices=Basis.choices)
    reviewed_documents = models.ManyToManyField(CaseDocument, blank=True, related_name="reviewed_in")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "version"]
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="decision_version_unique_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}: {self.outcome}"


class ControlCaseReopening(models.Model):
    """A manager reopened a decided case: which decision stopped being in force, and why."""

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="reopenings")
    withdrawn_decision = models.OneToOneField(
        ControlDecision, on_delete=models.PROTECT, related_name="reopening"
    )
    reason = models.TextField(_("begrunnelse"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "reopened_at"]
        verbose_name = _("gjenåpning")
        verbose_name_plural = _("gjenåpninger")

    def __str__(self) -> str:
        return f"{self.case} reopened {self.reopened_at:%Y-%m-%d}"
