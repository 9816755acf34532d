"""The agent console in Debian's Chromium: live updates without reloading, the alert
(tone and visible message, with a mute toggle) and unread markers, the SLA warning, the
transcript at the newest message, Enter and Shift+Enter, canned answers searched and
inserted for editing in the customer's language, the unsent-draft warning, internal
notes; and a manager reassigning, the minute job taking an unanswered conversation back
to the queue, and the employee's name on an Una conversation. axe-core checks each page.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from chat.models import AgentStatus, Conversation, ConversationNote, Message
from chat.services.agents import agent_status_set, conversation_take_next
from chat.services.conversations import conversation_message_post, conversation_start
from chat.tasks import queue_maintenance
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.chat.factories import (
    AssistantFactory,
    IntentFactory,
    MessageFactory,
    QueuedConversationFactory,
    QueueFactory,
)
from tests.chat.test_agent_browser import _assert_accessible, _log_in

POLL = 8000  # ms: the console polls every 2 s; generous on a busy machine


def _console(page: Page) -> None:
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Chatkonsoll").click()
    expect(page.get_by_role("heading", name="Chatkonsoll", level=1)).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_console_alerts_updates_live_and_helps_the_agent_answer(
    page: Page, live_server, make_user
) -> None:
    base = live_server.url
    agent = make_user(Role.CASEWORKER, username="kari", first_name="Kari", last_name="Agent")
    agent_status_set(context=AuditContext(actor=agent), state=AgentStatus.State.AVAILABLE, capacity=3)
    queue = QueueFactory(slug="stipend-og-lan", name="Stipend og lån", service_level_target_seconds=60)
    assistant = AssistantFactory()
    IntentFactory(
        assistant=assistant,
        slug="payout_dates",
        title_nb="Utbetalingsdatoer",
        answer_nb="Pengene utbetales den 15.",
        answer_en="The money is paid on the 15th.",
        queue=queue,
    )
    IntentFactory(assistant=assistant, slug="invoice", title_nb="Betale faktura", queue=queue)
    # An English-speaking customer who has written a lot, waiting longer than the target.
    english = QueuedConversationFactory(
        assistant=assistant, queue=queue, language="en", queued_at=timezone.now() - timedelta(minutes=2)
    )
    for n in range(40):
        MessageFactory(conversation=english, text=f"Line {n} of my long question")

    _log_in(page, base, "kari")
    _console(page)
    expect(page.locator(".sla-warning").first).to_contain_text("Over svartidsmålet")
    expect(page.locator("#waiting-list")).to_contain_text("1 kunde venter")

    # A new customer arrives: the list changes without a reload, with a tone and a message.
    QueuedConversationFactory(assistant=assistant, queue=queue)
    expect(page.locator("#waiting-list")).to_contain_text("2 kunder venter", timeout=POLL)
    expect(page.locator("#console-alert")).to_have_text("En kunde venter i køen.")
    console = page.locator("#agent-console")
    expect(console).to_have_attribute("data-alerts", "1")
    expect(console).to_have_attribute("data-tones", "1")
    expect(page).to_have_title(re.compile(r"^\(1\) "))

    # Muted, the next arrival is shown but not heard.
    toggle = page.get_by_role("button", name="Lydvarsel: på")
    toggle.click()
    expect(page.get_by_role("button", name="Lydvarsel: av")).to_have_attribute("aria-pressed", "false")
    QueuedConversationFactory(assistant=assistant, queue=queue)
    expect(page.locator("#waiting-list")).to_contain_text("3 kunder venter", timeout=POLL)
    expect(console).to_have_attribute("data-alerts", "2")
    expect(console).to_have_attribute("data-tones", "1")
    page.get_by_role("button", name="Lydvarsel: av").click()  # sound back on for the rest

    # Take the longest-waiting (English) one: the transcript opens at the newest message.
    page.get_by_role("button", name="Ta neste samtale").click()
    expect(page).to_have_url(re.compile(rf"\?c={english.pk}$"))
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("Line 39 of my long question")
    at_bottom = "el => el.scrollHeight - el.scrollTop - el.clientHeight < 4"
    assert transcript.evaluate("el => el.scrollHeight > el.clientHeight")
    assert transcript.evaluate(at_bottom)
    expect(page.locator("#customer-language")).to_contain_text("Engelsk")
    box = page.get_by_label("Svar til kunden")
    expect(box).to_have_attribute("lang", "en")

    # Enter sends, Shift+Enter makes a new line.
    box.click()
    box.type("Hello!")
    box.press("Shift+Enter")
    box.type("Let me check.")
    expect(box).to_have_value("Hello!\nLet me check.")
    box.press("Enter")
    expect(transcript).to_contain_text("Let me check.")
    expect(box).to_have_value("")
    sent = Message.objects.get(conversation=english, sender=Message.Sender.AGENT)
    assert sent.text == "Hello!\nLet me check."
    assert transcript.evaluate(at_bottom)

    # A customer message in another of the agent's conversations: unread marker and alert.
    agent_status_set(context=AuditContext(actor=agent), state=AgentStatus.State.AVAILABLE)
    other = conversation_take_next(context=AuditContext(actor=agent))
    assert other is not None
    conversation_message_post(conversation=other, text="Er det noen der?")
    expect(page.locator(".active-conversations")).to_contain_text("1 ulest", timeout=POLL)
    expect(page.locator("#console-alert")).to_have_text("Ny melding fra en kunde i en av samtalene dine.")

    # Canned answers: search, then insert for editing, in the customer's language; not sent.
    search = page.get_by_label("Søk i ferdige svar")
    search.fill("utbetal")
    canned = page.locator("#canned-list")
    expect(canned.get_by_role("link", name=re.compile("Utbetalingsdatoer"))).to_be_visible()
    expect(canned.get_by_role("link", name=re.compile("Betale faktura"))).to_be_hidden()
    expect(page.locator("#canned-count")).to_have_text("1 / 2")
    box.fill("Hi.")
    canned.get_by_role("link", name=re.compile("Utbetalingsdatoer")).click()
    expect(box).to_have_value("Hi. The money is paid on the 15th.")
    expect(box).to_be_focused()
    assert Message.objects.filter(conversation=english, sender=Message.Sender.AGENT).count() == 1

    # An internal note, shown to colleagues only.
    page.get_by_label("Intern merknad (vises ikke for kunden)").fill("Kunden vil ha svar på e-post også.")
    page.get_by_role("button", name="Lagre merknad").click()
    expect(page.locator("#notes")).to_contain_text("Kunden vil ha svar på e-post også.")
    assert ConversationNote.objects.filter(conversation=english).count() == 1

    _assert_accessible(page)

    # Closing with an unsent answer: a warning first; the draft survives a reload.
    page.get_by_label("Avslutningskode").select_option("resolved")
    page.get_by_role("button", name="Avslutt samtalen").click()
    expect(page.get_by_role("alert")).to_contain_text("Du har et svar som ikke er sendt")
    english.refresh_from_db()
    assert english.state == Conversation.State.WITH_AGENT
    page.reload()
    expect(page.get_by_label("Svar til kunden")).to_have_value("Hi. The money is paid on the 15th.")
    page.get_by_label("Avslutningskode").select_option("resolved")
    page.get_by_role("button", name="Avslutt samtalen").click()
    page.get_by_role("button", name="Avslutt samtalen").click()
    expect(page.get_by_text("Samtalen er avsluttet.").first).to_be_visible()
    english.refresh_from_db()
    assert english.state == Conversation.State.CLOSED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_reassigns_and_an_unanswered_conversation_goes_back_to_the_queue(
    page: Page, browser: Browser, live_server, make_user
) -> None:
    base = live_server.url
    first = make_user(Role.CASEWORKER, username="agent-a", first_name="Anne", last_name="Først")
    second = make_user(Role.CASEWORKER, username="agent-b", first_name="Bjørn", last_name="Andre")
    make_user(Role.MANAGER, username="leder")
    employee = make_user(None, username="per.ansatt", first_name="Per", last_name="Ansatt")
    for agent in (first, second):
        agent_status_set(context=AuditContext(actor=agent), state=AgentStatus.State.AVAILABLE, capacity=2)
    queue = QueueFactory(slug="una-servicedesk", name="Una servicedesk", requeue_after_minutes=5)
    AssistantFactory(slug="una", name="Una-hjelpen")
    conversation, _ = conversation_start(assistant_slug="una", user=employee)
    Conversation.objects.filter(pk=conversation.pk).update(
        state=Conversation.State.QUEUED, queue=queue, queued_at=timezone.now()
    )
    MessageFactory(conversation=conversation, text="Hvordan deler jeg et dokument?")
    assert conversation_take_next(context=AuditContext(actor=first)).pk == conversation.pk

    # The manager moves it from Anne to Bjørn.
    _log_in(page, base, "leder")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Chatsamtaler nå").click()
    row = page.get_by_role("row", name=re.compile(rf"^{conversation.pk} – Per Ansatt"))
    expect(row).to_contain_text("Anne Først")
    row.get_by_label(f"Ny saksbehandler for samtale {conversation.pk}").select_option(value=str(second.pk))
    _assert_accessible(page)
    row.get_by_role("button", name=f"Sett over samtale {conversation.pk}").click()
    expect(page.get_by_text(f"Samtale {conversation.pk} er satt over til Bjørn Andre.")).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.agent == second

    # Bjørn sees it with the employee's name, not "Kunde".
    agent_page = browser.new_page(locale="nb-NO")
    _log_in(agent_page, base, "agent-b")
    agent_page.goto(f"{base}/chat/agent/?c={conversation.pk}")
    transcript = agent_page.locator("#transcript")
    expect(transcript.locator(".msg-customer .msg-sender").first).to_have_text("Per Ansatt")
    expect(agent_page.locator(".facts")).to_contain_text("Per Ansatt (per.ansatt)")
    expect(agent_page.locator(".active-conversations")).to_contain_text("Per Ansatt")

    # Bjørn does not answer for longer than the queue allows: the minute job puts it back,
    # and his console shows that without a reload.
    Conversation.objects.filter(pk=conversation.pk).update(
        awaiting_agent_since=timezone.now() - timedelta(minutes=6)
    )
    assert queue_maintenance()["requeued"] == 1
    expect(agent_page.locator("#conversation-gone")).to_contain_text("ikke lenger din", timeout=POLL)
    assert conversation.messages.filter(text__contains="satt tilbake i køen").exists()
    expect(agent_page.locator("#waiting-list")).to_contain_text("1 kunde venter", timeout=POLL)
    expect(agent_page.locator(".active-conversations")).to_contain_text("Ingen aktive samtaler")
    _assert_accessible(agent_page)
    agent_page.close()
