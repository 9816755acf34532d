"""The customer chat API: anonymous, authorised per conversation by the token given when
it was opened (header X-Conversation-Token). Writes are throttled per client (`chat` scope)
and per conversation (`chat_conversation`); polling is not counted against either."""

import time
from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from chat.api.serializers_customer import (
    ChoiceSerializer,
    ConversationCreatedSerializer,
    ConversationCreateSerializer,
    ConversationStateSerializer,
    FeedbackRecordedSerializer,
    FeedbackSerializer,
    MessageCreateSerializer,
    MessageListSerializer,
    MessagePostedSerializer,
    RatingSerializer,
)
from chat.models import Conversation
from chat.selectors.conversations import (
    conversation_for_token,
    conversation_messages_after,
    intent_option_labels,
)
from chat.services.conversations import (
    ConversationAccessDenied,
    ConversationError,
    Reply,
    client_key_for,
    conversation_close_by_customer,
    conversation_customer_seen,
    conversation_message_leave,
    conversation_message_post,
    conversation_option_choose,
    conversation_rate,
    conversation_start,
    message_feedback_record,
)
from lanekassen_ai.api.serializers import ErrorSerializer

TOKEN_HEADER = OpenApiParameter(
    "X-Conversation-Token",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="from POST conversations/",
)


class ChatThrottle(ScopedRateThrottle):
    """The `chat` scope, per client (user id, else IP). Reads the rate at request time,
    so a deployment (or a test) can change it through settings."""

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        return rates.get(str(self.scope))

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        self.scope = getattr(view, self.scope_attr, None)
        self.rate = self.get_rate() if self.scope else None
        if self.rate is None:
            return True
        limit, duration = self.parse_rate(self.rate)
        self.num_requests, self.duration = limit, duration
        self.key = self.get_cache_key(request, view)
        if self.key is None or limit is None or duration is None:
            return True
        # A fixed window counted by one atomic increment in the shared cache: DRF's own
        # read-then-write history lets concurrent requests in several workers pass together
        # beyond the limit.
        now = time.time()
        key = f"{self.key}:{int(now // duration)}"
        self.cache.add(key, 0, timeout=duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # the window's key expired between add and incr
            self.cache.add(key, 1, timeout=duration + 1)
            count = 1
        self.retry_after = duration - (now % duration)
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class ConversationThrottle(ChatThrottle):
    """The `chat_conversation` scope: writes to one conversation, whoever sends them, so
    that many addresses together cannot flood one conversation (and the queue behind it)."""

    scope_attr = "conversation_throttle_scope"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        conversation_id = view.kwargs.get("pk")
        if conversation_id is None:  # opening a conversation: only the per-client limit
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"conversation-{conversation_id}"}


class CustomerAPIView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, ChatThrottle, ConversationThrottle]
    throttle_scope = "chat"
    conversation_throttle_scope = "chat_conversation"

    def conversation(self, request: Request, pk: int) -> Conversation:
        conversation = conversation_for_token(conversation_id=pk, token=self.token(request, pk))
        if conversation is None:
            raise self.token_refused(pk)
        return conversation

    def token(self, request: Request, pk: int) -> str:
        token = request.headers.get("X-Conversation-Token")
        if not token:
            raise self.token_refused(pk)
        return str(token)

    @staticmethod
    def token_refused(pk: int) -> PermissionDenied:
        return PermissionDenied(
            f"The X-Conversation-Token header is missing or does not match conversation {pk}."
        )

    def validated(self, serializer_class: Any, request: Request) -> dict[str, Any]:
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": _("Innholdet må være et JSON-objekt.")})
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ConversationError):
            return Response(ErrorSerializer({"detail": str(exc)}).data, status=exc.status)
        if isinstance(exc, ConversationAccessDenied):
            exc = self.token_refused(exc.conversation_id)
        return super().handle_exception(exc)


# One instance for every reply: a new one deep-copies its declared fields (and the nested
# reply's) on each use, which cost about a twentieth of a reply's CPU. Rendering only reads
# the fields, so threads can share it.
_POSTED = MessagePostedSerializer()


def _posted(*, reply: Reply | None, state: str) -> Response:
    body = _POSTED.to_representation({"reply": asdict(reply) if reply is not None else None, "state": state})
    return Response(body, status=status.HTTP_201_CREATED)


