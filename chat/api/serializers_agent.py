"""Serializers for the agent and statistics API: input checking and output shapes only."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from chat.limits import MAX_REPLY_LENGTH
from chat.models import AgentStatus, Conversation, ConversationNote, Message


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An available agent",
            response_only=True,
            status_codes=["200"],
            value={
                "state": "AVAILABLE",
                "capacity": 3,
                "queues": ["stipend", "tilbakebetaling"],
                "updated_at": "2026-12-01T08:00:12Z",
            },
        ),
    ]
)
class AgentStatusSerializer(serializers.ModelSerializer):
    queues: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta:
        model = AgentStatus
        fields = ["state", "capacity", "queues", "updated_at"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Go available on two queues",
            request_only=True,
            value={"state": "AVAILABLE", "capacity": 3, "queues": ["stipend", "tilbakebetaling"]},
        ),
    ]
)
class AgentStatusUpdateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=AgentStatus.State.choices, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=10, required=False)
    queues = serializers.ListField(child=serializers.SlugField(), required=False)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A conversation with an agent",
            response_only=True,
            status_codes=["200"],
            value={
                "id": 5120,
                "state": "with_agent",
                "language": "nb",
                "queue": "stipend",
                "handover_intent": "tilbakebetaling",
                "queued_at": "2026-12-01T09:12:03Z",
                "answered_at": "2026-12-01T09:14:40Z",
                "closed_at": None,
                "left_message": False,
                "wrap_up": "",
                "rating": None,
                "employee_name": "",
                "awaiting_agent_since": "2026-12-01T09:15:02Z",
            },
        ),
    ]
)
class ConversationAgentSerializer(serializers.ModelSerializer):
    queue: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    handover_intent: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Conversation
        fields = [
            "id",
            "state",
            "language",
            "queue",
            "handover_intent",
            "queued_at",
            "answered_at",
            "closed_at",
            "left_message",
            "wrap_up",
            "rating",
            "employee_name",
            "awaiting_agent_since",
        ]

    employee_name = serializers.SerializerMethodField(help_text="the employee behind an Una conversation")

    def get_employee_name(self, conversation: Conversation) -> str:
        employee = conversation.employee
        return (employee.get_full_name() or employee.get_username()) if employee is not None else ""


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An agent's reply",
            response_only=True,
            status_codes=["200", "201"],
            value={
                "id": 40211,
                "sender": "agent",
                "text": "Hei! Jeg ser på saken din nå.",
                "created_at": "2026-12-01T09:15:10Z",
                "intent": None,
                "confidence": None,
                "action": "",
            },
        ),
    ]
)
class MessageSerializer(serializers.ModelSerializer):
    intent: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Message
        fields = ["id", "sender", "text", "created_at", "intent", "confidence", "action"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A written reply",
            request_only=True,
            value={"text": "Hei! Jeg ser på saken din nå."},
        ),
        OpenApiExample(
            "An intent's ready answer",
            request_only=True,
            value={"intent": "utbetalingsdato"},
        ),
    ]
)
class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=False, max_length=MAX_REPLY_LENGTH, trim_whitespace=True
    )
    intent = serializers.SlugField(
        required=False, help_text="send this intent's ready answer instead of text"
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("text")) == bool(attrs.get("intent")):
            raise serializers.ValidationError(_("Gi nøyaktig én av `text` eller `intent`."))
        return attrs


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An internal note",
            response_only=True,
            status_codes=["200", "201"],
            value={
                "id": 77,
                "author": "veileder1",
                "text": "Kunden venter på svar om bostedsdokumentasjon.",
                "created_at": "2026-12-01T09:20:00Z",
            },
        ),
    ]
)
class NoteSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="null once the author's user is deleted",
    )

    class Meta:
        model = ConversationNote
        fields = ["id", "author", "text", "created_at"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An internal note",
            request_only=True,
            value={"text": "Kunden venter på svar om bostedsdokumentasjon."},
        ),
    ]
)
class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_REPLY_LENGTH, trim_whitespace=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "To another agent",
            request_only=True,
            value={"agent": "veileder2"},
        ),
    ]
)
class ReassignSerializer(serializers.Serializer):
    agent = serializers.CharField(help_text="username of the agent who gets the conversation")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "To the repayment queue",
            request_only=True,
            value={"queue": "tilbakebetaling"},
        ),
    ]
)
class TransferSerializer(serializers.Serializer):
    queue = serializers.SlugField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Resolved",
            request_only=True,
            value={"wrap_up": "resolved"},
        ),
    ]
)
class CloseSerializer(serializers.Serializer):
    wrap_up = serializers.ChoiceField(choices=Conversation.WrapUp.choices)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "The grant queue now",
            response_only=True,
            status_codes=["200"],
            value={
                "queue": "stipend",
                "name": "Stipend og lån",
                "waiting": 4,
                "longest_wait_seconds": 312,
                "agents_available": 2,
                "agents_busy": 5,
            },
        ),
    ]
)
class QueueLiveSerializer(serializers.Serializer):
    queue = serializers.CharField(source="queue.slug")
    name = serializers.CharField(source="queue.name")
    waiting = serializers.IntegerField()
    longest_wait_seconds = serializers.IntegerField()
    agents_available = serializers.IntegerField()
    agents_busy = serializers.IntegerField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A held conversation and its messages",
            response_only=True,
            status_codes=["200"],
            value={
                "conversation": {
                    "id": 5120,
                    "state": "with_agent",
                    "language": "nb",
                    "queue": "stipend",
                    "handover_intent": "tilbakebetaling",
                    "queued_at": "2026-12-01T09:12:03Z",
                    "answered_at": "2026-12-01T09:14:40Z",
                    "closed_at": None,
                    "left_message": False,
                    "wrap_up": "",
                    "rating": None,
                    "employee_name": "",
                    "awaiting_agent_since": "2026-12-01T09:15:02Z",
                },
                "messages": [
                    {
                        "id": 40210,
                        "sender": "customer",
                        "text": "Når kommer stipendet mitt?",
                        "created_at": "2026-12-01T09:12:01Z",
                        "intent": "utbetalingsdato",
                        "confidence": 0.42,
                        "action": "handover",
                    },
                    {
                        "id": 40211,
                        "sender": "agent",
                        "text": "Hei! Jeg ser på saken din nå.",
                        "created_at": "2026-12-01T09:15:10Z",
                        "intent": None,
                        "confidence": None,
                        "action": "",
                    },
                ],
            },
        ),
    ]
)
class AgentTranscriptSerializer(serializers.Serializer):
    """A conversation the agent holds and its messages (all, or those after `after`)."""

    conversation = ConversationAgentSerializer()
    messages = MessageSerializer(many=True)
