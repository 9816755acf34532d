"""Pages of the chat app (under /chat/)."""

from django.urls import path

from chat.views import agent as agent_views
from chat.views import customer as customer_views
from chat.views import modeller as modeller_views
from chat.views import statistics as statistics_views

app_name = "chat"
urlpatterns: list = [
    # The assistants' chat pages
    path("", customer_views.customer_chat, name="customer-chat"),
    path("una/", customer_views.una_chat, name="una-chat"),
    # Teaching the assistants: intents, models, review
    path("intents/", modeller_views.IntentListView.as_view(), name="intent-list"),
    path("intents/<int:pk>/", modeller_views.IntentEditView.as_view(), name="intent-edit"),
    path("phrases/<int:pk>/delete/", modeller_views.PhraseDeleteView.as_view(), name="phrase-delete"),
    path("models/", modeller_views.ModelListView.as_view(), name="model-list"),
    path("models/train/", modeller_views.ModelTrainView.as_view(), name="model-train"),
    path(
        "models/train/<int:pk>/",
        modeller_views.ModelTrainProgressView.as_view(),
        name="model-train-progress",
    ),
    path("review/", modeller_views.ReviewListView.as_view(), name="review-list"),
    path(
        "review/<int:pk>/assign/",
        modeller_views.ReviewActionView.as_view(action="assign"),
        name="review-assign",
    ),
    path(
        "review/<int:pk>/dismiss/",
        modeller_views.ReviewActionView.as_view(action="dismiss"),
        name="review-dismiss",
    ),
    path("review/bulk/", modeller_views.ReviewBulkView.as_view(), name="review-bulk"),
    # Agent console and queue statistics
    path("agent/", agent_views.AgentConsoleView.as_view(), name="agent-console"),
    path("agent/status/", agent_views.AgentStatusView.as_view(), name="agent-status"),
    path("agent/take-next/", agent_views.AgentTakeNextView.as_view(), name="agent-take-next"),
    path("agent/waiting/", agent_views.AgentWaitingView.as_view(), name="agent-waiting"),
    path(
        "agent/conversations/<int:pk>/messages/",
        agent_views.AgentMessagesView.as_view(),
        name="agent-messages",
    ),
    path("agent/conversations/<int:pk>/reply/", agent_views.AgentReplyView.as_view(), name="agent-reply"),
    path("agent/conversations/<int:pk>/notes/", agent_views.AgentNoteView.as_view(), name="agent-note"),
    path(
        "agent/conversations/<int:pk>/transfer/",
        agent_views.AgentTransferView.as_view(),
        name="agent-transfer",
    ),
    path("agent/conversations/<int:pk>/close/", agent_views.AgentCloseView.as_view(), name="agent-close"),
    path(
        "conversations/", agent_views.ConversationSupervisionView.as_view(), name="conversation-supervision"
    ),
    path(
        "conversations/<int:pk>/reassign/",
        agent_views.ConversationReassignView.as_view(),
        name="conversation-reassign",
    ),
    path("statistics/", statistics_views.StatisticsView.as_view(), name="statistics"),
    path("statistics/live/", statistics_views.StatisticsLiveView.as_view(), name="statistics-live"),
    path("statistics/csv/", statistics_views.StatisticsCsvView.as_view(), name="statistics-csv"),
    path(
        "statistics/forecast/", statistics_views.StatisticsForecastView.as_view(), name="statistics-forecast"
    ),
    path(
        "statistics/forecast/csv/",
        statistics_views.StatisticsForecastCsvView.as_view(),
        name="statistics-forecast-csv",
    ),
]
