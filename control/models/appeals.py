"""Appeals (klage) against a control decision, handled by someone other than the one who
decided (forvaltningsloven)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from control.models.casework import CaseDocument, ControlCase, ControlDecision
from control.models.notices import Letter


class Appeal(models.Model):
    """A student's appeal against one decision version: sent on Mine sider or registered
    by a caseworker from a letter; upheld or reversed with a justification."""

    class Source(models.TextChoices):
        STUDENT = "STUDENT", _("Fra studenten på Mine sider")
        LETTER = "LETTER", _("Registrert fra brev")

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED", _("Mottatt")
        UPHELD = "UPHELD", _("Vedtaket er opprettholdt")
        REVERSED = "REVERSED", _("Vedtaket er omgjort")

    case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="appeals")
    decision = models.ForeignKey(ControlDecision, on_delete=models.PROTECT, related_name="appeals")
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=7, choices=Source.choices)
    text = models.TextField(_("klagen"))
    documents = models.ManyToManyField(CaseDocument, blank=True, related_name="appeals")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    deadline = models.DateField()  # when the agency should have decided the appeal
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_justification = models.TextField(_("begrunnelse"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_decision = models.OneToOneField(
        ControlDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="reversing_appeal"
    )

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=models.Q(status="RECEIVED"),
                name="one_open_appeal_per_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} appeal {self.pk} {self.status}"
