"""The role matrix: for each URL the project serves, the status each role gets.

Each app keeps its rows in tests/<app>/test_role_matrix.py as `MATRIX`; the test in
tests/lanekassen_ai/test_role_matrix.py checks that every named URL has a row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

A, CW, MG, MD, AD = "anonymous", "saksbehandler", "leder", "analytiker", "admin"
# A student logged in with ID-porten. Rows that leave it out expect 403 for the student
# (staff pages); the control matrix checks that column (tests/control/test_role_matrix.py).
ST = "student"


@dataclass
class Row:
    url_name: str
    expect: dict[str, int]
    # Builds the URL; gets nothing, so it can create the objects the URL points at.
    url: Callable[[], str] | None = None
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)

    def resolve(self) -> str:
        return self.url() if self.url else reverse(self.url_name)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def pages(page_name: str, *, allowed: set[str], url: Callable[[], str] | None = None) -> Row:
    """A page: allowed roles get 200, other logged-in roles 403, anonymous 302 to login."""
    expect = {A: 302, **{r: (200 if r in allowed else 403) for r in (CW, MG, MD, AD, ST)}}
    return Row(page_name, expect, url=url)


def api(name: str, *, allowed: set[str], url: Callable[[], str] | None = None, anonymous: int = 401) -> Row:
    """An API GET: allowed roles 200, other roles 403, anonymous 401 (or as given)."""
    expect = {A: anonymous, **{r: (200 if r in allowed else 403) for r in (CW, MG, MD, AD, ST)}}
    return Row(name, expect, url=url)


def check_row(row: Row, role: str, client: Client) -> None:
    url = row.resolve()
    response = getattr(client, row.method)(url, row.data) if row.data else getattr(client, row.method)(url)
    expected = row.expect.get(role, 403) if role == ST else row.expect[role]
    assert response.status_code == expected, f"{row} as {role}: {response.status_code}, expected {expected}"
    if expected == 302 and role == A:
        assert "/login/" in response["Location"], f"{row} as anonymous must redirect to login"
