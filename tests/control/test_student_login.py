"""control/oidc.py with lanekassen_ai/idporten_local.py: a student logs in with OpenID
Connect through the local provider (a real provider on the live server: the client's
backend fetches the token and the signing keys from it over HTTP), and the `pid` claim
picks the Customer."""

import re

import pytest
import requests

from control.models import StudentAccount
from lanekassen_ai.models import AuditEvent
from tests.control.factories import ControlCaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _login(base: str, national_id: str) -> tuple[requests.Session, requests.Response]:
    """Log in as a browser would: start at the client, type the national id at the
    provider's TestID page, follow the redirects back."""
    session = requests.Session()
    page = session.get(f"{base}/mine-sider/oidc/authenticate/?next=/mine-sider/", timeout=30)
    assert "/openid/testid/" in page.url, page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    next_url = re.search(r'name="next" value="([^"]*)"', page.text)
    assert token and next_url
    response = session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "pid": national_id,
            "next": next_url.group(1).replace("&amp;", "&"),
        },
        timeout=30,
    )
    return session, response


def test_a_student_logs_in_with_the_local_provider_and_sees_their_own_case(idporten: str) -> None:
    case = ControlCaseFactory()
    national_id = case.application.customer.national_id
    session, response = _login(idporten, national_id)
    assert response.url == f"{idporten}/mine-sider/"
    assert response.status_code == 200
    assert "Mine sider" in response.text
    assert f"sak {case.campaign_id}-{case.pk}" in response.text
    account = StudentAccount.objects.get(customer=case.application.customer)
    assert account.user.groups.filter(name="student").exists()
    assert not account.user.has_usable_password()
    assert AuditEvent.objects.filter(action="control.student.login", object_id=account.customer_id).exists()
    # The staff pages stay closed to the student.
    assert session.get(f"{idporten}/control/cases/", timeout=30).status_code == 403


def test_a_second_login_reuses_the_student_account(idporten: str) -> None:
    case = ControlCaseFactory()
    national_id = case.application.customer.national_id
    _login(idporten, national_id)
    _session, response = _login(idporten, national_id)
    assert response.url == f"{idporten}/mine-sider/"
    assert StudentAccount.objects.count() == 1


def test_a_national_id_without_a_customer_gets_no_login(idporten: str) -> None:
    ControlCaseFactory()
    session, response = _login(idporten, "01010112345")
    assert "/mine-sider/login/" in response.url
    assert "Innloggingen mislyktes" in response.text
    assert not StudentAccount.objects.exists()
    # The provider's own (TestID) login is ended too: nobody is left logged in.
    again = session.get(f"{idporten}/mine-sider/", timeout=30)
    assert again.status_code == 200 and "/mine-sider/login/" in again.url
    assert "Logg inn med ID-porten" in again.text
