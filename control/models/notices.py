"""Notices to students: where to reach them, and every e-mail and SMS sent about a case."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from control.models.applications import Customer
from control.models.casework import ControlCase


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


class Notice(models.Model):
    """One e-mail or SMS about a case: what, to whom, when, and whether it went out."""

    class Kind(models.TextChoices):
        DOCUMENTATION_REQUEST = "DOCUMENTATION_REQUEST", _("Krav om dokumentasjon")
        DECISION = "DECISION", _("Vedtak")

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
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.channel} {self.status}"
