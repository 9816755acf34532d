"""The managers' supervision list through the API (capability REASSIGN_CHATS): the
conversations waiting or with an agent that the supervision page lists for reassigning."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from chat.api.serializers_agent import ConversationAgentSerializer
from chat.models import Conversation
from chat.selectors.queues import conversations_for_supervision
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.roles import Capability

STATES = [Conversation.State.QUEUED, Conversation.State.WITH_AGENT]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A conversation with an agent",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 3301,
                "state": "with_agent",
                "language": "nb",
                "queue": "stipend-og-lan",
                "handover_intent": "payment_deferral",
                "queued_at": "2026-12-01T09:58:40+01:00",
                "answered_at": "2026-12-01T10:00:05+01:00",
                "closed_at": None,
                "left_message": False,
                "wrap_up": "",
                "rating": None,
                "employee_name": "",
                "awaiting_agent_since": None,
                "agent": "saksbehandler2",
            },
        )
    ]
)
class SupervisedConversationSerializer(ConversationAgentSerializer):
    agent = serializers.CharField(source="agent.username", read_only=True, default=None, allow_null=True)

    class Meta(ConversationAgentSerializer.Meta):
        fields = [*ConversationAgentSerializer.Meta.fields, "agent"]


class ConversationSupervisionView(generics.ListAPIView):
    """Waiting conversations and those with an agent, oldest in the queue first; reassign
    one with POST agent/conversations/{id}/reassign/."""

    permission_classes = [HasCapability(Capability.REASSIGN_CHATS)]
    serializer_class = SupervisedConversationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        state = self.request.query_params.get("state", "")
        if state and state not in STATES:
            message = _("En av %(states)s, eller ingen.") % {"states": [str(s) for s in STATES]}
            raise serializers.ValidationError({"state": [message]})
        return conversations_for_supervision(state=state)

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=[str(s) for s in STATES])])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
