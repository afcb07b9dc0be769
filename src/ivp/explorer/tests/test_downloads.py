"""The downloads hold exactly the table on the page: same rows, columns and rounding."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from ivp.explorer.constants import CsvDialect, Measure
from ivp.explorer.downloads import result_csv, result_xlsx
from ivp.explorer.selectors import ExplorerResult, explorer_result
from ivp.stats.store import StatsStore

from .test_selectors import _selection

pytestmark = pytest.mark.django_db
URL = "http://testserver/explorer/?area=GM0935"


@pytest.fixture
def result(demo_store: StatsStore) -> ExplorerResult:
    # 1.4.1 is suppressed: it must come out as "geheim", never 0.
    return explorer_result(selection=_selection(Measure.PER_1000, areas=["GM0935", "GM1641", "RE10"],
                                                crimes=["1.1.1", "1.4.1"]))  # fmt: skip


def test_the_csv_holds_the_shown_rows_then_the_notice_and_sources(result: ExplorerResult) -> None:
    rows = list(csv.reader(io.StringIO(result_csv(result, url=URL))))
    end = rows.index([])
    header, body, about = rows[0], rows[1:end], [r[0] for r in rows[end + 1 :]]
    assert header == [c.label for c in result.columns]
    shown = [[cell.text() for cell in cells] for cells in result.table()]
    assert body == shown and len(body) == 3 * 2 * 3
    suppressed = [r for r in body if r[2] == "1.4.1"]
    assert suppressed and all(r[5] == "geheim" and r[6] == "geheim" for r in suppressed)
    first = body[0]
    assert first[5] == f"{float(first[6]) * 1000 / float(first[7]):.2f}"  # the rounding shown on screen
    assert any("Demonstratiegegevens" in line for line in about)
    assert any(URL in line for line in about)
    assert any("DEMO-47013NED" in line and "2024-03-01" in line for line in about)


def test_the_xlsx_holds_the_same_rows_with_numbers_as_numbers(result: ExplorerResult) -> None:
    book = load_workbook(io.BytesIO(result_xlsx(result, url=URL)))
    sheet, about = book.worksheets
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == [c.label for c in result.columns]
    assert values[1:] == [[cell.export() for cell in cells] for cells in result.table()]
    assert isinstance(values[1][5], float) and sheet.cell(row=2, column=6).number_format == "#,##0.00"
    assert isinstance(values[1][6], int)
    notes = [r[0] for r in about.iter_rows(values_only=True)]
    assert any("Demonstratiegegevens" in str(line) for line in notes)


def test_the_dutch_excel_csv_holds_the_shown_rows_with_semicolons_and_decimal_commas(
    result: ExplorerResult,
) -> None:
    """What Excel with Dutch settings reads correctly: `;` between fields, `12,35`; the numbers
    are those on the screen (`12,35`, `24.400`) without the thousands separator."""
    text = result_csv(result, url=URL, dialect=CsvDialect.EXCEL_NL)
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    end = rows.index([])
    header, body = rows[0], rows[1:end]
    assert header == [c.label for c in result.columns]
    with translation.override("nl"):
        shown = [[c.display().replace(".", "") if c.is_number else c.display() for c in cells]
                 for cells in result.table()]  # fmt: skip
    assert body == shown
    plain = list(csv.reader(io.StringIO(result_csv(result, url=URL))))[1:end]
    first = body[0]
    assert re.fullmatch(r"\d+,\d{2}", first[5]) and first[5] == plain[0][5].replace(".", ",")
    assert re.fullmatch(r"\d+", first[6]) and first[6] == plain[0][6]  # no thousands separator
    assert [r[5] for r in body if r[2] == "1.4.1"] == ["geheim"] * 9
    assert any(URL in "".join(r) for r in rows[end + 1 :])
