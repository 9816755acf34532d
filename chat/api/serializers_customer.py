"""Serializers of the customer chat API: what the public chat page and integrations send
and get back."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from chat.limits import MAX_MESSAGE_LENGTH
from chat.models import Conversation


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "The customer assistant in bokmål",
            request_only=True,
            value={"assistant": "kunde", "language": "nb"},
        ),
    ]
)
class ConversationCreateSerializer(serializers.Serializer):
    assistant = serializers.ChoiceField(choices=["kunde", "una"], required=False, default="kunde")
    language = serializers.ChoiceField(choices=Conversation.Language.choices, required=False, default="nb")
    # Opened from the logged-in student's own page: answers may speak of their own case
    # (ignored unless the session is a student's login).
    student = serializers.BooleanField(required=False, default=False)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A new conversation",
            response_only=True,
            status_codes=["201"],
            value={
                "id": 5120,
                "token": "k7Q2pZ0xVb4mN9sT1cRfYw",
                "assistant": "kunde",
                "language": "nb",
                "state": "bot",
            },
        ),
    ]
)
class ConversationCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    assistant = serializers.CharField()
    language = serializers.CharField()
    state = serializers.CharField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A question",
            request_only=True,
            value={"text": "Når kommer stipendet mitt?"},
        ),
    ]
)
class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_MESSAGE_LENGTH, trim_whitespace=True, allow_blank=False)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A clarifying option",
            request_only=True,
            value={"option": "utbetalingsdato"},
        ),
    ]
)
class ChoiceSerializer(serializers.Serializer):
    option = serializers.SlugField(max_length=60)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Four of five",
            request_only=True,
            value={"rating": 4, "comment": "Fikk svar raskt."},
        ),
    ]
)
class RatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=MAX_MESSAGE_LENGTH, required=False, allow_blank=True, default=""
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Thumbs up",
            request_only=True,
            value={"helpful": True},
        ),
    ]
)
class FeedbackSerializer(serializers.Serializer):
    helpful = serializers.BooleanField(help_text="thumbs up (true) or down (false) on the answer")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Feedback recorded",
            response_only=True,
            status_codes=["200"],
            value={"message_id": 40211, "helpful": True},
        ),
    ]
)
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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An answer",
            response_only=True,
            status_codes=["201"],
            value={
                "reply": {
                    "action": "answer",
                    "intent": "utbetalingsdato",
                    "confidence": 0.93,
                    "text": "Stipend og lån utbetales den 15. hver måned.",
                    "options": [],
                    "option_labels": [],
                    "handover": None,
                    "link_url": "",
                    "message_id": 40212,
                    "language": "nb",
                    "agency": "",
                },
                "state": "bot",
            },
        ),
    ]
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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A conversation's messages",
            response_only=True,
            status_codes=["200"],
            value={
                "messages": [
                    {
                        "id": 40211,
                        "sender": "customer",
                        "text": "Når kommer stipendet mitt?",
                        "action": "",
                        "options": [],
                        "option_labels": [],
                        "link_url": "",
                        "helpful": None,
                        "created_at": "2026-12-01T09:12:01Z",
                    },
                    {
                        "id": 40212,
                        "sender": "bot",
                        "text": "Stipend og lån utbetales den 15. hver måned.",
                        "action": "answer",
                        "options": [],
                        "option_labels": [],
                        "link_url": "",
                        "helpful": True,
                        "created_at": "2026-12-01T09:12:02Z",
                    },
                ],
                "state": "bot",
                "language": "nb",
            },
        ),
    ]
)
class MessageListSerializer(serializers.Serializer):
    messages = CustomerMessageSerializer(many=True)
    state = serializers.CharField()
    language = serializers.ChoiceField(
        choices=Conversation.Language.choices,
        help_text="the conversation's written standard now (the last message's)",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A rated, closed conversation",
            response_only=True,
            status_codes=["200"],
            value={"id": 5120, "state": "closed", "rating": 4},
        ),
    ]
)
class ConversationStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
