"""CSV cells a spreadsheet would run as formulas (lanekassen_ai/csv_cells.py)."""

import csv
import io

import pytest

from lanekassen_ai.csv_cells import CsvSafeWriter, csv_safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+47 123", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert csv_safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["A-1", "Oslo", "", "–", -1, -0.5, 3, None])
def test_other_text_and_numbers_pass_unchanged(value: object) -> None:
    assert csv_safe_cell(value) == value


def test_the_writer_neutralises_every_text_cell_and_keeps_the_csv_valid() -> None:
    out = io.StringIO()
    writer = CsvSafeWriter(out, lineterminator="\n")
    writer.writerow(["id", "note"])
    writer.writerows([['=HYPERLINK("x")', "ok"], ["A1", "@x,y"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["id", "note"],
        ['\'=HYPERLINK("x")', "ok"],
        ["A1", "'@x,y"],
    ]
