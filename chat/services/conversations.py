"""A customer's conversation with an assistant: starting it, each message and the bot's
reply, clarify choices, asking for a human, closing and rating.

The dialogue rule per message: a confident intent gets its action (answer, hand-over,
or answer and the offer of a human); two close intents get "did you mean" options; a
message not understood gets a request to rephrase, and the second miss in a row also
offers a human. Once handed over, the bot stays silent: messages go to the agent.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chat.fixed_sql import columns_of, instance_from_row, row_update, rows_insert
from chat.limits import MAX_MESSAGE_LENGTH
from chat.models import Assistant, Conversation, Intent, IntentModelVersion, Message, ReviewItem
from chat.services.assistant import VERSION_FIELDS, active_model_from_json, message_understand
from chat.services.knowledge import other_agencies
from chat.services.queues import (
    QueueError,
    conversation_hand_over,
    conversation_leave_message,
    queue_for_intent,
)
from chat.services.statistics import conversation_stats_refresh_on_commit
from lanekassen_ai import personal_answers
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.events import event_emit

STUDENT_CAPABILITY = perm(Capability.VIEW_OWN_CONTROL_CASES)
# The intent whose choice means "let me talk to a person", per assistant.
HUMAN_INTENT_SLUGS = ("contact_human", "una_human")

# The bot's own sentences, in each answer language. Content like the intents' answers,
# not page text, so they follow the customer's language, not the page's.
BOT_TEXT = {
    "nb": {
        "clarify": "Mente du «{a}» eller «{b}»?",
        "fallback": "Beklager, det forsto jeg ikke. Kan du si det på en annen måte?",
        "fallback_again": "Jeg forstår dessverre fortsatt ikke. Vil du snakke med en saksbehandler?",
        "offer_human": "Vil du snakke med en saksbehandler om dette?",
        "queued": (
            "Du er nå i kø hos {queue}. Du er nummer {position} i køen. En saksbehandler svarer deg her."
        ),
        "closed": (
            "Chatten med {queue} er stengt nå. Vi åpner igjen {opens}. Du kan legge igjen en melding, "
            "så tar en saksbehandler kontakt når vi åpner."
        ),
        "no_queue": "Det er ingen saksbehandlere å sette deg over til nå. Prøv igjen senere.",
        "left_message": "Takk! Meldingen din er lagt i kø, og en saksbehandler tar kontakt når vi åpner.",
        "not_trained": "Assistenten er ikke klar ennå. Vil du snakke med en saksbehandler?",
    },
    "nn": {
        "clarify": "Meinte du «{a}» eller «{b}»?",
        "fallback": "Orsak, det forstod eg ikkje. Kan du seie det på ein annan måte?",
        "fallback_again": "Eg forstår diverre framleis ikkje. Vil du snakke med ein saksbehandlar?",
        "offer_human": "Vil du snakke med ein saksbehandlar om dette?",
        "queued": (
            "Du er no i kø hjå {queue}. Du er nummer {position} i køen. Ein saksbehandlar svarar deg her."
        ),
        "closed": (
            "Chatten med {queue} er stengd no. Vi opnar igjen {opens}. Du kan leggje att ei melding, "
            "så tek ein saksbehandlar kontakt når vi opnar."
        ),
        "no_queue": "Det er ingen saksbehandlarar å setje deg over til no. Prøv igjen seinare.",
        "left_message": "Takk! Meldinga di er lagd i kø, og ein saksbehandlar tek kontakt når vi opnar.",
        "not_trained": "Assistenten er ikkje klar enno. Vil du snakke med ein saksbehandlar?",
    },
    "en": {
        "clarify": "Did you mean “{a}” or “{b}”?",
        "fallback": "Sorry, I did not understand that. Could you put it another way?",
        "fallback_again": "I am afraid I still do not understand. Would you like to talk to an adviser?",
        "offer_human": "Would you like to talk to an adviser about this?",
        "queued": "You are now in the queue for {queue}, number {position}. An adviser will answer you here.",
        "closed": (
            "The chat with {queue} is closed now. We open again {opens}. You can leave a message and an "
            "adviser will contact you when we open."
        ),
        "no_queue": "There is no adviser to pass you on to right now. Please try again later.",
        "left_message": (
            "Thank you! Your message is in the queue and an adviser will contact you when we open."
        ),
        "not_trained": "The assistant is not ready yet. Would you like to talk to an adviser?",
    },
}


class ConversationError(ValueError):
    """A request the conversation cannot take; `status` is the HTTP status that fits."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class ConversationAccessDenied(PermissionError):
    """The conversation token is missing or wrong, or there is no such conversation (one
    answer for both, so ids cannot be probed)."""

    def __init__(self, conversation_id: int) -> None:
        super().__init__(conversation_id)
        self.conversation_id = conversation_id


