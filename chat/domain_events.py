"""The domain events the chat app emits (see lanekassen_ai.event_types)."""

from lanekassen_ai.event_types import EventType

CONVERSATION_HANDED_OVER = "chat.conversation.handed_over"
CONVERSATION_CLOSED = "chat.conversation.closed"

EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        name=CONVERSATION_HANDED_OVER,
        version=1,
        description="A conversation left the assistant and waits in a human queue "
        "(`left_message`: a message left outside opening hours, for the next opening).",
        payload={
            "conversation_id": "the conversation (integer)",
            "queue": "the queue's slug",
            "intent": "the slug of the intent that led there, or null",
            "left_message": "true for a message left outside opening hours",
            "queued_at": "from when it waits (ISO 8601)",
        },
    ),
    EventType(
        name=CONVERSATION_CLOSED,
        version=1,
        description="A conversation was closed, by an agent (with a wrap-up code) or by the "
        "customer (`wrap_up` null).",
        payload={
            "conversation_id": "the conversation (integer)",
            "queue": "the queue's slug, or null",
            "wrap_up": "the agent's wrap-up code, or null when the customer closed it",
            "closed_at": "when (ISO 8601)",
        },
    ),
)
