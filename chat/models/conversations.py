"""Conversations with the assistants and the humans behind them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chat.limits import MAX_MESSAGE_LENGTH
from chat.models.knowledge import Assistant, Intent
from chat.models.queues import Queue


class Conversation(models.Model):
    """One customer's (anonymous) or employee's conversation. The token that authorises
    the customer's calls is stored only as a SHA-256 hash."""

    class State(models.TextChoices):
        BOT = "bot", _("Med assistenten")
        QUEUED = "queued", _("I kø")
        WITH_AGENT = "with_agent", _("Med saksbehandler")
        CLOSED = "closed", _("Avsluttet")
        ABANDONED = "abandoned", _("Forlatt")

    class Language(models.TextChoices):
        NB = "nb", _("Bokmål")
        NN = "nn", _("Nynorsk")
        EN = "en", _("Engelsk")

    class WrapUp(models.TextChoices):
        RESOLVED = "resolved", _("Løst")
        INFORMATION = "information", _("Informasjon gitt")
        FOLLOW_UP = "follow_up", _("Krever oppfølging")
        REFERRED = "referred", _("Henvist videre")
        NO_REPLY = "no_reply", _("Kunden svarte ikke")

    assistant = models.ForeignKey(Assistant, on_delete=models.PROTECT, related_name="conversations")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.NB)
    token_hash = models.CharField(max_length=64, unique=True)
    # A keyed hash of the client's address (never the address): tells whether the same
    # client came back within a day, for the durable-resolution figure.
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.BOT, db_index=True)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    handover_intent = models.ForeignKey(
        Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consecutive_fallbacks = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # an agent took it
    closed_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    last_customer_activity_at = models.DateTimeField(null=True, blank=True)
    left_message = models.BooleanField(default=False)  # outside opening hours
    wrap_up = models.CharField(max_length=12, choices=WrapUp.choices, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    # The logged-in employee behind an employees' assistant (Una) conversation; none for
    # the public, anonymous chat.
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The logged-in student who opened the conversation from their own page (Mine sider):
    # only then may answers about their own case be given (lanekassen_ai.personal_answers).
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Console: when the current agent took it, since when the customer has been waiting
    # for the agent's answer (none while the agent has answered last), and the last
    # message the agent has seen (for unread markers).
    taken_at = models.DateTimeField(null=True, blank=True)
    awaiting_agent_since = models.DateTimeField(null=True, blank=True)
    agent_seen_message_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("samtale")
        verbose_name_plural = _("samtaler")
        indexes = [
            models.Index(fields=["state", "queue", "queued_at"], name="conv_waiting_idx"),
            # Refreshing one queue's 30-minute rollup slot reads exactly this range.
            models.Index(fields=["queue", "queued_at"], name="conv_queue_slot_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.assistant_id} {self.state}"


class Message(models.Model):
    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Kunde")
        BOT = "bot", _("Assistent")
        AGENT = "agent", _("Saksbehandler")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The bot's reading of a customer message, and its reply's action.
    intent = models.ForeignKey(Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confidence = models.FloatField(null=True, blank=True)
    action = models.CharField(max_length=16, blank=True)
    # The customer's thumbs up (True) or down (False) on a bot answer; None: not given.
    helpful = models.BooleanField(null=True, blank=True)
    options = models.JSONField(default=list, blank=True)
    # The "read more" link of a bot reply: the intent's page, another agency's, or a
    # student's own case page (a path on this site).
    link_url = models.CharField(max_length=500, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldinger")
        indexes = [models.Index(fields=["conversation", "id"], name="msg_conv_idx")]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:40]}"


class ReviewItem(models.Model):
    """A customer message the bot did not understand or was unsure of, for a person to
    turn into a training phrase or dismiss."""

    class Reason(models.TextChoices):
        FALLBACK = "fallback", _("Ikke forstått")
        LOW_CONFIDENCE = "low_confidence", _("Usikker")
        NOT_HELPED = "not_helped", _("Besvart, hjalp ikke")

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        ASSIGNED = "assigned", _("Lagt til intensjon")
        DISMISSED = "dismissed", _("Avvist")

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="review_item")
    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="review_items")
    text = models.CharField(max_length=MAX_MESSAGE_LENGTH)
    reason = models.CharField(max_length=14, choices=Reason.choices)
    predicted_intent = models.ForeignKey(
        Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN, db_index=True)
    assigned_intent = models.ForeignKey(
        Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_items"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("til gjennomgang")
        verbose_name_plural = _("til gjennomgang")

    def __str__(self) -> str:
        return self.text[:60]


class ConversationNote(models.Model):
    """An agent's or manager's internal note on a conversation. Never shown to the
    customer: the customer's API reads messages only."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("intern merknad")
        verbose_name_plural = _("interne merknader")

    def __str__(self) -> str:
        return f"#{self.conversation_id}: {self.text[:40]}"
