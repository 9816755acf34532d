"""Serializers of the customer chat API: what the public chat page and integrations send
and get back."""

from rest_framework import serializers

from chat.limits import MAX_MESSAGE_LENGTH
from chat.models import Conversation


class ConversationCreateSerializer(serializers.Serializer):
    assistant = serializers.ChoiceField(choices=["kunde", "una"], required=False, default="kunde")
    language = serializers.ChoiceField(choices=Conversation.Language.choices, required=False, default="nb")
    # Opened from the logged-in student's own page: answers may speak of their own case
    # (ignored unless the session is a student's login).
    student = serializers.BooleanField(required=False, default=False)


class ConversationCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    assistant = serializers.CharField()
    language = serializers.CharField()
    state = serializers.CharField()


class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_MESSAGE_LENGTH, trim_whitespace=True, allow_blank=False)


class ChoiceSerializer(serializers.Serializer):
    option = serializers.SlugField(max_length=60)


class RatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=MAX_MESSAGE_LENGTH, required=False, allow_blank=True, default=""
    )


class FeedbackSerializer(serializers.Serializer):
    helpful = serializers.BooleanField(help_text="thumbs up (true) or down (false) on the answer")


class FeedbackRecordedSerializer(serializers.Serializer):
    message_id = serializers.IntegerField()
    helpful = serializers.BooleanField()


class OptionLabelSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class ReplySerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["answer", "clarify", "handover", "fallback"])
    intent = serializers.CharField(allow_null=True)
    confidence = serializers.FloatField(min_value=0, max_value=1)
    text = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    option_labels = OptionLabelSerializer(many=True)
    handover = serializers.DictField(allow_null=True)
    link_url = serializers.CharField(allow_blank=True)
    message_id = serializers.IntegerField(allow_null=True)
    language = serializers.ChoiceField(
        choices=Conversation.Language.choices,
        help_text="the written standard of the reply; the page's labels follow it",
    )
    agency = serializers.CharField(
        allow_blank=True, help_text="a fallback meant for another agency: its slug (nav, skatteetaten, ...)"
    )


class MessagePostedSerializer(serializers.Serializer):
    reply = ReplySerializer(allow_null=True)
    state = serializers.CharField()


class CustomerMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.CharField()
    text = serializers.CharField()
    action = serializers.CharField(allow_blank=True)
    options = serializers.ListField(child=serializers.CharField())
    option_labels = OptionLabelSerializer(many=True)
    link_url = serializers.CharField(allow_blank=True)
    helpful = serializers.BooleanField(allow_null=True, help_text="the customer's thumbs up/down, if given")
    created_at = serializers.DateTimeField()


class MessageListSerializer(serializers.Serializer):
    messages = CustomerMessageSerializer(many=True)
    state = serializers.CharField()
    language = serializers.ChoiceField(
        choices=Conversation.Language.choices,
        help_text="the conversation's written standard now (the last message's)",
    )


class ConversationStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
