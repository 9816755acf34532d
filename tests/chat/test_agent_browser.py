"""In Debian's Chromium: a customer is handed over, an agent takes the conversation, they
write both ways, the agent closes, the customer rates, and the manager's dashboard counts
it. axe-core checks the console and the dashboard.

The customer's side runs through the services the customer API calls (hand-over, a
customer message, the rating); the public chat page is another module's and is tested
there.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from chat.models import Conversation, Message
from chat.services.queues import conversation_hand_over
from chat.services.statistics import chat_stats_refresh_recent
from lanekassen_ai.roles import Role
from tests.chat.factories import ConversationFactory, IntentFactory, MessageFactory, QueueFactory
from tests.factories import TEST_PASSWORD

SERIOUS = {"serious", "critical"}


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def _assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not serious, results.generate_report()


def _customer_writes(conversation: Conversation, text: str) -> None:
    # What the customer API does for a message while a human has the conversation.
    MessageFactory(conversation=conversation, sender=Message.Sender.CUSTOMER, text=text)
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_activity_at=timezone.now())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_handover_to_agent_and_back_to_the_managers_figures(
    page: Page, browser: Browser, live_server, make_user
) -> None:
    base = live_server.url
    make_user(Role.CASEWORKER, username="chat-agent", first_name="Kari", last_name="Agent")
    make_user(Role.MANAGER, username="chat-leder")
    queue = QueueFactory(slug="stipend-og-lan", name="Stipend og lån", priority=20)
    intent = IntentFactory(slug="application_status", title_nb="Status på søknaden", queue=queue)
    conversation = ConversationFactory()
    MessageFactory(
        conversation=conversation, text="Hvor langt har søknaden min kommet?", intent=intent, confidence=0.93
    )
    result = conversation_hand_over(conversation=conversation, queue=queue, intent=intent)
    assert result.queued and result.position == 1

    # The agent goes available, sees the customer waiting, and takes the conversation.
    _log_in(page, base, "chat-agent")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Chatkonsoll").click()
    page.get_by_label("Status", exact=True).select_option("AVAILABLE")
    page.get_by_label("Maks samtidige samtaler").fill("2")
    page.get_by_role("button", name="Lagre status").click()
    expect(page.get_by_text("Status lagret.")).to_be_visible()
    expect(page.locator("#waiting-list")).to_contain_text("Stipend og lån")
    _assert_accessible(page)
    page.get_by_role("button", name="Ta neste samtale").click()
    expect(page).to_have_url(re.compile(rf"\?c={conversation.pk}$"))
    transcript = page.get_by_role("log")
    expect(transcript).to_contain_text("Hvor langt har søknaden min kommet?")
    expect(page.locator(".facts")).to_contain_text("application_status")

    # Customer -> agent: shown by the 2-second poll without reloading.
    _customer_writes(conversation, "Søknadsnummeret er 12345.")
    expect(transcript).to_contain_text("Søknadsnummeret er 12345.", timeout=5000)

    # Agent -> customer: the reply is stored where the customer's poll reads it.
    page.get_by_label("Svar til kunden").fill("Takk! Søknaden er under behandling.")
    page.get_by_role("button", name="Send").click()
    expect(transcript).to_contain_text("Takk! Søknaden er under behandling.")
    expect(page.get_by_label("Svar til kunden")).to_have_value("")
    assert Message.objects.filter(
        conversation=conversation, sender=Message.Sender.AGENT, text="Takk! Søknaden er under behandling."
    ).exists()
    _assert_accessible(page)

    page.get_by_label("Avslutningskode").select_option("resolved")
    page.get_by_role("button", name="Avslutt samtalen").click()
    expect(page.get_by_text("Samtalen er avsluttet.").first).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED

    # The customer rates 5 (the rating service writes the field; the minute job refreshes
    # the rollups, run here directly).
    Conversation.objects.filter(pk=conversation.pk).update(rating=5)
    chat_stats_refresh_recent()

    manager = browser.new_page(locale="nb-NO")
    script_errors: list[str] = []
    manager.on("pageerror", lambda error: script_errors.append(str(error)))
    _log_in(manager, base, "chat-leder")
    today = timezone.localdate().isoformat()
    manager.goto(f"{base}/chat/statistics/?from={today}&to={today}&granularity=slot")
    totals = manager.get_by_role("table", name=re.compile("Sum per kø"))
    row = totals.get_by_role("row", name=re.compile("Stipend og lån"))
    expect(row).to_contain_text("1")
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("1")  # offered
    expect(cells.nth(1)).to_have_text("1")  # answered
    expect(cells.nth(2)).to_have_text("0")  # abandoned
    expect(cells.nth(6)).to_contain_text("5,00 (1)")  # CSAT, Norwegian decimal comma
    live = manager.get_by_role("table", name=re.compile("Køene akkurat nå"))
    expect(live.get_by_role("row", name=re.compile("Stipend og lån"))).to_be_visible()
    expect(manager.locator("#chart-volume")).to_be_visible()
    assert manager.evaluate("Chart.getChart('chart-volume').data.datasets[0].data") == [1]
    _assert_accessible(manager)
    assert not script_errors
    manager.close()