@dataclass
class Reply:
    action: str  # answer | clarify | handover | fallback
    intent: str | None
    confidence: float
    text: str
    options: list[str] = field(default_factory=list)
    option_labels: list[dict[str, str]] = field(default_factory=list)
    handover: dict[str, Any] | None = None
    link_url: str = ""
    message_id: int | None = None
    language: str = "nb"  # the written standard of `text`: the page labels follow it
    agency: str = ""  # a fallback meant for another agency: its slug (nav, skatteetaten, ...)


def token_hash(token: str) -> str:
    """What is stored for a conversation token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(*, stored_hash: str, token: str) -> bool:
    """Whether `token` is the one whose hash was stored (in constant time)."""
    return hmac.compare_digest(stored_hash, token_hash(token))


def client_key_for(*, ident: str) -> str:
    """The stored stand-in for a client's address: HMAC-SHA256 with the secret key, so
    the address itself is never kept."""
    return hmac.new(settings.SECRET_KEY.encode(), ident.encode(), hashlib.sha256).hexdigest() if ident else ""


def conversation_start(
    *,
    assistant_slug: str = "kunde",
    language: str = "nb",
    user: AbstractBaseUser | AnonymousUser | None = None,
    client_key: str = "",
    student: bool = False,
) -> tuple[Conversation, str]:
    """Open a conversation and return it with its secret token (shown once, stored hashed).
    The assistants in settings.CHAT_LOGIN_REQUIRED_ASSISTANTS (the employees' `una`) need
    a logged-in user."""
    if language not in Conversation.Language.values:
        raise ConversationError(
            _("language: %(language)s er ikke en av %(values)s.")
            % {"language": repr(language), "values": Conversation.Language.values}
        )
    assistant = Assistant.objects.filter(slug=assistant_slug).first()
    if assistant is None:
        raise ConversationError(
            _("assistant: ingen assistent heter %(assistant_slug)s.")
            % {"assistant_slug": repr(assistant_slug)},
            status=400,
        )
    if assistant_slug in getattr(settings, "CHAT_LOGIN_REQUIRED_ASSISTANTS", ["una"]) and not (
        user and user.is_authenticated
    ):
        raise ConversationError(
            _("assistant: %(assistant_slug)s er bare for innloggede ansatte.")
            % {"assistant_slug": repr(assistant_slug)},
            status=403,
        )
    token = secrets.token_urlsafe(32)
    # An employees' assistant knows who asks, so the agent sees a name, not "customer".
    employee = (
        user if assistant_slug in settings.CHAT_LOGIN_REQUIRED_ASSISTANTS and user is not None else None
    )
    # Opened from the student's own page: answers may speak of their own case, but only
    # when the logged-in user really is a student.
    student_user = None
    if student and isinstance(user, PermissionsMixin) and user.has_perm(STUDENT_CAPABILITY):
        student_user = user
    with transaction.atomic():
        conversation = Conversation.objects.create(
            assistant=assistant,
            language=language,
            token_hash=token_hash(token),
            client_key=client_key,
            last_customer_activity_at=timezone.now(),
            employee=employee,  # type: ignore[misc]
            student=student_user,
        )
        greeting = assistant.greeting_in(language)
        if greeting:
            Message.objects.create(conversation=conversation, sender=Message.Sender.BOT, text=greeting)
    return conversation, token


def _text_checked(text: Any) -> str:
    if not isinstance(text, str):
        raise ConversationError(_("text: må være en tekst."))
    text = text.strip()
    if not text:
        raise ConversationError(_("text: meldingen er tom."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ConversationError(
            _("text: meldingen er %(length)s tegn lang; maks %(max_message_length)s.")
            % {"length": len(text), "max_message_length": MAX_MESSAGE_LENGTH}
        )
    return text


@cache
def _locked_sql() -> str:
    # Identifiers from our own model metadata; the id is a bound parameter. OF c: the
    # assistant row is read, not locked (every conversation of an assistant shares it,
    # and locking it would make their replies wait for each other). Written as SQL: the
    # ORM spent more CPU building this query on every message than the database spent
    # answering it.
    # SQLite (the embedded default of `make run`) has no row locks: it lets one writer in
    # at a time anyway.
    conversation_columns = columns_of(model=Conversation, alias="c")[0]
    assistant_columns = columns_of(model=Assistant, alias="a")[0]
    if connection.features.has_select_for_update_of:
        lock = " FOR UPDATE OF c"
    else:
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {conversation_columns}, {assistant_columns} "  # noqa: S608
        f"FROM {Conversation._meta.db_table} c JOIN {Assistant._meta.db_table} a ON a.id = c.assistant_id "
        f"WHERE c.id = %s{lock}"
    )


def _locked(conversation: Conversation, *, token: str | None = None) -> Conversation:
    """The conversation's row, locked until the transaction ends, with its assistant.
    With `token`, the token is checked on the locked row (the customer API's messages:
    one read instead of two); a wrong one is `ConversationAccessDenied`, said before
    anything about the conversation's state."""
    with connection.cursor() as cursor:
        cursor.execute(_locked_sql(), [conversation.pk])
        row = cursor.fetchone()
    if token is not None and (row is None or not _token_matches(row, token)):
        raise ConversationAccessDenied(conversation.pk)
    if row is None:
        raise Conversation.DoesNotExist(f"Conversation {conversation.pk} does not exist.")
    n = len(Conversation._meta.concrete_fields)
    locked: Conversation = instance_from_row(model=Conversation, values=row[:n])
    locked.assistant = instance_from_row(model=Assistant, values=row[n:])
    if locked.state in (Conversation.State.CLOSED, Conversation.State.ABANDONED):
        raise ConversationError(
            _("Samtale %(conversation_id)s er %(state)s; den tar ikke imot flere meldinger.")
            % {"conversation_id": locked.pk, "state": locked.state},
            status=409,
        )
    return locked


def _token_matches(row: tuple[Any, ...], token: str) -> bool:
    stored = row[columns_of(model=Conversation, alias="c")[1].index("token_hash")]
    return token_matches(stored_hash=str(stored), token=token)


def _human_intent(*, assistant: Assistant, known: dict[str, Intent] | None = None) -> Intent | None:
    # `known`: the reply's intents, fetched with the human ones in the same query.
    if known is not None:
        return next((known[s] for s in sorted(HUMAN_INTENT_SLUGS) if s in known and known[s].active), None)
    return (
        Intent.objects.filter(assistant=assistant, slug__in=HUMAN_INTENT_SLUGS, active=True)
        .select_related("queue")
        .first()
    )


def _title(intent: Intent, language: str) -> str:
    return intent.title_in(language)


def _labels(intents: list[Intent], language: str) -> list[dict[str, str]]:
    return [{"slug": i.slug, "label": _title(i, language)} for i in intents]


@transaction.atomic
def conversation_message_post(
    *, conversation: Conversation, text: Any, token: str | None = None
) -> Reply | None:
    """Take one customer message and return the bot's reply, or None when the
    conversation is with a human (queued or with an agent): then the message waits for
    the agent and the bot says nothing. `conversation` may be an unsaved
    `Conversation(pk=...)` when `token` is given: the token is then checked on the locked
    row (`ConversationAccessDenied` if it is wrong), so the customer API reads the
    conversation once per message."""
    text = _text_checked(text)
    caller, conversation = conversation, _locked(conversation, token=token)
    now = timezone.now()
    conversation.last_customer_activity_at = now
    if conversation.state in (Conversation.State.QUEUED, Conversation.State.WITH_AGENT):
        Message.objects.create(conversation=conversation, sender=Message.Sender.CUSTOMER, text=text)
        if conversation.state == Conversation.State.WITH_AGENT and conversation.awaiting_agent_since is None:
            conversation.awaiting_agent_since = now  # the agent owes an answer from now
        conversation.save(update_fields=["last_customer_activity_at", "awaiting_agent_since"])
        caller.state = conversation.state
        return None
    active_model, previous = _reply_context(conversation)
    answered_before = _answered_message(previous)
    understanding = message_understand(
        assistant=conversation.assistant,
        text=text,
        default_language=conversation.language,
        version=active_model_from_json(active_model),
    )
    decision, language = understanding.decision, understanding.language
    # The standard the customer writes in is the conversation's from now on: the agent
    # console shows it and canned answers and later choices follow it.
    conversation.language = language
    slugs = [s for s in [decision.intent, *decision.options, *HUMAN_INTENT_SLUGS] if s]
    intents = {i.slug: i for i in _intents(assistant_id=conversation.assistant_id, slugs=slugs)}
    intent = intents.get(decision.intent or "")
    # Written together with the bot's reply below: one INSERT for both.
    customer_message = Message(
        conversation=conversation,
        sender=Message.Sender.CUSTOMER,
        text=text,
        intent=intent,
        confidence=decision.confidence,
        action=decision.kind,
        options=decision.options,
    )
    review_reason, review_intent = "", intent
    if decision.kind == "answer" and intent is not None and intent.active:
        conversation.consecutive_fallbacks = 0
        reply = _act_on_intent(conversation=conversation, intent=intent, language=language, known=intents)
        reply.confidence = decision.confidence
    elif decision.kind == "clarify" and all(s in intents for s in decision.options):
        conversation.consecutive_fallbacks = 0
        options = [intents[s] for s in decision.options]
        reply = Reply(
            action="clarify",
            intent=decision.intent,
            confidence=decision.confidence,
            text=BOT_TEXT[language]["clarify"].format(
                a=_title(options[0], language), b=_title(options[1], language)
            ),
            options=[i.slug for i in options],
            option_labels=_labels(options, language),
        )
        review_reason = ReviewItem.Reason.LOW_CONFIDENCE
    elif decision.kind == "refer" and decision.agency in (
        agencies := other_agencies(assistant_slug=conversation.assistant.slug)
    ):
        # Meant for another agency: not an answer of ours, but not "did not understand".
        agency = agencies[decision.agency]
        reply = Reply(
            "fallback",
            None,
            decision.confidence,
            agency.text_in(language),
            link_url=agency.link_url,
            agency=agency.slug,
        )
        review_reason, review_intent = ReviewItem.Reason.FALLBACK, None
    else:
        conversation.consecutive_fallbacks += 1
        reply = _fallback(
            conversation=conversation,
            language=language,
            not_trained=understanding.model_version is None,
            known=intents,
        )
        reply.confidence = decision.confidence
        review_reason = ReviewItem.Reason.FALLBACK
    row_update(
        instance=conversation, fields=("last_customer_activity_at", "consecutive_fallbacks", "language")
    )
    if answered_before is not None and (
        reply.action == "handover"
        or decision.intent in HUMAN_INTENT_SLUGS
        or (reply.action == "answer" and answered_before.intent_id == (intent.pk if intent else None))
    ):
        # Asked the same again, asked for a person or was handed over: the answer did not help.
        _answer_did_not_help(answered_before, conversation)
    bot_message = _bot_message(conversation, reply, intents)
    rows_insert(instances=[customer_message, bot_message])  # one INSERT for both
    reply.message_id = bot_message.pk
    reply.language = language
    if review_reason:
        _review(customer_message, conversation, review_reason, review_intent, decision.confidence)
    caller.state = conversation.state  # the caller's copy reports the state it left
    return reply


_PREVIOUS_FIELDS = ("id", "text", "intent_id", "action", "confidence")


def _intents(*, assistant_id: int, slugs: list[str]) -> list[Intent]:
    """The assistant's intents with these slugs, active or not (as SQL, for the reason
    `_locked_sql` gives)."""
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        return []
    columns = columns_of(model=Intent, alias="i")[0]
    placeholders = ", ".join(["%s"] * len(slugs))
    sql = (
        f"SELECT {columns} FROM {Intent._meta.db_table} i "  # noqa: S608
        f"WHERE i.assistant_id = %s AND i.slug IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [assistant_id, *slugs])
        return [instance_from_row(model=Intent, values=row) for row in cursor.fetchall()]


@cache
def _reply_context_sql() -> str:
    # json_build_object in PostgreSQL, json_object in SQLite (the embedded default).
    build = "json_build_object" if connection.vendor == "postgresql" else "json_object"

    def json_of(fields: tuple[str, ...]) -> str:
        return f"{build}(" + ", ".join(f"'{f}', {'id' if f == 'pk' else f}" for f in fields) + ")"

    # Identifiers from our own model metadata; every value is a bound parameter.
    versions, messages = IntentModelVersion._meta.db_table, Message._meta.db_table
    active = f"SELECT {json_of(VERSION_FIELDS)} FROM {versions} WHERE assistant_id = %s AND status = %s"  # noqa: S608
    previous = (
        f"SELECT {json_of(_PREVIOUS_FIELDS)} FROM {messages}"  # noqa: S608
        " WHERE conversation_id = %s AND sender = %s ORDER BY id DESC LIMIT 1"
    )
    return f"SELECT ({active}), ({previous})"


def _reply_context(conversation: Conversation) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The assistant's active model version and the customer's previous message, as JSON,
    in one round trip. Written once as SQL: the ORM spent more CPU building this query
    on every reply than the database spent answering it."""
    with connection.cursor() as cursor:
        cursor.execute(
            _reply_context_sql(),
            [
                conversation.assistant_id,
                IntentModelVersion.Status.ACTIVE,
                conversation.pk,
                Message.Sender.CUSTOMER,
            ],
        )
        row = cursor.fetchone()
    return _json_value(row[0]), _json_value(row[1])


def _json_value(value: Any) -> dict[str, Any] | None:
    return json.loads(value) if isinstance(value, str) else value


def _answered_message(previous: dict[str, Any] | None) -> Message | None:
    """The customer's previous message (as read with the row lock), if the bot answered it
    on its own."""
    if previous is None or previous["action"] != "answer":
        return None
    return Message(
        pk=previous["id"],
        text=previous["text"],
        intent_id=previous["intent_id"],
        action=previous["action"],
        confidence=previous["confidence"],
    )


def _answer_did_not_help(message: Message, conversation: Conversation) -> None:
    """Put an answered customer message in the review list as "answered, did not help"
    (once: a message has at most one review item)."""
    if ReviewItem.objects.filter(message=message).exists():
        return
    ReviewItem.objects.create(
        message=message,
        assistant_id=conversation.assistant_id,
        text=message.text[:MAX_MESSAGE_LENGTH],
        reason=ReviewItem.Reason.NOT_HELPED,
        predicted_intent_id=message.intent_id,
        confidence=message.confidence,
    )


@transaction.atomic
def message_feedback_record(*, conversation: Conversation, message_id: Any, helpful: Any) -> Message:
    """The customer's thumbs up or down on one of the bot's answers in this conversation.
    A thumbs down puts the question it answered in the review list as "answered, did not
    help". Giving it again changes it."""
    if isinstance(helpful, bool) is False:
        raise ConversationError(_("helpful: må være true eller false."))
    message = (
        Message.objects.select_for_update()
        .filter(conversation=conversation, pk=message_id if isinstance(message_id, int) else -1)
        .first()
    )
    if message is None:
        raise ConversationError(
            _("message: ingen melding %(message_id)s i denne samtalen.") % {"message_id": repr(message_id)},
            status=404,
        )
    if message.sender != Message.Sender.BOT or message.intent_id is None:
        raise ConversationError(_("message: bare svarene fra assistenten kan vurderes."), status=409)
    message.helpful = helpful
    message.save(update_fields=["helpful"])
    if not helpful:
        question = (
            Message.objects.filter(
                conversation=conversation, sender=Message.Sender.CUSTOMER, pk__lt=message.pk
            )
            .order_by("-id")
            .first()
        )
        if question is not None:
            _answer_did_not_help(question, conversation)
    return message


def _review(
    message: Message, conversation: Conversation, reason: str, intent: Intent | None, confidence: float
) -> None:
    ReviewItem.objects.create(
        message=message,
        assistant=conversation.assistant,
        text=message.text[:MAX_MESSAGE_LENGTH],
        reason=reason,
        predicted_intent=intent,
        confidence=confidence,
    )


def _bot_says(conversation: Conversation, reply: Reply, known: dict[str, Intent] | None = None) -> int:
    message = _bot_message(conversation, reply, known)
    message.save()
    return message.pk


def _bot_message(conversation: Conversation, reply: Reply, known: dict[str, Intent] | None = None) -> Message:
    """The bot's reply as an unsaved message."""
    intent_id: int | None = None
    if reply.intent:
        if known and reply.intent in known:
            intent_id = known[reply.intent].pk
        else:
            intent_id = (
                Intent.objects.filter(assistant_id=conversation.assistant_id, slug=reply.intent)
                .values_list("pk", flat=True)
                .first()
            )
    return Message(
        conversation=conversation,
        sender=Message.Sender.BOT,
        text=reply.text,
        intent_id=intent_id,
        confidence=reply.confidence,
        action=reply.action,
        options=reply.options,
        link_url=reply.link_url,
    )


def _fallback(
    *, conversation: Conversation, language: str, not_trained: bool, known: dict[str, Intent] | None = None
) -> Reply:
    texts = BOT_TEXT[language]
    if not_trained or conversation.consecutive_fallbacks >= 2:
        human = _human_intent(assistant=conversation.assistant, known=known)
        options = [human] if human else []
        text = texts["not_trained"] if not_trained else texts["fallback_again"]
        return Reply("fallback", None, 0.0, text, [i.slug for i in options], _labels(options, language))
    return Reply("fallback", None, 0.0, texts["fallback"])


def _act_on_intent(
    *, conversation: Conversation, intent: Intent, language: str, known: dict[str, Intent] | None = None
) -> Reply:
    """What the bot does when it is sure (or the customer chose) `intent`."""
    answer = intent.answer_in(language)
    if intent.action == Intent.Action.HANDOVER:
        return _hand_over(conversation=conversation, intent=intent, language=language, lead=answer)
    reply = Reply("answer", intent.slug, 1.0, answer, link_url=intent.link_url)
    if conversation.student_id is not None:
        # Only a logged-in student's own conversation; the anonymous chat never asks.
        personal = personal_answers.provide(user_id=conversation.student_id, intent=intent.slug)
        if personal is not None:
            reply.text = personal.text_in(language)
            reply.link_url = personal.link_url or reply.link_url
    if intent.action == Intent.Action.ANSWER_HANDOVER:
        human = _human_intent(assistant=conversation.assistant, known=known)
        if human is not None:
            reply.text = f"{answer}\n\n{BOT_TEXT[language]['offer_human']}"
            reply.options = [human.slug]
            reply.option_labels = _labels([human], language)
    return reply


def _hand_over(*, conversation: Conversation, intent: Intent, language: str, lead: str = "") -> Reply:
    texts = BOT_TEXT[language]
    queue = queue_for_intent(intent=intent)
    if queue is None:
        human = _human_intent(assistant=conversation.assistant)
        queue = queue_for_intent(intent=human) if human else None
    if queue is None:
        return Reply("fallback", None, 0.0, texts["no_queue"])
    result = conversation_hand_over(conversation=conversation, queue=queue, intent=intent)
    if result.queued:
        text = texts["queued"].format(queue=queue.name, position=result.position or 1)
    else:
        with translation.override(language):
            opens = date_format(timezone.localtime(result.opens_at), "l j. F H:i") if result.opens_at else "-"
        text = texts["closed"].format(queue=queue.name, opens=opens)
    if lead and intent.slug not in HUMAN_INTENT_SLUGS:
        text = f"{lead}\n\n{text}"
    return Reply(
        "handover",
        intent.slug,
        1.0,
        text,
        link_url=intent.link_url,
        handover={
            "queued": result.queued,
            "open_now": result.open_now,
            "opens_at": result.opens_at.isoformat() if result.opens_at else None,
            "position": result.position,
            "queue": queue.slug,
        },
    )


@transaction.atomic
def conversation_option_choose(*, conversation: Conversation, option: Any) -> Reply:
    """The customer picked one of the options the bot offered last (a clarify choice, or
    the offer of a human). Choosing a human after an answer hands over to the queue of
    the intent that was answered; any other choice acts on the chosen intent."""
    if not isinstance(option, str) or not option:
        raise ConversationError(_("option: må være slugen til ett av valgene som ble tilbudt."))
    caller, conversation = conversation, _locked(conversation)
    if conversation.state != Conversation.State.BOT:
        raise ConversationError(
            _("Samtale %(conversation_id)s er allerede hos et menneske.")
            % {"conversation_id": conversation.pk},
            status=409,
        )
    last_bot = (
        Message.objects.filter(conversation=conversation, sender=Message.Sender.BOT)
        .select_related("intent")
        .order_by("-id")
        .first()
    )
    if last_bot is None or option not in (last_bot.options or []):
        raise ConversationError(
            _("option: %(option)s ble ikke tilbudt i det siste svaret.") % {"option": repr(option)},
            status=409,
        )
    intent = (
        Intent.objects.filter(assistant=conversation.assistant, slug=option).select_related("queue").first()
    )
    if intent is None:
        raise ConversationError(
            _("option: %(option)s er ikke lenger en intensjon hos denne assistenten.")
            % {"option": repr(option)},
            status=409,
        )
    language = conversation.language
    answered_question = _answered_message(_reply_context(conversation)[1])
    Message.objects.create(
        conversation=conversation,
        sender=Message.Sender.CUSTOMER,
        text=_title(intent, language),
        intent=intent,
        confidence=1.0,
        action="choice",
    )
    conversation.last_customer_activity_at = timezone.now()
    conversation.consecutive_fallbacks = 0
    conversation.save(update_fields=["last_customer_activity_at", "consecutive_fallbacks"])
    answered = last_bot.intent
    if intent.slug in HUMAN_INTENT_SLUGS and answered is not None and answered.slug not in HUMAN_INTENT_SLUGS:
        if answered_question is not None:
            _answer_did_not_help(answered_question, conversation)
        reply = _hand_over(conversation=conversation, intent=answered, language=language)
    elif intent.slug in HUMAN_INTENT_SLUGS:
        reply = _hand_over(conversation=conversation, intent=intent, language=language)
    else:
        reply = _act_on_intent(conversation=conversation, intent=intent, language=language)
    reply.message_id = _bot_says(conversation, reply)
    reply.language = language
    caller.state = conversation.state
    return reply


def conversation_message_leave(*, conversation: Conversation, text: Any) -> Reply:
    """Outside opening hours: leave a message for the queue (a case for next morning)."""
    text = _text_checked(text)
    with transaction.atomic():
        caller, conversation = conversation, _locked(conversation)
        try:
            conversation_leave_message(conversation=conversation, text=text)
        except QueueError as exc:
            raise ConversationError(str(exc), status=409) from exc
        reply = Reply("handover", None, 1.0, BOT_TEXT[conversation.language]["left_message"])
        reply.handover = {
            "queued": True,
            "left_message": True,
            "queue": conversation.queue.slug if conversation.queue else None,
        }
        reply.message_id = _bot_says(conversation, reply)
        reply.language = conversation.language
        caller.state = conversation.state
    return reply


@transaction.atomic
def conversation_customer_seen(*, conversation: Conversation) -> None:
    """The customer's page is still open (it polled): keeps a waiting conversation from
    being counted as abandoned."""
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_activity_at=timezone.now())


@transaction.atomic
def conversation_close_by_customer(*, conversation: Conversation) -> Conversation:
    """The customer ends the conversation. Closing twice is harmless."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state == Conversation.State.ABANDONED:
        raise ConversationError(
            _("Samtale %(conversation_id)s ble forlatt og kan ikke avsluttes.")
            % {"conversation_id": locked.pk},
            status=409,
        )
    if locked.state != Conversation.State.CLOSED:
        locked.state = Conversation.State.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at"])
        # The same event as an agent's close, whichever door closes the conversation.
        event_emit(
            type="chat.conversation.closed",
            version=1,
            payload={
                "conversation_id": locked.pk,
                "queue": locked.queue.slug if locked.queue else None,
                "wrap_up": None,
                "closed_at": locked.closed_at,
            },
        )
        conversation_stats_refresh_on_commit(conversation=locked)
    return locked


@transaction.atomic
def conversation_rate(*, conversation: Conversation, rating: Any, comment: Any = "") -> Conversation:
    """The customer's 1-5 rating, once the conversation is closed."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ConversationError(
            _("rating: må være et helt tall fra 1 til 5, fikk %(rating)s.") % {"rating": repr(rating)}
        )
    if not isinstance(comment, str) or len(comment) > MAX_MESSAGE_LENGTH:
        raise ConversationError(
            _("comment: må være tekst på maks %(max_message_length)s tegn.")
            % {"max_message_length": MAX_MESSAGE_LENGTH}
        )
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state != Conversation.State.CLOSED:
        raise ConversationError(_("rating: en samtale kan vurderes når den er avsluttet."), status=409)
    locked.rating = rating
    locked.rating_comment = comment.strip()
    locked.save(update_fields=["rating", "rating_comment"])
    # CSAT is part of the queue's half-hour rollup: refresh it now, not at the next sweep.
    conversation_stats_refresh_on_commit(conversation=locked)
    return locked
