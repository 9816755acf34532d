"""API of the chat app (under /api/v1/chat/)."""

from django.urls import path

from chat.api import agent, customer, modeller, statistics, statistics_csv, supervision

urlpatterns: list = [
    # Customer chat (anonymous, X-Conversation-Token)
    path("conversations/", customer.ConversationCreateView.as_view(), name="chat-conversation-create"),
    path(
        "conversations/<int:pk>/messages/",
        customer.ConversationMessagesView.as_view(),
        name="chat-conversation-messages",
    ),
    path(
        "conversations/<int:pk>/choice/",
        customer.ConversationChoiceView.as_view(),
        name="chat-conversation-choice",
    ),
    path(
        "conversations/<int:pk>/leave-message/",
        customer.ConversationLeaveMessageView.as_view(),
        name="chat-conversation-leave-message",
    ),
    path(
        "conversations/<int:pk>/close/",
        customer.ConversationCloseView.as_view(),
        name="chat-conversation-close",
    ),
    path(
        "conversations/<int:pk>/rating/",
        customer.ConversationRatingView.as_view(),
        name="chat-conversation-rating",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_id>/feedback/",
        customer.MessageFeedbackView.as_view(),
        name="chat-message-feedback",
    ),
    # Agent console and queue statistics
    path("agent/status/", agent.AgentStatusView.as_view(), name="chat-agent-status"),
    path("agent/take-next/", agent.AgentTakeNextView.as_view(), name="chat-agent-take-next"),
    path("agent/waiting/", agent.AgentWaitingView.as_view(), name="chat-agent-waiting"),
    path(
        "agent/conversations/", agent.AgentConversationListView.as_view(), name="chat-agent-conversation-list"
    ),
    path(
        "agent/conversations/<int:pk>/messages/",
        agent.AgentMessagesView.as_view(),
        name="chat-agent-messages",
    ),
    path(
        "agent/conversations/<int:pk>/transfer/",
        agent.AgentTransferView.as_view(),
        name="chat-agent-transfer",
    ),
    path("agent/conversations/<int:pk>/close/", agent.AgentCloseView.as_view(), name="chat-agent-close"),
    path("agent/conversations/<int:pk>/notes/", agent.AgentNotesView.as_view(), name="chat-agent-notes"),
    path(
        "agent/conversations/<int:pk>/reassign/",
        agent.AgentReassignView.as_view(),
        name="chat-agent-reassign",
    ),
    path(
        "supervision/conversations/",
        supervision.ConversationSupervisionView.as_view(),
        name="chat-conversation-supervision",
    ),
    path("statistics/", statistics.StatisticsView.as_view(), name="chat-statistics"),
    path("statistics/live/", statistics.StatisticsLiveView.as_view(), name="chat-statistics-live"),
    path("statistics/csv/", statistics_csv.StatisticsCsvView.as_view(), name="chat-statistics-csv"),
    path("staffing-plan/", statistics.StaffingPlanView.as_view(), name="chat-staffing-plan"),
    path("forecast/", statistics.ForecastView.as_view(), name="chat-forecast"),
    # Teaching the assistants: intents, phrases, models, review
    path("intents/", modeller.IntentListView.as_view(), name="chat-intent-list"),
    path("intents/<int:pk>/", modeller.IntentDetailView.as_view(), name="chat-intent-detail"),
    path("intents/<int:pk>/phrases/", modeller.IntentPhrasesView.as_view(), name="chat-intent-phrases"),
    path("phrases/<int:pk>/", modeller.PhraseDeleteView.as_view(), name="chat-phrase-delete"),
    path("models/", modeller.IntentModelListView.as_view(), name="chat-model-list"),
    path("models/train/", modeller.IntentTrainingStartView.as_view(), name="chat-model-train"),
    path(
        "models/train/<int:pk>/", modeller.IntentTrainingRunView.as_view(), name="chat-model-train-progress"
    ),
    path("review/", modeller.ReviewListView.as_view(), name="chat-review-list"),
    path("review/<int:pk>/assign/", modeller.ReviewAssignView.as_view(), name="chat-review-assign"),
    path("review/<int:pk>/dismiss/", modeller.ReviewDismissView.as_view(), name="chat-review-dismiss"),
    path("review/bulk/", modeller.ReviewBulkView.as_view(), name="chat-review-bulk"),
]
