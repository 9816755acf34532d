"""Human queues, their opening hours, the agents' availability and the 30-minute rollups."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Queue(models.Model):
    """A human queue. Lower `priority` numbers are served first by "take next"."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("navn"), max_length=80)
    priority = models.PositiveSmallIntegerField(_("prioritet"), default=100)
    service_level_target_seconds = models.PositiveIntegerField(_("mål for svartid (sekunder)"), default=60)
    abandon_after_seconds = models.PositiveIntegerField(
        _("forlatt etter (sekunder uten kontakt)"), default=120
    )
    # An agent's conversation whose customer has waited this long for the agent's answer
    # goes back to the queue (the minute maintenance job); 0 turns it off.
    requeue_after_minutes = models.PositiveSmallIntegerField(
        _("tilbake i kø etter (minutter uten svar fra saksbehandler)"), default=10
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "name"]
        verbose_name = _("kø")
        verbose_name_plural = _("køer")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """When a queue is staffed, per weekday (0 = Monday), in the agency's time zone."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["queue", "weekday", "opens"]
        verbose_name = _("åpningstid")
        verbose_name_plural = _("åpningstider")

    def __str__(self) -> str:
        return f"{self.queue} {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class AgentStatus(models.Model):
    """Whether a caseworker takes chats now, and how many at once."""

    class State(models.TextChoices):
        AVAILABLE = "AVAILABLE", _("Tilgjengelig")
        AWAY = "AWAY", _("Borte")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_status"
    )
    state = models.CharField(max_length=9, choices=State.choices, default=State.AWAY)
    capacity = models.PositiveSmallIntegerField(_("maks samtidige samtaler"), default=3)
    queues = models.ManyToManyField(Queue, blank=True, related_name="agents")  # empty: all queues
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agentstatus")
        verbose_name_plural = _("agentstatus")

    def __str__(self) -> str:
        return f"{self.user} {self.state}"


class QueueSlotStat(models.Model):
    """Rollup of one queue's conversations in one 30-minute slot (by the time they were
    offered to the queue), so statistics over millions of rows stay fast."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="slot_stats")
    slot_start = models.DateTimeField(db_index=True)
    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    answered_within_target = models.PositiveIntegerField(default=0)
    wait_seconds_answered = models.FloatField(default=0)  # sum, for average speed of answer
    handle_seconds = models.FloatField(default=0)  # sum over closed conversations
    handled = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["slot_start", "queue"]
        verbose_name = _("køstatistikk per halvtime")
        verbose_name_plural = _("køstatistikk per halvtime")
        constraints = [
            models.UniqueConstraint(fields=["queue", "slot_start"], name="one_stat_per_queue_slot")
        ]

    def __str__(self) -> str:
        return f"{self.queue} {self.slot_start:%Y-%m-%d %H:%M}"
