"""In Debian's Chromium: the public chat page (/chat/) with a trained model. A customer
gets an answer, picks a clarify option, asks for a person and is queued; text is shown
escaped; the page works on a phone-sized screen; axe-core finds nothing serious."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from chat.models import Conversation, IntentModelVersion

SERIOUS = {"serious", "critical"}


def _ask(page: Page, text: str) -> None:
    page.get_by_label("Skriv spørsmålet ditt").fill(text)
    page.get_by_label("Skriv spørsmålet ditt").press("Enter")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_customer_gets_an_answer_a_clarify_choice_and_a_place_in_the_queue(
    page: Page, live_server, activate_mini_model: Callable[..., IntentModelVersion]
) -> None:
    activate_mini_model(answer=0.7, clarify=0.6)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/chat/")
    log = page.get_by_role("log", name="Samtalen")
    expect(log).to_contain_text("Hei! Hva lurer du på?")

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not serious, results.generate_report()

    _ask(page, "Når kommer pengene?")
    expect(log).to_contain_text("Pengene utbetales den 15. hver måned.")

    _ask(page, "faktura betale utsette")
    options = page.get_by_role("group", name="Svaralternativer")
    expect(log).to_contain_text("Mente du")
    expect(options.get_by_role("button", name="Betale faktura")).to_be_visible()
    options.get_by_role("button", name="Betalingsutsettelse").click()
    expect(log).to_contain_text("Du kan søke om betalingsutsettelse på Mine sider.")

    _ask(page, "<b>fet</b> tekst")
    expect(log).to_contain_text("<b>fet</b> tekst")
    assert log.locator("b").count() == 0

    _ask(page, "jeg vil snakke med et menneske")
    expect(log).to_contain_text("Du er nå i kø hos Stipend og lån")
    expect(page.locator("#chat-status")).to_contain_text("Du er i kø")
    assert Conversation.objects.get().state == Conversation.State.QUEUED
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_chat_page_fits_a_phone_screen_and_is_keyboard_usable(
    browser: Browser, live_server, activate_mini_model: Callable[..., IntentModelVersion]
) -> None:
    activate_mini_model(answer=0.7, clarify=0.6)
    context = browser.new_context(locale="nb-NO", viewport={"width": 360, "height": 740}, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/chat/")
    expect(phone.get_by_role("log", name="Samtalen")).to_contain_text("Hei!")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Keyboard only: tab to the input, type, press Enter.
    phone.get_by_label("Skriv spørsmålet ditt").focus()
    phone.keyboard.type("hei")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("log", name="Samtalen")).to_contain_text("Hva kan jeg hjelpe deg med?")
    results = Axe().run(phone)
    assert not [v for v in results.response["violations"] if v.get("impact") in SERIOUS], (
        results.generate_report()
    )
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_text_box_stays_in_sight_after_the_first_answer(
    browser: Browser, live_server, activate_mini_model: Callable[..., IntentModelVersion]
) -> None:
    activate_mini_model(answer=0.7, clarify=0.6)
    context = browser.new_context(locale="nb-NO", viewport={"width": 360, "height": 640}, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/chat/")
    log = phone.get_by_role("log", name="Samtalen")
    expect(log).to_contain_text("Hei!")
    _ask(phone, "Når kommer pengene?")
    expect(log).to_contain_text("Pengene utbetales den 15. hver måned.")
    box = phone.get_by_label("Skriv spørsmålet ditt")
    expect(box).to_be_in_viewport()
    expect(phone.get_by_role("button", name="Send")).to_be_in_viewport()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_after_an_english_reply_the_labels_are_english_and_a_thumbs_down_is_recorded(
    page: Page, live_server, activate_mini_model: Callable[..., IntentModelVersion]
) -> None:
    from chat.models import Message, ReviewItem

    activate_mini_model(answer=0.7, clarify=0.6)
    page.goto(f"{live_server.url}/chat/")
    log = page.get_by_role("log", name="Samtalen")
    expect(log).to_contain_text("Hei!")
    _ask(page, "how do I apply for a student loan")
    expect(log).to_contain_text("You apply on My pages.")
    expect(log.get_by_role("link", name="Read more")).to_be_visible()
    assert log.get_by_role("link", name="Les mer").count() == 0
    log.get_by_role("button", name="The answer did not help").click()
    expect(page.locator("#chat-status")).to_contain_text("Thank you for your feedback!")
    answer = Message.objects.get(sender=Message.Sender.BOT, action="answer")
    assert answer.helpful is False
    item = ReviewItem.objects.get()
    assert (item.reason, item.text) == (ReviewItem.Reason.NOT_HELPED, "how do I apply for a student loan")
    assert Conversation.objects.get().language == "en"
