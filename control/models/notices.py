"""Notices to students: where to reach them, and every e-mail and SMS sent about a case."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from control.models.applications import Customer
from control.models.casework import ControlCase, ControlDecision, DocumentationRequest


class ContactDetails(models.Model):
    """Where a student is reached (in production from the contact register, KRR), and the
    written standard they use, so notices and letters come in it (språklova)."""

    class Language(models.TextChoices):
        BOKMAL = "nb", _("Norsk bokmål")
        NYNORSK = "nn", _("Norsk nynorsk")
        ENGLISH = "en", _("English")

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="contact"
    )
    email = models.EmailField(_("e-post"), blank=True)
    mobile = models.CharField(_("mobilnummer"), max_length=20, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.BOKMAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kontaktopplysninger")
        verbose_name_plural = _("kontaktopplysninger")

    def __str__(self) -> str:
        return self.customer_id


class Letter(models.Model):
    """A letter to the student as a PDF (documentation request or decision), in the
    student's written standard, stored with the case and attached to the e-mail notice."""

    class Kind(models.TextChoices):
        DOCUMENTATION_REQUEST = "DOCUMENTATION_REQUEST", _("Krav om dokumentasjon")
        DECISION = "DECISION", _("Vedtaksbrev")

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=21, choices=Kind.choices)
    language = models.CharField(max_length=2, choices=ContactDetails.Language.choices)
    documentation_request = models.ForeignKey(
        DocumentationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="letters"
    )
    decision = models.ForeignKey(
        ControlDecision, null=True, blank=True, on_delete=models.CASCADE, related_name="letters"
    )
    title = models.CharField(max_length=200)
    content = models.BinaryField()  # the PDF
    appeal_deadline = models.DateField(null=True, blank=True)  # decision letters only
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("brev")
        verbose_name_plural = _("brev")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d}"

    @property
    def filename(self) -> str:
        return f"{self.kind.lower().replace('_', '-')}-{self.case_id}-{self.pk}.pdf"


class Notice(models.Model):
    """One e-mail or SMS about a case: what, to whom, when, and whether it went out."""

    class Kind(models.TextChoices):
        DOCUMENTATION_REQUEST = "DOCUMENTATION_REQUEST", _("Krav om dokumentasjon")
        DECISION = "DECISION", _("Vedtak")
        REMINDER = "REMINDER", _("Påminnelse om frist")
        DEADLINE_PASSED = "DEADLINE_PASSED", _("Fristen har gått ut")
        APPEAL_RECEIVED = "APPEAL_RECEIVED", _("Klage mottatt")
        APPEAL_DECIDED = "APPEAL_DECIDED", _("Klage avgjort")

    class Channel(models.TextChoices):
        EMAIL = "EMAIL", _("E-post")
        SMS = "SMS", _("SMS")

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Venter")
        SENT = "SENT", _("Sendt")
        FAILED = "FAILED", _("Feilet")

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=21, choices=Kind.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # The documentation request a reminder or deadline notice is about, and the letter
    # an e-mail carries as a PDF attachment.
    documentation_request = models.ForeignKey(
        DocumentationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        constraints = [
            # Each reminder and deadline notice goes out once per request and channel.
            models.UniqueConstraint(
                fields=["documentation_request", "kind", "channel"],
                condition=models.Q(documentation_request__isnull=False),
                name="notice_once_per_request_kind_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.channel} {self.status}"
