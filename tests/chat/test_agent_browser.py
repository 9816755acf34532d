"""In Debian's Chromium: a customer on the public chat page asks for a person and is
handed over, an agent takes the conversation in the console, they write both ways, the
agent closes, the customer rates, and the manager's dashboard counts it. axe-core checks
the console and the dashboard.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from chat.models import Conversation, Intent
from chat.services.statistics import chat_stats_refresh_recent
from lanekassen_ai.roles import Role
from tests.chat.factories import IntentFactory, QueueFactory
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_handover_to_agent_and_back_to_the_managers_figures(
    page: Page, browser: Browser, live_server, make_user
) -> None:
    base = live_server.url
    make_user(Role.CASEWORKER, username="chat-agent", first_name="Kari", last_name="Agent")
    make_user(Role.MANAGER, username="chat-leder")
    queue = QueueFactory(slug="stipend-og-lan", name="Stipend og lån", priority=20)
    IntentFactory(
        slug="contact_human",
        title_nb="Snakk med en saksbehandler",
        action=Intent.Action.HANDOVER,
        queue=queue,
    )

    # The customer, anonymous on the public page. No intent model is trained in this
    # test, so the assistant offers a person straight away.
    customer_context = browser.new_context(locale="nb-NO")
    customer = customer_context.new_page()
    customer.goto(f"{base}/chat/")
    customer.get_by_label("Skriv spørsmålet ditt").fill("Hvor langt har søknaden min kommet?")
    customer.get_by_role("button", name="Send", exact=True).click()
    customer.get_by_role("group", name="Svaralternativer").get_by_role(
        "button", name="Snakk med en saksbehandler"
    ).click()
    expect(customer.locator("#chat-status")).to_contain_text("Du er i kø")
    conversation = Conversation.objects.get()
    assert (conversation.state, conversation.queue) == (Conversation.State.QUEUED, queue)

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
    expect(page.locator(".facts")).to_contain_text("contact_human")

    # Customer -> agent: the console's 2-second poll shows it without reloading.
    customer.get_by_label("Skriv spørsmålet ditt").fill("Søknadsnummeret er 12345.")
    customer.get_by_role("button", name="Send", exact=True).click()
    expect(transcript).to_contain_text("Søknadsnummeret er 12345.", timeout=5000)

    # Agent -> customer: the customer page's poll shows it.
    page.get_by_label("Svar til kunden").fill("Takk! Søknaden er under behandling.")
    page.get_by_role("button", name="Send").click()
    expect(transcript).to_contain_text("Takk! Søknaden er under behandling.")
    expect(page.get_by_label("Svar til kunden")).to_have_value("")
    expect(customer.get_by_role("log")).to_contain_text("Takk! Søknaden er under behandling.", timeout=5000)
    _assert_accessible(page)

    page.get_by_label("Avslutningskode").select_option("resolved")
    page.get_by_role("button", name="Avslutt samtalen").click()
    expect(page.get_by_text("Samtalen er avsluttet.").first).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED

    # The customer sees the end and rates 5.
    rating = customer.get_by_role("group", name=re.compile("Hvor fornøyd"))
    expect(rating).to_be_visible(timeout=5000)
    rating.get_by_label("5").check()
    customer.get_by_role("button", name="Gi vurdering").click()
    expect(customer.locator("#chat-status")).to_contain_text("Takk for tilbakemeldingen!")
    conversation.refresh_from_db()
    assert conversation.rating == 5
    customer_context.close()
    # The minute job folds ratings given through the customer API into the rollups.
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
