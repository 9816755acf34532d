"""Security headers on every page: the Content-Security-Policy (django-csp) and
`Cache-Control: no-store` wherever personal data is shown."""

import re
from pathlib import Path

import pytest
from django.test import Client

from lanekassen_ai.roles import Role

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/chat/", "/", "/audit/", "/control/cases/", "/api/docs/"])
def test_every_page_has_a_content_security_policy_without_inline_script(url: str, make_user) -> None:
    client = Client()
    if url != "/login/":
        client.force_login(make_user(Role.ADMIN, username="csp-admin"))
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"].startswith("'self'")
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["object-src"] == "'none'"


def test_no_template_has_an_inline_script_style_or_handler_without_the_nonce() -> None:
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if tag.startswith("<script") and "src=" in tag:
                continue
            if 'type="application/json"' in tag or "csp_nonce" in tag:
                continue
            offenders.append(f"{template.relative_to(TEMPLATES)}: {tag}")
        # Inline style attributes, event handlers and htmx's hx-on (which needs eval).
        for attribute in re.findall(r"\s(?:style|(?:hx-)?on[a-z:-]*)=\"", text):
            offenders.append(f"{template.relative_to(TEMPLATES)}: {attribute}")
    assert offenders == []


@pytest.mark.django_db
def test_pages_and_api_answers_with_personal_data_are_never_stored(make_user) -> None:
    from tests.control import casework_helpers as cw

    case = cw.case_with_score()
    client = Client()
    client.force_login(make_user(Role.ADMIN, username="no-store-admin"))
    for url in (
        f"/control/cases/{case.pk}/",
        cw.access_report_url(case.application.customer_id),
        "/control/cases/",
        "/api/v1/control/cases/",
        f"/api/v1/control/cases/{case.pk}/",
        "/audit/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
