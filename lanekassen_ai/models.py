"""Models shared by every app: the capability permissions, the append-only audit log, the
domain events outbox with its webhook deliveries, and the idempotency keys of API writes."""

import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
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


class DomainEvent(models.Model):
    """One thing that happened in a service, written in the same transaction as the change
    (the transactional outbox). The feed and the webhooks read these rows.

    `sequence` is the feed position. It is not set by the writer: the relay numbers
    committed events one batch at a time under a lock, so numbers become visible in
    increasing order even though the writers' transactions commit in any order.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=64, db_index=True)
    version = models.PositiveSmallIntegerField(_("versjon"))
    occurred_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    payload = models.JSONField(_("innhold"), default=dict, encoder=DjangoJSONEncoder)
    sequence = models.BigIntegerField(_("posisjon i strømmen"), null=True, blank=True, unique=True)
    request_id = models.CharField(_("forespørsel-id"), max_length=64, blank=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("hendelse")
        verbose_name_plural = _("hendelser")
        indexes = [
            models.Index(
                fields=["occurred_at"],
                name="domainevent_unnumbered",
                condition=models.Q(sequence__isnull=True),
            ),
            models.Index(fields=["type", "sequence"], name="domainevent_type_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.type} v{self.version} {self.id}"


class EventRelayState(models.Model):
    """A single row: the last feed position handed out. The relay locks it, which is what
    serialises numbering."""

    last_sequence = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("hendelsesrelé")

    def __str__(self) -> str:
        return f"event relay at {self.last_sequence}"


class WebhookSubscription(models.Model):
    """An address outside the agency that receives the chosen event types, signed with
    the subscription's secret."""

    name = models.CharField(_("navn"), max_length=100)
    url = models.URLField(_("adresse"), max_length=500)
    event_types = models.JSONField(_("hendelsestyper"), default=list)
    # HMAC needs the secret itself, so it is stored as given (never shown in lists).
    secret = models.CharField(_("hemmelighet"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook-abonnement")
        verbose_name_plural = _("webhook-abonnementer")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event on its way to one subscription: pending until a try succeeds, dead after
    the last allowed try. `next_attempt_at` and `leased_until` live in the database, so a
    lost task message or a killed worker only delays a delivery (the relay picks it up)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        DELIVERED = "delivered", _("Levert")
        DEAD = "dead", _("Gitt opp")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("forsøk i denne runden"), default=0)
    next_attempt_at = models.DateTimeField(_("neste forsøk"), default=timezone.now)
    # While a worker sends, nobody else may; a worker that dies lets the lease run out.
    leased_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("levert"), null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook-levering")
        verbose_name_plural = _("webhook-leveringer")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="one_delivery_per_event_and_subscription"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhookdelivery_due", condition=models.Q(status="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} ({self.status})"


class WebhookDeliveryAttempt(models.Model):
    """One HTTP request of a delivery and what came back (or why nothing did)."""

    class Outcome(models.TextChoices):
        SENDING = "sending", _("Sender")
        SUCCEEDED = "succeeded", _("Vellykket")
        FAILED = "failed", _("Mislyktes")
        LOST = "lost", _("Avbrutt (arbeideren stoppet)")

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=16, choices=Outcome.choices, default=Outcome.SENDING)
    response_status = models.PositiveSmallIntegerField(_("HTTP-status"), null=True, blank=True)
    error = models.CharField(_("feil"), max_length=500, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("leveringsforsøk")
        verbose_name_plural = _("leveringsforsøk")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class IdempotencyKey(models.Model):
    """The first successful answer to a POST sent with an `Idempotency-Key`, kept for a
    day so a retried request gets the same answer instead of a second object."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotensnøkkel")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
