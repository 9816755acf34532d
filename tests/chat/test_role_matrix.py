"""Role matrix rows for the chat app's pages and API."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.chat.factories import QueuedConversationFactory
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
    Row("chat:agent-canned", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-canned"), method="post"),
    Row("chat:agent-transfer", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-transfer"), method="post"),
    Row("chat:agent-close", _AGENT_FOREIGN_PAGE, url=_someone_elses("chat:agent-close"), method="post"),
    pages("chat:statistics", allowed={MG, AD}),
    pages("chat:statistics-live", allowed={MG, AD}),
    pages("chat:statistics-csv", allowed={MG, AD}),
    api("chat-agent-status", allowed={CW, AD}),
    # Agents start "away", so taking a conversation is refused with the reason (409).
    Row("chat-agent-take-next", {A: 401, CW: 409, MG: 403, MD: 403, AD: 409}, method="post"),
    api("chat-agent-waiting", allowed={CW, AD}),
    api("chat-agent-conversation-list", allowed={CW, AD}),
    Row("chat-agent-messages", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-messages")),
    Row("chat-agent-transfer", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-transfer"), method="post"),
    Row("chat-agent-close", _AGENT_FOREIGN_API, url=_someone_elses("chat-agent-close"), method="post"),
    api("chat-statistics", allowed={MG, AD}),
    api("chat-statistics-live", allowed={MG, AD}),
]

MATRIX: list[Row] = [*QUEUE_ROWS]


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("role", [A, CW, MG, MD, AD])
def test_each_role_gets_the_expected_status(row: Row, role: str, client_for: Callable[[str], Client]) -> None:
    check_row(row, role, client_for(role))
