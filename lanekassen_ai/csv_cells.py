"""CSV cells that a spreadsheet cannot mistake for a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by common spreadsheet programs (CSV injection), so such a cell gets a leading
apostrophe. Every CSV the project writes for people to open goes through here.
"""

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """`value` unchanged unless it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_row(row: Iterable[Any]) -> list[Any]:
    """One row with every text cell made safe."""
    return [csv_safe_cell(value) for value in row]
