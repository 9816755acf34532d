"""Serializers for the agent and statistics API: input checking and output shapes only."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from chat.limits import MAX_REPLY_LENGTH
from chat.models import AgentStatus, Conversation, ConversationNote, Message


class AgentStatusSerializer(serializers.ModelSerializer):
    queues: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta:
        model = AgentStatus
        fields = ["state", "capacity", "queues", "updated_at"]


class AgentStatusUpdateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=AgentStatus.State.choices, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=10, required=False)
    queues = serializers.ListField(child=serializers.SlugField(), required=False)


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


class MessageSerializer(serializers.ModelSerializer):
    intent: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "sender", "text", "created_at", "intent", "confidence", "action"]


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=False, max_length=MAX_REPLY_LENGTH, trim_whitespace=True
    )
    intent = serializers.SlugField(
        required=False, help_text="send this intent's ready answer instead of text"
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("text")) == bool(attrs.get("intent")):
            raise serializers.ValidationError(_("Give exactly one of `text` or `intent`."))
        return attrs


class NoteSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ConversationNote
        fields = ["id", "author", "text", "created_at"]


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_REPLY_LENGTH, trim_whitespace=True)


class ReassignSerializer(serializers.Serializer):
    agent = serializers.CharField(help_text="username of the agent who gets the conversation")


class TransferSerializer(serializers.Serializer):
    queue = serializers.SlugField()


class CloseSerializer(serializers.Serializer):
    wrap_up = serializers.ChoiceField(choices=Conversation.WrapUp.choices)


class QueueLiveSerializer(serializers.Serializer):
    queue = serializers.CharField(source="queue.slug")
    name = serializers.CharField(source="queue.name")
    waiting = serializers.IntegerField()
    longest_wait_seconds = serializers.IntegerField()
    agents_available = serializers.IntegerField()
    agents_busy = serializers.IntegerField()


class AgentTranscriptSerializer(serializers.Serializer):
    """A conversation the agent holds and its messages (all, or those after `after`)."""

    conversation = ConversationAgentSerializer()
    messages = MessageSerializer(many=True)
