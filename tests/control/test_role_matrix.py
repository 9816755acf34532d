"""Role matrix rows for the control app's pages and API."""

from collections.abc import Callable

import pytest
from django.test import Client

from tests.role_matrix import AD, CW, MD, MG, A, Row, check_row

MATRIX: list[Row] = []


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("role", [A, CW, MG, MD, AD])
def test_each_role_gets_the_expected_status(row: Row, role: str, client_for: Callable[[str], Client]) -> None:
    check_row(row, role, client_for(role))
