"""Register data as imported (../docs/import-format.md): one customer, many applications.

Natural keys are the primary keys (customer_id, application_id): they are what the
registers send, and bulk upserts of a million rows need no id lookups.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from control.ml.schema import ID_MAX_LENGTH, NATIONAL_ID_LENGTH


class Gender(models.TextChoices):
    FEMALE = "F", _("Kvinne")
    MALE = "M", _("Mann")


class BirthCountryGroup(models.TextChoices):
    NO = "NO", _("Norge")
    NORDIC = "NORDIC", _("Norden ellers")
    EU_EEA = "EU_EEA", _("EU/EØS ellers")
    OTHER = "OTHER", _("Resten av verden")


class HousingType(models.TextChoices):
    STUDENT_HOUSING = "STUDENT_HOUSING", _("Studentbolig")
    RENTED = "RENTED", _("Leid bolig")
    OWNED = "OWNED", _("Eid bolig")
    PARENTS_PROPERTY = "PARENTS_PROPERTY", _("Foreldres eiendom")
    UNKNOWN = "UNKNOWN", _("Ukjent")


class InstitutionType(models.TextChoices):
    UNIVERSITY = "UNIVERSITY", _("Universitet")
    UNIVERSITY_COLLEGE = "UNIVERSITY_COLLEGE", _("Høgskole")
    VOCATIONAL = "VOCATIONAL", _("Fagskole")
    FOLK_HIGH_SCHOOL = "FOLK_HIGH_SCHOOL", _("Folkehøgskole")
    PRIVATE_COLLEGE = "PRIVATE_COLLEGE", _("Privat høyskole")


class StudyLevel(models.TextChoices):
    BACHELOR = "BACHELOR", _("Bachelor")
    MASTER = "MASTER", _("Master")
    PHD = "PHD", _("Ph.d.")
    VOCATIONAL = "VOCATIONAL", _("Fagskole")
    OTHER = "OTHER", _("Annet")


class ApplicationChannel(models.TextChoices):
    WEB = "WEB", _("Nett")
    APP = "APP", _("App")
    PAPER = "PAPER", _("Papir")


class ControlReason(models.TextChoices):
    RANDOM = "RANDOM", _("Tilfeldig trukket")
    RULE = "RULE", _("Regel")
    RISK = "RISK", _("Risikomodell")
    TIP = "TIP", _("Tips")


class ControlOutcome(models.TextChoices):
    CAUGHT = "CAUGHT", _("Ikke borteboer (avdekket)")
    CLEARED = "CLEARED", _("Borteboer (i orden)")


class Customer(models.Model):
    """A student. Holds the identity and the audit-only attributes, kept apart from the
    application so that nothing here can become a model feature by accident."""

    customer_id = models.CharField(_("kunde-id"), max_length=ID_MAX_LENGTH, primary_key=True)
    national_id = models.CharField(_("fødselsnummer"), max_length=NATIONAL_ID_LENGTH, db_index=True)
    birth_date = models.DateField(_("fødselsdato"))
    # Audit-only: stored for the fairness audit, NEVER model features.
    gender = models.CharField(_("kjønn"), max_length=1, choices=Gender.choices)
    birth_country_group = models.CharField(
        _("fødeland (gruppe)"), max_length=6, choices=BirthCountryGroup.choices
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kunde")
        verbose_name_plural = _("kunder")

    def __str__(self) -> str:
        return self.customer_id


class ImportRun(models.Model):
    """One import of an applications file, whichever door it came through."""

    class Status(models.TextChoices):
        RUNNING = "RUNNING", _("Pågår")
        SUCCEEDED = "SUCCEEDED", _("Fullført")
        REJECTED = "REJECTED", _("Avvist")
        FAILED = "FAILED", _("Feilet")

    file_name = models.CharField(_("filnavn"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # first rejected rows, for the page
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class Application(models.Model):
    """One student's application for one academic year, claiming to live away from the
    parents (borteboer). Every column of the import format except the audit-only ones,
    which live on Customer."""

    application_id = models.CharField(_("søknads-id"), max_length=ID_MAX_LENGTH, primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="applications")
    academic_year = models.PositiveSmallIntegerField(_("studieår"), db_index=True)

    # Address and household
    student_municipality = models.CharField(_("studentens kommune"), max_length=4)
    parent_municipality = models.CharField(_("foreldrenes kommune"), max_length=4, blank=True)
    registered_same_address_as_parent = models.BooleanField(_("registrert på samme adresse som foreldre"))
    distance_parent_km = models.FloatField(_("avstand til foreldre (km)"), null=True, blank=True)
    distance_study_km = models.FloatField(_("avstand til studiested (km)"))
    persons_at_address = models.PositiveSmallIntegerField(_("personer på adressen"))
    address_changes_3y = models.PositiveSmallIntegerField(_("flyttinger siste tre år"))
    months_at_address = models.PositiveSmallIntegerField(_("måneder på adressen"))
    moved_within_90d_before_start = models.BooleanField(_("flyttet 90 dager før studiestart"))
    housing_type = models.CharField(_("boform"), max_length=16, choices=HousingType.choices)
    married_or_partner = models.BooleanField(_("gift eller samboer"))
    children = models.PositiveSmallIntegerField(_("barn"))

    # Study
    institution_type = models.CharField(_("lærestedstype"), max_length=18, choices=InstitutionType.choices)
    study_municipality = models.CharField(_("studiestedets kommune"), max_length=4)
    study_level = models.CharField(_("studienivå"), max_length=10, choices=StudyLevel.choices)
    study_percent = models.PositiveSmallIntegerField(_("studieprosent"))
    online_program = models.BooleanField(_("nettstudium"))
    credits_prev_year = models.FloatField(_("studiepoeng i fjor"))
    years_in_higher_ed = models.PositiveSmallIntegerField(_("år i høyere utdanning"))

    # Money
    student_income_prev_year = models.BigIntegerField(_("inntekt i fjor"))
    wealth = models.BigIntegerField(_("formue"))
    grant_amount = models.IntegerField(_("stipend"))
    loan_amount = models.IntegerField(_("lån"))

    # Application behaviour
    application_channel = models.CharField(
        _("søknadskanal"), max_length=5, choices=ApplicationChannel.choices
    )
    days_before_deadline = models.SmallIntegerField(_("dager før frist"))
    phone_shared_with_parent = models.BooleanField(_("telefon felles med foreldre"))
    bank_account_shared_with_parent = models.BooleanField(_("bankkonto felles med foreldre"))

    # Control history and outcome (labels exist only for controlled applications)
    previous_controls = models.PositiveSmallIntegerField(_("tidligere kontroller"))
    previous_control_caught = models.BooleanField(_("avdekket i tidligere kontroll"))
    controlled = models.BooleanField(_("kontrollert"), default=False)
    control_reason = models.CharField(
        _("kontrollgrunn"), max_length=6, choices=ControlReason.choices, blank=True
    )
    selection_probability = models.FloatField(_("trekksannsynlighet"), null=True, blank=True)
    control_outcome = models.CharField(
        _("kontrollresultat"), max_length=7, choices=ControlOutcome.choices, blank=True
    )

    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academic_year", "application_id"]
        verbose_name = _("søknad")
        verbose_name_plural = _("søknader")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "academic_year"], name="one_application_per_customer_year"
            ),
        ]
        indexes = [
            models.Index(
                fields=["academic_year", "controlled", "control_outcome"], name="app_year_label_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ({self.academic_year})"
