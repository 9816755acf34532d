"""In Debian's Chromium: log in, see the role's navigation, switch to English and back."""

import re

import pytest
from playwright.sync_api import Page, expect

from lanekassen_ai.roles import Role
from tests.factories import TEST_PASSWORD


@pytest.mark.browser
def test_a_manager_logs_in_sees_the_menu_and_switches_language(page: Page, live_server, make_user) -> None:
    make_user(Role.ADMIN, username="browser-admin")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.get_by_label("Brukernavn").fill("browser-admin")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    nav = page.get_by_role("navigation", name="Hovedmeny")
    expect(nav.get_by_role("link", name="Forside")).to_be_visible()
    expect(nav.get_by_role("link", name="Revisjonslogg")).to_be_visible()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()

    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Audit log")
    ).to_be_visible()

    page.get_by_test_id("language-nb").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


@pytest.mark.browser
def test_a_caseworker_does_not_see_the_audit_log_in_the_menu(page: Page, live_server, make_user) -> None:
    make_user(Role.CASEWORKER, username="browser-cw")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brukernavn").fill("browser-cw")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    nav = page.get_by_role("navigation", name="Hovedmeny")
    expect(nav.get_by_role("link", name="Forside")).to_be_visible()
    expect(nav.get_by_role("link", name="Revisjonslogg")).to_have_count(0)
