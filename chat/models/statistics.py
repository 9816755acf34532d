"""Daily rollups of what the assistants did, so the bot figures on the statistics page
stay fast over millions of messages (the queue figures have `QueueSlotStat`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chat.models.knowledge import Assistant, Intent


class AssistantDayStat(models.Model):
    """One assistant's conversations started on one day (in the agency time zone)."""

    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="day_stats")
    day = models.DateField(db_index=True)
    conversations = models.PositiveIntegerField(default=0)
    handed_over = models.PositiveIntegerField(default=0)  # reached a human queue
    customer_messages = models.PositiveIntegerField(default=0)
    bot_replies = models.PositiveIntegerField(default=0)
    fallbacks = models.PositiveIntegerField(default=0)  # bot replies "not understood"

    class Meta:
        ordering = ["day", "assistant"]
        verbose_name = _("assistentstatistikk per dag")
        verbose_name_plural = _("assistentstatistikk per dag")
        constraints = [
            models.UniqueConstraint(fields=["assistant", "day"], name="one_stat_per_assistant_day")
        ]

    def __str__(self) -> str:
        return f"{self.assistant_id} {self.day}"


class IntentDayStat(models.Model):
    """How often the assistant acted on an intent on one day."""

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="day_stats")
    day = models.DateField(db_index=True)
    replies = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "intent"]
        verbose_name = _("intensjonsstatistikk per dag")
        verbose_name_plural = _("intensjonsstatistikk per dag")
        constraints = [models.UniqueConstraint(fields=["intent", "day"], name="one_stat_per_intent_day")]

    def __str__(self) -> str:
        return f"{self.intent_id} {self.day}"


class NotUnderstoodDayStat(models.Model):
    """A question the assistant did not understand, counted per day (the day's most
    frequent ones only, normalised to lower case)."""

    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="not_understood_stats")
    day = models.DateField(db_index=True)
    text = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "-count"]
        verbose_name = _("ikke forstått per dag")
        verbose_name_plural = _("ikke forstått per dag")
        constraints = [
            models.UniqueConstraint(fields=["assistant", "day", "text"], name="one_not_understood_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.text[:40]}"
