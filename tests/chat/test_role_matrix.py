"""Role matrix rows for the chat app's pages and API."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import IntentTrainingRun
from tests.chat.factories import AssistantFactory, IntentFactory, QueuedConversationFactory
from tests.role_matrix import AD, CW, MD, MG, A, Row, api, check_row, pages


def _someone_elses(name: str) -> Callable[[], str]:
    """A URL on a waiting conversation that is nobody's: agents get 404, not its data."""
    return lambda: reverse(name, args=[QueuedConversationFactory().pk])


# Agent console and queue statistics.
_AGENT_POST = {A: 302, CW: 302, MG: 403, MD: 403, AD: 302}
_AGENT_FOREIGN_PAGE = {A: 302, CW: 404, MG: 403, MD: 403, AD: 404}
_AGENT_FOREIGN_API = {A: 401, CW: 404, MG: 403, MD: 403, AD: 404}
QUEUE_ROWS: list[Row] = [
    pages("chat:agent-console", allowed={CW, AD}),
    Row("chat:agent-status", _AGENT_POST, method="post"),
    Row("chat:agent-take-next", _AGENT_POST, method="post"),
    pages("chat:agent-waiting", allowed={CW, AD}),
    Row("chat:agent-messages", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-messages")),
    Row("chat:agent-reply", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-reply"), method="post"),
    Row("chat:agent-note", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-note"), method="post"),
    pages("chat:conversation-supervision", allowed={MG, AD}),
    Row(
        "chat:conversation-reassign",
        {A: 302, CW: 403, MG: 302, MD: 403, AD: 302},
        url=_someone_elses("chat:conversation-reassign"),
        method="post",
    ),
    Row("chat:agent-transfer", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-transfer"), method="post"),
    Row("chat:agent-close", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-close"), method="post"),
    pages("chat:statistics", allowed={MG, AD}),
    pages("chat:statistics-live", allowed={MG, AD}),
    pages("chat:statistics-csv", allowed={MG, AD}),
    pages("chat:statistics-forecast", allowed={MG, AD}),
    pages("chat:statistics-forecast-csv", allowed={MG, AD}),
    api("chat-agent-status", allowed={CW, AD}),
    # Agents start "away", so taking a conversation is refused with the reason (409).
    Row("chat-agent-take-next", {A: 401, CW: 409, MG: 403, MD: 403, AD: 409}, method="post"),
    api("chat-agent-waiting", allowed={CW, AD}),
    api("chat-agent-conversation-list", allowed={CW, AD}),
    Row("chat-agent-messages", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-messages")),
    Row("chat-agent-transfer", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-transfer"), method="post"),
    Row("chat-agent-close", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-close"), method="post"),
    Row("chat-agent-notes", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-notes")),
    Row(
        "chat-agent-reassign",
        {A: 401, CW: 403, MG: 400, MD: 403, AD: 400},
        url=_someone_elses("chat-agent-reassign"),
        method="post",
    ),
    api("chat-conversation-supervision", allowed={MG, AD}),
    api("chat-statistics", allowed={MG, AD}),
    api("chat-statistics-live", allowed={MG, AD}),
    api("chat-statistics-csv", allowed={MG, AD}),
    api(
        "chat-staffing-plan",
        allowed={MG, AD},
        url=lambda: (
            reverse("chat-staffing-plan") + "?arrivals_per_hour=60&handle_seconds=300&target_seconds=60"
        ),
    ),
    api("chat-forecast", allowed={MG, AD}),
]


def _with_assistant(name: str) -> Callable[[], str]:
    """The assistant pages need an assistant to show."""

    def _url() -> str:
        AssistantFactory()
        return reverse(name)

    return _url


def _missing(name: str) -> Callable[[], str]:
    return lambda: reverse(name, args=[999999])


# The assistants: chat pages, teaching pages and the customer API.
_EVERYONE = {A: 200, CW: 200, MG: 200, MD: 200, AD: 200}
_CUSTOMER_POST_ONLY = {A: 405, CW: 405, MG: 405, MD: 405, AD: 405}
ASSISTANT_ROWS: list[Row] = [
    Row("chat:customer-chat", _EVERYONE),
    pages("chat:una-chat", allowed={CW, MG, MD, AD}),
    pages("chat:intent-list", allowed={MD, AD}, url=_with_assistant("chat:intent-list")),
    pages(
        "chat:intent-edit",
        allowed={MD, AD},
        url=lambda: reverse("chat:intent-edit", args=[IntentFactory().pk]),
    ),
    Row(
        "chat:phrase-delete",
        {A: 302, CW: 403, MG: 403, MD: 404, AD: 404},
        url=_missing("chat:phrase-delete"),
        method="post",
    ),
    pages("chat:model-list", allowed={MD, AD}, url=_with_assistant("chat:model-list")),
    Row("chat:model-train", {A: 302, CW: 405, MG: 403, MD: 405, AD: 405}),
    pages(
        "chat:model-train-progress",
        allowed={CW, MD, AD},
        url=lambda: reverse(
            "chat:model-train-progress",
            args=[IntentTrainingRun.objects.create(assistant=AssistantFactory()).pk],
        ),
    ),
    pages("chat:review-list", allowed={CW, MD, AD}, url=_with_assistant("chat:review-list")),
    Row(
        "chat:review-assign",
        {A: 302, CW: 404, MG: 403, MD: 404, AD: 404},
        url=_missing("chat:review-assign"),
        method="post",
    ),
    Row(
        "chat:review-dismiss",
        {A: 302, CW: 404, MG: 403, MD: 404, AD: 404},
        url=_missing("chat:review-dismiss"),
        method="post",
    ),
    Row(
        "chat:review-bulk",
        {A: 302, CW: 404, MG: 403, MD: 404, AD: 404},  # no assistant loaded here
        url=lambda: reverse("chat:review-bulk"),
        method="post",
    ),
    # Teaching the assistants through the API (chat/api/modeller.py)
    api("chat-intent-list", allowed={MD, AD}, url=_with_assistant("chat-intent-list")),
    api(
        "chat-intent-detail",
        allowed={MD, AD},
        url=lambda: reverse("chat-intent-detail", args=[IntentFactory().pk]),
    ),
    api(
        "chat-intent-phrases",
        allowed={MD, AD},
        url=lambda: reverse("chat-intent-phrases", args=[IntentFactory().pk]),
    ),
    Row(
        "chat-phrase-delete",
        {A: 401, CW: 403, MG: 403, MD: 404, AD: 404},
        url=_missing("chat-phrase-delete"),
        method="delete",
    ),
    api("chat-model-list", allowed={MD, AD}, url=_with_assistant("chat-model-list")),
    Row("chat-model-train", {A: 401, CW: 405, MG: 403, MD: 405, AD: 405}),
    api(
        "chat-model-train-progress",
        allowed={CW, MD, AD},
        url=lambda: reverse(
            "chat-model-train-progress",
            args=[IntentTrainingRun.objects.create(assistant=AssistantFactory()).pk],
        ),
    ),
    api("chat-review-list", allowed={CW, MD, AD}, url=_with_assistant("chat-review-list")),
    Row(
        "chat-review-assign",
        {A: 401, CW: 404, MG: 403, MD: 404, AD: 404},
        url=_missing("chat-review-assign"),
        method="post",
    ),
    Row(
        "chat-review-dismiss",
        {A: 401, CW: 404, MG: 403, MD: 404, AD: 404},
        url=_missing("chat-review-dismiss"),
        method="post",
    ),
    Row("chat-review-bulk", {A: 401, CW: 400, MG: 403, MD: 400, AD: 400}, method="post"),
    Row("chat-conversation-create", _CUSTOMER_POST_ONLY),
    # Without the conversation's token nobody reads it, whatever their role.
    Row(
        "chat-conversation-messages",
        {A: 403, CW: 403, MG: 403, MD: 403, AD: 403},
        url=_missing("chat-conversation-messages"),
    ),
    Row("chat-conversation-choice", _CUSTOMER_POST_ONLY, url=_missing("chat-conversation-choice")),
    Row(
        "chat-conversation-leave-message",
        _CUSTOMER_POST_ONLY,
        url=_missing("chat-conversation-leave-message"),
    ),
    Row("chat-conversation-close", _CUSTOMER_POST_ONLY, url=_missing("chat-conversation-close")),
    Row("chat-conversation-rating", _CUSTOMER_POST_ONLY, url=_missing("chat-conversation-rating")),
    Row(
        "chat-message-feedback",
        _CUSTOMER_POST_ONLY,
        url=lambda: reverse("chat-message-feedback", args=[999999, 1]),
    ),
]

MATRIX: list[Row] = [*QUEUE_ROWS, *ASSISTANT_ROWS]


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("role", [A, CW, MG, MD, AD])
def test_each_role_gets_the_expected_status(row: Row, role: str, client_for: Callable[[str], Client]) -> None:
    check_row(row, role, client_for(role))