class ConversationCreateView(CustomerAPIView):
    @extend_schema(request=ConversationCreateSerializer, responses={201: ConversationCreatedSerializer})
    def post(self, request: Request) -> Response:
        data = self.validated(ConversationCreateSerializer, request)
        conversation, token = conversation_start(
            assistant_slug=data["assistant"],
            language=data["language"],
            user=request.user,
            client_key=client_key_for(ident=AnonRateThrottle().get_ident(request)),
            student=data["student"],
        )
        body = ConversationCreatedSerializer(
            {
                "id": conversation.pk,
                "token": token,
                "assistant": conversation.assistant.slug,
                "language": conversation.language,
                "state": conversation.state,
            }
        )
        return Response(body.data, status=status.HTTP_201_CREATED)


class ConversationMessagesView(CustomerAPIView):
    @extend_schema(
        parameters=[
            TOKEN_HEADER,
            OpenApiParameter("after", int, description="last message id already shown"),
        ],
        responses={200: MessageListSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        conversation = self.conversation(request, pk)
        try:
            after = int(request.query_params.get("after", "0") or 0)
        except ValueError as exc:
            raise ValidationError({"after": _("Må være en meldings-id (et helt tall).")}) from exc
        conversation_customer_seen(conversation=conversation)
        messages = conversation_messages_after(conversation=conversation, after_id=after)
        labels = intent_option_labels(
            assistant_id=conversation.assistant_id,
            slugs={slug for m in messages for slug in (m.options or [])},
            language=conversation.language,
        )
        body = MessageListSerializer(
            {
                "state": conversation.state,
                # The written standard the conversation is in now: the page's labels follow it.
                "language": conversation.language,
                "messages": [
                    {
                        "id": m.pk,
                        "sender": m.sender,
                        "text": m.text,
                        "action": m.action,
                        "options": m.options or [],
                        "option_labels": [{"slug": s, "label": labels.get(s, s)} for s in m.options or []],
                        "link_url": m.link_url if m.sender == "bot" else "",
                        "helpful": m.helpful,
                        "created_at": m.created_at,
                    }
                    for m in messages
                ],
            }
        )
        return Response(body.data)

    @extend_schema(
        parameters=[TOKEN_HEADER], request=MessageCreateSerializer, responses={201: MessagePostedSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        token = self.token(request, pk)
        data = self.validated(MessageCreateSerializer, request)
        # The token is checked on the row the service locks: one read of the conversation.
        conversation = Conversation(pk=pk)
        reply = conversation_message_post(conversation=conversation, text=data["text"], token=token)
        return _posted(reply=reply, state=conversation.state)


class ConversationChoiceView(CustomerAPIView):
    @extend_schema(
        parameters=[TOKEN_HEADER], request=ChoiceSerializer, responses={201: MessagePostedSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = self.conversation(request, pk)
        data = self.validated(ChoiceSerializer, request)
        reply = conversation_option_choose(conversation=conversation, option=data["option"])
        return _posted(reply=reply, state=conversation.state)


class ConversationLeaveMessageView(CustomerAPIView):
    @extend_schema(
        parameters=[TOKEN_HEADER], request=MessageCreateSerializer, responses={201: MessagePostedSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = self.conversation(request, pk)
        data = self.validated(MessageCreateSerializer, request)
        reply = conversation_message_leave(conversation=conversation, text=data["text"])
        return _posted(reply=reply, state=conversation.state)


class ConversationCloseView(CustomerAPIView):
    @extend_schema(parameters=[TOKEN_HEADER], request=None, responses={200: ConversationStateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        closed = conversation_close_by_customer(conversation=self.conversation(request, pk))
        return Response(ConversationStateSerializer(closed).data)


class ConversationRatingView(CustomerAPIView):
    @extend_schema(
        parameters=[TOKEN_HEADER], request=RatingSerializer, responses={200: ConversationStateSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = self.conversation(request, pk)
        data = self.validated(RatingSerializer, request)
        rated = conversation_rate(conversation=conversation, rating=data["rating"], comment=data["comment"])
        return Response(ConversationStateSerializer(rated).data)


class MessageFeedbackView(CustomerAPIView):
    """Thumbs up or down on one of the assistant's answers."""

    @extend_schema(
        parameters=[TOKEN_HEADER], request=FeedbackSerializer, responses={200: FeedbackRecordedSerializer}
    )
    def post(self, request: Request, pk: int, message_id: int) -> Response:
        conversation = self.conversation(request, pk)
        data = self.validated(FeedbackSerializer, request)
        message = message_feedback_record(
            conversation=conversation, message_id=message_id, helpful=data["helpful"]
        )
        return Response(
            FeedbackRecordedSerializer({"message_id": message.pk, "helpful": message.helpful}).data
        )
