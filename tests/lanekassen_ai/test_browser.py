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


@pytest.mark.browser
def test_chart_pages_keep_a_fixed_chart_height_and_break_no_content_security_policy(
    page: Page, live_server, make_user
) -> None:
    make_user(Role.ADMIN, username="browser-charts")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brukernavn").fill("browser-charts")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()

    page.goto(f"{live_server.url}/chat/statistics/")
    canvases = page.locator(".chart-box > #chart-volume, .chart-box > #chart-service")
    expect(canvases.first).to_have_attribute("style", re.compile(r"height: \d+"))
    heights = [box["height"] for box in (c.bounding_box() for c in canvases.all()) if box]
    page.wait_for_timeout(2500)
    later = [box["height"] for box in (c.bounding_box() for c in canvases.all()) if box]
    assert len(heights) == 2
    assert later == heights, f"the charts grew from {heights} to {later}"
    assert all(100 < h <= 300 for h in later), later

    for path in ("/chat/review/", "/chat/", "/control/cases/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
