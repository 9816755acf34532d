"""Models shared by every app: the capability permissions and the append-only audit log."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lanekassen_ai.roles import Capability


class AccessPolicy(models.Model):
    """Holds no rows; it only carries the capability permissions that roles are made of."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(c.value, c.label) for c in Capability]
        verbose_name = _("tilgangsregel")

    def __str__(self) -> str:
        return "access policy"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One thing a person or integration did that the agency must be able to account for."""

    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so the trail survives if the user is deleted.
    actor_username = models.CharField(_("brukernavn"), max_length=150, blank=True)
    action = models.CharField(_("handling"), max_length=64, db_index=True)
    object_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("objekt"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=16, blank=True)
    # Ties the events of one request, command run or task together.
    request_id = models.CharField(_("forespørsel-id"), max_length=64, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revisjonshendelse")
        verbose_name_plural = _("revisjonslogg")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Integrity guard, not business logic: an event is written once and never changed.
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")
