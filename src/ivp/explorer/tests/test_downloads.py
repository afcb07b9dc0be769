"""The downloads hold exactly the table on the page: same rows, columns and rounding."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ivp.explorer.constants import Measure
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
