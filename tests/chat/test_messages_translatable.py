"""Every message the chat services and selectors raise goes through gettext, so the customer
and the agent read it in their language (bokmål msgids, locale/en and locale/nn)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from chat.models import IntentModelVersion, Message
from chat.services.agents import AgentError, conversation_reply
from chat.services.conversations import ConversationError, conversation_message_post
from lanekassen_ai.services.audit import AuditContext
from tests.chat.factories import ConversationFactory

CHAT = Path(__file__).resolve().parents[2] / "chat"
CHECKED = [*sorted((CHAT / "services").glob("*.py")), *sorted((CHAT / "selectors").glob("*.py"))]


def _is_plain_text(node: ast.expr) -> bool:
    """A message written out in the code instead of passed through a gettext call."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):  # "..." % x or "..." + x, without a gettext call
        return _is_plain_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_plain_text(node.func.value)
    return False


def _untranslated(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name.endswith("Error") and _is_plain_text(node.args[0]):
            found.append(f"{path.relative_to(CHAT.parent)}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_the_checker_sees_plain_and_formatted_text_but_not_gettext_calls() -> None:
    source = 'XError("a")\nXError(f"{b}")\nXError("c %s" % d)\nXError(_("e %(f)s") % g)\n'
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call) and node.args]
    flagged = [_is_plain_text(call.args[0]) for call in calls if getattr(call.func, "id", "") == "XError"]
    assert flagged == [True, True, True, False]


def test_no_chat_service_or_selector_raises_an_untranslated_message() -> None:
    assert len(CHECKED) > 10
    found = [line for path in CHECKED for line in _untranslated(path)]
    assert not found, "Wrap these messages in gettext (_):\n" + "\n".join(found)


@pytest.mark.django_db
def test_an_agent_error_comes_out_in_english_and_nynorsk_and_stays_bokmal_by_default(make_user) -> None:
    agent = make_user("saksbehandler")
    conversation = ConversationFactory()
    texts = {}
    for language in ("nb", "en", "nn"):
        with translation.override(language), pytest.raises(AgentError) as caught:
            conversation_reply(conversation=conversation, context=AuditContext(actor=agent), text="   ")
        texts[language] = str(caught.value)
    assert texts == {"nb": "Svaret er tomt.", "en": "The reply is empty.", "nn": "Svaret er tomt."}


@pytest.mark.django_db
def test_the_customer_api_gives_a_refusal_in_the_language_the_customer_chose(
    kunde_model: IntentModelVersion,
) -> None:
    """A message left before any hand-over has no queue to go to: refused, in English once
    the customer has picked English, in bokmål otherwise."""
    api = APIClient()
    created = api.post(reverse("chat-conversation-create"), {}, format="json").json()
    url = reverse("chat-conversation-leave-message", args=[created["id"]])
    details = {}
    for language in ("en", "nb"):
        api.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = api.post(
            url, {"text": "Ring meg"}, format="json", HTTP_X_CONVERSATION_TOKEN=created["token"]
        )
        assert response.status_code == 409, response.content
        details[language] = response.json()["detail"]
    assert details["en"] == (
        f"Conversation {created['id']}: no queue found for the message "
        "(no queue given and no intent with a queue in the conversation)."
    )
    assert details["nb"].startswith(f"Samtale {created['id']}: finner ingen kø for meldingen")
    assert not Message.objects.filter(conversation_id=created["id"], sender="customer").exists()


@pytest.mark.django_db
def test_a_refused_customer_message_is_bokmal_by_default_and_english_or_nynorsk_when_chosen() -> None:
    conversation = ConversationFactory()
    texts = {}
    for language in ("nb", "en", "nn"):
        with translation.override(language), pytest.raises(ConversationError) as caught:
            conversation_message_post(conversation=conversation, text="   ")
        texts[language] = str(caught.value)
    assert texts == {
        "nb": "text: meldingen er tom.",
        "en": "text: the message is empty.",
        "nn": "text: meldinga er tom.",
    }
