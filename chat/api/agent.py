"""The agent console's API (capability ANSWER_CHATS): the same services as the pages.
Errors an agent can cause (away, at capacity, not their conversation) answer 409 with the
reason; bad input answers 400."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chat.api.serializers_agent import (
    AgentStatusSerializer,
    AgentStatusUpdateSerializer,
    AgentTranscriptSerializer,
    CloseSerializer,
    ConversationAgentSerializer,
    MessageSerializer,
    NoteCreateSerializer,
    NoteSerializer,
    ReassignSerializer,
    ReplySerializer,
    TransferSerializer,
)
from chat.selectors import NotFound
from chat.selectors.queues import (
    agent_conversation_detail,
    agent_conversations_active,
    agent_for_username,
    agent_status_for,
    conversation_for_agent,
    conversation_for_reassign,
    conversation_notes,
    intent_for_conversation,
    queue_get,
    queue_waiting_list,
    queues_by_slug,
)
from chat.services.agents import (
    AgentError,
    agent_status_get_or_create,
    agent_status_set,
    conversation_close,
    conversation_note_add,
    conversation_reassign,
    conversation_reply,
    conversation_reply_with_intent,
    conversation_take_next,
    conversation_transfer,
)
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability

CanAnswerChats = HasCapability(Capability.ANSWER_CHATS)
CanReassignChats = HasCapability(Capability.REASSIGN_CHATS)


def _conflict(exc: AgentError) -> Response:
    return Response(ErrorSerializer({"detail": str(exc)}).data, status=status.HTTP_409_CONFLICT)


class AgentStatusView(AuditContextAPIMixin, APIView):
    permission_classes = [CanAnswerChats]

    @extend_schema(responses=AgentStatusSerializer)
    def get(self, request: Request) -> Response:
        current = agent_status_for(user=self.audit_context.user) or agent_status_get_or_create(
            user=self.audit_context.user
        )
        return Response(AgentStatusSerializer(current).data)

    @extend_schema(request=AgentStatusUpdateSerializer, responses=AgentStatusSerializer)
    def patch(self, request: Request) -> Response:
        data = AgentStatusUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        queues = None
        if "queues" in data.validated_data:
            slugs = data.validated_data["queues"]
            queues = queues_by_slug(slugs=slugs)
            unknown = sorted(set(slugs) - {q.slug for q in queues})
            if unknown:
                raise ValidationError(
                    {"queues": [_("Ukjente køer: %(slugs)s.") % {"slugs": ", ".join(unknown)}]}
                )
        try:
            result = agent_status_set(
                context=self.audit_context,
                state=data.validated_data.get("state"),
                capacity=data.validated_data.get("capacity"),
                queues=queues,
            )
        except AgentError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(AgentStatusSerializer(result).data)


class AgentTakeNextView(AuditContextAPIMixin, APIView):
    permission_classes = [CanAnswerChats]

    @extend_schema(
        request=None, responses={200: ConversationAgentSerializer, 204: None, 409: ErrorSerializer}
    )
    def post(self, request: Request) -> Response:
        """Take the oldest waiting conversation of the highest-priority queue; 204 when
        nobody waits."""
        try:
            conversation = conversation_take_next(context=self.audit_context)
        except AgentError as exc:
            return _conflict(exc)
        if conversation is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ConversationAgentSerializer(conversation).data)


class AgentWaitingView(AuditContextAPIMixin, generics.ListAPIView):
    """Conversations waiting now in the queues the agent serves, in serving order."""

    permission_classes = [CanAnswerChats]
    serializer_class = ConversationAgentSerializer
    filter_backends: list = []  # a bounded list from the selector, not a queryset to filter

    def get_queryset(self) -> Any:
        return queue_waiting_list(agent=self.audit_context.user)


class AgentConversationListView(AuditContextAPIMixin, generics.ListAPIView):
    """The agent's active conversations."""

    permission_classes = [CanAnswerChats]
    serializer_class = ConversationAgentSerializer
    filter_backends: list = []  # a bounded list from the selector, not a queryset to filter

    def get_queryset(self) -> Any:
        return agent_conversations_active(agent=self.audit_context.user)


