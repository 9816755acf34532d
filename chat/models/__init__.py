"""Chat models: the knowledge (assistants, intents, phrases, intent model versions), the
conversations and their messages, the review list, queues, agents and statistics."""

from chat.models.conversations import Conversation, ConversationNote, Message, ReviewItem
from chat.models.knowledge import Assistant, Intent, IntentModelVersion, IntentTrainingRun, TrainingPhrase
from chat.models.queues import AgentStatus, OpeningHours, Queue, QueueSlotStat
from chat.models.statistics import AssistantDayStat, IntentDayStat, NotUnderstoodDayStat

__all__ = [
    "AgentStatus",
    "Assistant",
    "AssistantDayStat",
    "Conversation",
    "ConversationNote",
    "Intent",
    "IntentDayStat",
    "IntentModelVersion",
    "IntentTrainingRun",
    "Message",
    "NotUnderstoodDayStat",
    "OpeningHours",
    "Queue",
    "QueueSlotStat",
    "ReviewItem",
    "TrainingPhrase",
]
