"""The whole control round in Debian's Chromium: a manager creates and confirms a campaign,
a caseworker takes the next case, asks for documentation, registers a document and decides,
and the manager sees the hit rate move. axe-core scans the main pages; the screenshots of
docs/caseworker-guide.md are taken here."""

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from control.models import Application, ControlCase
from lanekassen_ai.roles import Role
from tests.control.casework_helpers import PDF_BYTES
from tests.control.factories import scored_applications
from tests.factories import TEST_PASSWORD

# The guide's screenshots are refreshed only on request (`make screenshots`); an ordinary
# test run writes them to a temporary folder and leaves the work tree clean.
SCREENSHOTS = (
    Path(settings.BASE_DIR) / "docs" / "img"
    if os.environ.get("DOCS_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "lanekassen-screenshots"
)


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def _assert_no_serious_violations(page: Page, what: str) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.browser
def test_a_control_round_from_campaign_to_decision(page: Page, live_server: Any, make_user: Any) -> None:
    make_user(Role.MANAGER, username="leder-b")
    make_user(Role.CASEWORKER, username="saksbehandler-b")
    # Two groups of students, so the preview has something to show per group.
    first = scored_applications(n=24, gender="F", birth_country_group="NO", birth_date=date(1999, 4, 2))
    for s in scored_applications(
        n=16,
        model_version=first[0].model_version,
        gender="M",
        birth_country_group="OTHER",
        birth_date=date(1991, 9, 30),
    ):
        s.rank += 24
        s.score /= 2
        s.save()
    base = live_server.url

    # The manager creates a campaign and confirms the proposal.
    _login(page, base, "leder-b")
    page.goto(f"{base}/control/campaigns/new/")
    page.get_by_label("Navn").fill("Bostedskontroll 2018")
    page.get_by_label("Studieår").fill("2018")
    page.get_by_label("Antall kontroller").fill("10")
    page.get_by_label("Tilfeldig andel av kontrollene (%)").fill("20")
    _shot(page, "campaign-new.png")
    page.get_by_role("button", name="Trekk ut saker").click()
    expect(page.get_by_role("button", name="Bekreft kampanjen")).to_be_visible()
    expect(page.get_by_text("8 valgt etter risiko og 2 trukket tilfeldig")).to_be_visible()
    _assert_no_serious_violations(page, "campaign page")
    _shot(page, "campaign-proposal.png")
    page.get_by_role("button", name="Bekreft kampanjen").click()
    expect(page.get_by_text("Kampanjen er bekreftet.")).to_be_visible()
    # The letter schedule proposed on confirming: checked, then accepted as it is.
    expect(page.get_by_role("table", name="Brev per dag, med forventet chatbelastning")).to_be_visible()
    _assert_no_serious_violations(page, "letter schedule")
    _shot(page, "campaign-letter-schedule.png")
    page.get_by_role("button", name="Godta utsendingsplanen").click()
    expect(page.get_by_text("Utsendingsplanen er godtatt.")).to_be_visible()
    page.goto(f"{base}/control/insight/")
    expect(page.locator('[data-reason="RISK"]')).to_have_text("0.0 %")

    # The caseworker takes the next case and works it.
    _login(page, base, "saksbehandler-b")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Arbeidsliste").click()
    expect(page.get_by_role("table", name=re.compile("Kontrollsaker"))).to_be_visible()
    _assert_no_serious_violations(page, "worklist")
    _shot(page, "worklist.png")
    page.get_by_role("button", name="Ta neste sak").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Kontrollsak"))).to_be_visible()
    expect(page.get_by_text("Høy risiko")).to_be_visible()
    _assert_no_serious_violations(page, "case page")
    _shot(page, "case.png")

    page.get_by_role("button", name="Lag brev og send krav").click()
    expect(page.get_by_text("Brevet med krav om dokumentasjon er laget.")).to_be_visible()
    expect(page.locator("pre.letter")).to_contain_text("At du er plukket ut")

    page.get_by_label("Dokumenttype").select_option("LEASE")
    page.get_by_label(re.compile("Fil \\(PDF")).set_input_files(
        files=[{"name": "leiekontrakt.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Registrer dokument").click()
    expect(page.get_by_role("link", name="leiekontrakt.pdf")).to_be_visible()
    _shot(page, "case-documents.png")

    page.get_by_role("button", name="Registrer vedtak").click()  # no outcome, no justification
    expect(page.get_by_text("Dette feltet er påkrevd.").first).to_be_visible()
    page.get_by_label("Ikke borteboer (avdekket)").check()
    page.get_by_label("Begrunnelse").fill("Leiekontrakten gjelder en hybel studenten ikke bor i.")
    page.get_by_role("button", name="Registrer vedtak").click()  # the document not marked as reviewed
    expect(page.get_by_text(re.compile("ikke er merket som vurdert"))).to_be_visible()
    page.get_by_label(re.compile("leiekontrakt.pdf")).check()
    page.get_by_label("Ikke borteboer (avdekket)").check()
    page.get_by_label("Begrunnelse").fill("Leiekontrakten gjelder en hybel studenten ikke bor i.")
    page.get_by_role("button", name="Registrer vedtak").click()
    expect(page.get_by_text("Vedtaket er registrert og saken er låst.")).to_be_visible()
    _shot(page, "case-decided.png")

    page.get_by_role("link", name="Innsynsrapport for studenten").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Innsynsrapport"))).to_be_visible()
    expect(page.get_by_text("Leiekontrakten gjelder en hybel studenten ikke bor i.")).to_be_visible()
    _assert_no_serious_violations(page, "access report")

    case = ControlCase.objects.get(status=ControlCase.Status.DECIDED)
    assert case.selection_reason == "RISK"
    assert Application.objects.get(pk=case.application_id).control_outcome == "CAUGHT"

    # The manager sees the hit rate move.
    _login(page, base, "leder-b")
    page.goto(f"{base}/control/insight/")
    expect(page.locator('[data-reason="RISK"]')).to_have_text("100.0 %")
    expect(page.locator("#decided-count")).to_have_text("1")
    _assert_no_serious_violations(page, "insight page")
    _shot(page, "insight.png")
    page.goto(f"{base}/control/do-not-control/")
    _assert_no_serious_violations(page, "do-not-control flags")