class AgentMessagesView(AuditContextAPIMixin, APIView):
    permission_classes = [CanAnswerChats]

    @extend_schema(
        parameters=[OpenApiParameter("after", int, description="only messages with a larger id")],
        responses=AgentTranscriptSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        """The transcript (bot part included), or the messages after id `after`."""
        after_raw = request.query_params.get("after", "")
        if after_raw and not after_raw.isdigit():
            raise ValidationError(
                {"after": [_("%(after)s er ikke en meldings-id (et heltall).") % {"after": repr(after_raw)}]}
            )
        detail = agent_conversation_detail(
            agent=self.audit_context.user, conversation_id=pk, after=int(after_raw) if after_raw else None
        )
        return Response(AgentTranscriptSerializer(detail).data)

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer, 409: ErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Reply with `text`, or with the ready answer of intent slug `intent`."""
        conversation = conversation_for_agent(agent=self.audit_context.user, conversation_id=pk)
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            if data.validated_data.get("intent"):
                slug = data.validated_data["intent"]
                intent = intent_for_conversation(conversation=conversation, slug=slug)
                if intent is None:
                    raise ValidationError(
                        {
                            "intent": [
                                _("Samtalens assistent har ingen intensjon %(slug)s.") % {"slug": repr(slug)}
                            ]
                        }
                    )
                message = conversation_reply_with_intent(
                    conversation=conversation, intent=intent, context=self.audit_context
                )
            else:
                message = conversation_reply(
                    conversation=conversation, text=data.validated_data["text"], context=self.audit_context
                )
        except AgentError as exc:
            return _conflict(exc)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class AgentTransferView(AuditContextAPIMixin, APIView):
    permission_classes = [CanAnswerChats]

    @extend_schema(
        request=TransferSerializer, responses={200: ConversationAgentSerializer, 409: ErrorSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = conversation_for_agent(agent=self.audit_context.user, conversation_id=pk)
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            queue = queue_get(slug=data.validated_data["queue"])
        except NotFound as exc:
            raise ValidationError({"queue": [str(exc)]}) from exc
        try:
            result = conversation_transfer(conversation=conversation, queue=queue, context=self.audit_context)
        except AgentError as exc:
            return _conflict(exc)
        return Response(ConversationAgentSerializer(result).data)


class AgentCloseView(AuditContextAPIMixin, APIView):
    permission_classes = [CanAnswerChats]

    @extend_schema(
        request=CloseSerializer, responses={200: ConversationAgentSerializer, 409: ErrorSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = conversation_for_agent(agent=self.audit_context.user, conversation_id=pk)
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = conversation_close(
                conversation=conversation, wrap_up=data.validated_data["wrap_up"], context=self.audit_context
            )
        except AgentError as exc:
            return _conflict(exc)
        return Response(ConversationAgentSerializer(result).data)


class AgentNotesView(AuditContextAPIMixin, APIView):
    """Internal notes on one of the agent's conversations; never shown to the customer."""

    permission_classes = [CanAnswerChats]

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        conversation = conversation_for_agent(agent=self.audit_context.user, conversation_id=pk)
        notes = conversation_notes(conversation=conversation)
        return Response(NoteSerializer(notes, many=True).data)

    @extend_schema(request=NoteCreateSerializer, responses={201: NoteSerializer, 409: ErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        conversation = conversation_for_agent(agent=self.audit_context.user, conversation_id=pk)
        data = NoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            note = conversation_note_add(
                conversation=conversation,
                text=data.validated_data["text"],
                context=self.audit_context,
            )
        except AgentError as exc:
            return _conflict(exc)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class AgentReassignView(AuditContextAPIMixin, APIView):
    """A manager gives a waiting or ongoing conversation to another agent."""

    permission_classes = [CanReassignChats]

    @extend_schema(
        request=ReassignSerializer, responses={200: ConversationAgentSerializer, 409: ErrorSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation = conversation_for_reassign(conversation_id=pk)
        data = ReassignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to_agent = agent_for_username(username=data.validated_data["agent"])
        if to_agent is None:
            raise ValidationError(
                {"agent": [_("Fant ingen bruker %(agent)s.") % {"agent": repr(data.validated_data["agent"])}]}
            )
        try:
            result = conversation_reassign(
                conversation=conversation,
                to_agent=to_agent,
                context=self.audit_context,
            )
        except AgentError as exc:
            return _conflict(exc)
        return Response(ConversationAgentSerializer(result).data)
