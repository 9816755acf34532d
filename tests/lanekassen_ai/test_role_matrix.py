"""Role matrix for the project's own URLs, and the check that every URL has a row."""

import importlib
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.role_matrix import AD, CW, MD, MG, A, Row, api, check_row, pages

ALL = {CW, MG, MD, AD}

MATRIX: list[Row] = [
    pages("home", allowed=ALL),
    pages("audit-log", allowed={AD}),
    pages("audit-log-csv", allowed={AD}),
    Row("healthz", {A: 200, CW: 200, MG: 200, MD: 200, AD: 200}),
    Row("login", {A: 200, CW: 302, MG: 302, MD: 302, AD: 302}),
    Row("api-schema", {A: 200, CW: 200, MG: 200, MD: 200, AD: 200}),
    Row("api-docs", {A: 200, CW: 200, MG: 200, MD: 200, AD: 200}),
    api("audit-event-list", allowed={AD}),
    api("api-root", allowed=ALL),
    api("event-feed", allowed={MG, AD}),
    api("webhook-subscription-list", allowed={AD}),
    api("webhook-delivery-list", allowed={AD}),
    # Django admin: only staff (the admin role) get in; others are sent to its login.
    Row("admin:index", {A: 302, CW: 302, MG: 302, MD: 302, AD: 200}),
]

# URL names that are not pages a role opens: POST-only endpoints, redirects and the
# admin's and DRF's generated variants. Each is exercised by its own tests.
NOT_IN_MATRIX_PREFIXES = (
    "admin:",
    "set_language",
    "logout",
    "api-root",
    "audit-event-detail",
    # The ID-porten login's redirects and the local provider (tests/control/test_student_login.py).
    "student:oidc-",
    "oidc_provider:",
    # Detail and POST routes of the webhooks: tests/lanekassen_ai/test_webhooks_api.py.
    "webhook-subscription-detail",
    "webhook-subscription-rotate-secret",
    "webhook-delivery-detail",
    "webhook-delivery-redeliver",
)

APP_MATRIX_MODULES = ["tests.control.test_role_matrix", "tests.chat.test_role_matrix"]


def _all_rows() -> list[Row]:
    rows = list(MATRIX)
    for module in APP_MATRIX_MODULES:
        rows.extend(importlib.import_module(module).MATRIX)
    return rows


def _named_urls(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            names |= _named_urls(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("role", [A, CW, MG, MD, AD])
def test_each_role_gets_the_expected_status(row: Row, role: str, client_for: Callable[[str], Client]) -> None:
    check_row(row, role, client_for(role))


def test_every_named_url_has_a_row_in_some_role_matrix() -> None:
    covered = {row.url_name for row in _all_rows()}
    missing = sorted(
        name
        for name in _named_urls(get_resolver())
        if name not in covered
        and not name.startswith(NOT_IN_MATRIX_PREFIXES)
        and "-format" not in name  # DRF's format-suffix twins
    )
    assert not missing, f"URLs without a role-matrix row: {missing}"
