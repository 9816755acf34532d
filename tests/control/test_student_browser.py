"""The student's side in Debian's Chromium: the student logs in through the local OpenID
provider (TestID), sees the documentation request and uploads a PDF; the caseworker
decides "avdekket" with a justification after marking the document as reviewed; the
student sees the decision and its justification, also in nynorsk. axe-core finds no
serious or critical violation on the student's pages."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from control.models import Application, ControlCase
from control.services.casework import control_case_request_documentation
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import PDF_BYTES
from tests.control.factories import ControlCaseFactory
from tests.control.test_casework_browser import _assert_no_serious_violations, _login, _shot

JUSTIFICATION = "Leiekontrakten gjelder en hybel studenten ikke bor i."


def _student_login(page: Page, base: str, national_id: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/mine-sider/login/")
    _assert_no_serious_violations(page, "student start page")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    expect(page.get_by_role("heading", name="TestID (lokal ID-porten)")).to_be_visible()
    _assert_no_serious_violations(page, "local ID-porten login")
    page.get_by_label("Fødselsnummer (syntetisk)").fill(national_id)
    page.get_by_role("button", name="Autentiser").click()
    expect(page.get_by_role("heading", level=1, name="Mine sider")).to_be_visible()


@pytest.mark.browser
def test_a_student_answers_a_request_and_reads_the_decision(
    page: Page, live_server: Any, idporten: str, make_user: Any
) -> None:
    caseworker = make_user(Role.CASEWORKER, username="saksbehandler-s")
    case = ControlCaseFactory()
    control_case_request_documentation(
        case=case, requested_by=caseworker, context=AuditContext(actor=caseworker)
    )
    national_id = case.application.customer.national_id

    _student_login(page, idporten, national_id)
    _assert_no_serious_violations(page, "student case list")
    page.get_by_role("link", name=re.compile(f"sak {case.campaign_id}-{case.pk}")).click()
    expect(page.get_by_test_id("status")).to_have_text("Vi venter på dokumentasjon fra deg.")
    expect(page.get_by_test_id("why-selected")).to_contain_text("datamodell")
    expect(page.locator("pre.letter")).to_contain_text("At du er plukket ut")
    _assert_no_serious_violations(page, "student case page")
    page.get_by_label("Hva slags dokument er dette?").select_option("LEASE")
    page.get_by_label(re.compile("Fil \\(PDF")).set_input_files(
        files=[{"name": "leiekontrakt.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Send dokumentet").click()
    expect(page.get_by_text("Takk! Vi har fått dokumentet ditt.")).to_be_visible()
    expect(page.get_by_role("link", name="leiekontrakt.pdf")).to_be_visible()
    _assert_no_serious_violations(page, "student case page after upload")
    _shot(page, "student-case.png")

    # The caseworker reviews the document and decides.
    _login(page, idporten, "saksbehandler-s")
    page.goto(f"{idporten}/control/cases/{case.pk}/")
    page.get_by_label(re.compile("leiekontrakt.pdf")).check()
    page.get_by_label("Ikke borteboer (avdekket)").check()
    page.get_by_label("Begrunnelse").fill(JUSTIFICATION)
    page.get_by_role("button", name="Registrer vedtak").click()
    expect(page.get_by_text("Vedtaket er registrert og saken er låst.")).to_be_visible()
    assert Application.objects.get(pk=case.application_id).control_outcome == "CAUGHT"

    # The student reads the decision, in bokmål and in nynorsk.
    _student_login(page, idporten, national_id)
    page.goto(f"{idporten}/mine-sider/saker/{case.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("Saken er avgjort.")
    expect(page.locator(".justification")).to_have_text(JUSTIFICATION)
    expect(page.get_by_text("Ikke borteboer (avdekket)")).to_be_visible()
    _assert_no_serious_violations(page, "student case page with the decision")
    page.context.add_cookies([{"name": "django_language", "value": "nn", "url": idporten}])
    page.reload()
    expect(page.get_by_role("heading", name="Kvifor er eg plukka ut?")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Saka er avgjord.")
    _assert_no_serious_violations(page, "student case page in nynorsk")
    assert ControlCase.objects.get(pk=case.pk).documents.get().uploaded_by.username.startswith("student-")
