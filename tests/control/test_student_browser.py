"""The student's side in Debian's Chromium: the student logs in through the local OpenID
provider (TestID), sees the documentation request and uploads a PDF; the caseworker
decides "avdekket" with a justification after marking the document as reviewed; the
student's e-mail arrives at the SMTP server with the decision letter, a PDF with the
justification and the appeal deadline; the student sees the decision, also in nynorsk,
and appeals; a second caseworker reverses; the access report shows both decisions and
the appeal. axe-core finds no serious or critical violation on the student's pages."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from control.models import Application, ContactDetails, ControlCase
from control.services.casework import control_case_request_documentation
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import PDF_BYTES
from tests.control.factories import ControlCaseFactory
from tests.control.test_casework_browser import _assert_no_serious_violations, _login, _shot

JUSTIFICATION = "Leiekontrakten gjelder en hybel studenten ikke bor i."
APPEAL = "Jeg bor på hybelen; husleien betales fra min konto hver måned."
REVERSAL = "Kontoutskriftene viser at husleien er betalt: studenten bor der."


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
def test_a_student_answers_a_request_reads_the_decision_letter_and_appeals(
    page: Page, live_server: Any, idporten: str, make_user: Any, smtp_server: Any
) -> None:
    caseworker = make_user(Role.CASEWORKER, username="saksbehandler-s")
    make_user(Role.CASEWORKER, username="klagebehandler-t")
    case = ControlCaseFactory()
    ContactDetails.objects.create(customer=case.application.customer, email="ola@student.invalid")
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

    # The decision's e-mail reached the SMTP server with the letter: a PDF with the
    # justification and the appeal deadline, three weeks from the notice.
    [decision_mail] = [m for m in smtp_server.messages if "vedtak" in str(m["Subject"])]
    assert decision_mail["To"] == "ola@student.invalid"
    [letter] = list(decision_mail.iter_attachments())
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(letter.get_content())).pages
    )
    assert JUSTIFICATION in text
    assert f"Klagefrist: {(timezone.localdate() + timedelta(weeks=3)).isoformat()}" in text

    # The student appeals on their page.
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": idporten}])
    page.reload()
    expect(page.get_by_test_id("appeal-deadline")).to_contain_text("Du kan klage på vedtaket innen")
    expect(page.get_by_role("link", name=re.compile("Vedtak i bostedskontrollen"))).to_be_visible()
    page.get_by_text("Klag på vedtaket").click()
    page.get_by_label("Hva klager du på, og hvorfor?").fill(APPEAL)
    _assert_no_serious_violations(page, "student case page with the appeal form")
    page.get_by_role("button", name="Send klagen").click()
    expect(page.get_by_text("Takk! Vi har fått klagen din.")).to_be_visible()
    expect(page.get_by_test_id("appeal")).to_contain_text(APPEAL)
    _assert_no_serious_violations(page, "student case page after the appeal")

    # The caseworker who decided may not handle it; a second caseworker reverses.
    _login(page, idporten, "saksbehandler-s")
    page.goto(f"{idporten}/control/cases/{case.pk}/")
    expect(page.get_by_text("En annen saksbehandler må behandle klagen.")).to_be_visible()
    _login(page, idporten, "klagebehandler-t")
    page.goto(f"{idporten}/control/cases/{case.pk}/")
    expect(page.get_by_test_id("open-appeal")).to_be_visible()
    page.get_by_label("Omgjøre vedtaket").check()
    page.get_by_label("Begrunnelse").fill(REVERSAL)
    page.get_by_role("button", name="Registrer klagevedtak").click()
    expect(page.get_by_text("Klagen er avgjort.")).to_be_visible()
    assert Application.objects.get(pk=case.application_id).control_outcome == "CLEARED"

    # The access report shows both decisions and the appeal.
    page.goto(f"{idporten}/control/customers/access-report/?customer={case.application.customer_id}")
    report = page.get_by_test_id("timeline")
    expect(report).to_contain_text("Vedtak, versjon 1: Ikke borteboer (avdekket)")
    expect(report).to_contain_text("Vedtak, versjon 2: Borteboer (i orden)")
    expect(report).to_contain_text(APPEAL)
    expect(report).to_contain_text("Klage avgjort: Vedtaket er omgjort")

    # The student sees the reversal.
    _student_login(page, idporten, national_id)
    page.goto(f"{idporten}/mine-sider/saker/{case.pk}/")
    expect(page.get_by_test_id("appeal")).to_contain_text("vedtaket er endret til fordel for deg")
    _assert_no_serious_violations(page, "student case page after the reversal")
