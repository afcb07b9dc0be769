"""The explorer in a real browser: a view composed with the keyboard, its downloads equal to the
table on screen, and the same view reopened from its link; axe-core on every state."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "explorer.png"
CANONICAL = (
    "area=GM0935&area=GM0917&area=GM1641&area=RE10&crime=1.1.1&from=2021&to=2023"
    "&grain=year&measure=per_1000&chart=line"
)


@pytest.fixture
def explorer_site(site: str, settings: Any, tmp_path: Path) -> str:
    """The site with the demonstration cube of police unit Limburg (RE10) loaded."""
    from ivp.explorer.tests.data import demo_unit_load
    from ivp.stats.services import classification_load
    from ivp.stats.store import StatsStore

    settings.VAR_DIR = tmp_path
    classification_load(data_dir=settings.DATA_DIR)
    demo_unit_load(store=StatsStore(tmp_path / "stats"))
    return site


def _new_page_after(page: Any, action: Any) -> None:
    page.evaluate("() => { window.__ivpOldPage = true; }")
    action()
    page.wait_for_function("() => window.__ivpOldPage === undefined && document.readyState === 'complete'")


def _screen_rows(page: Any) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#result-table tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))",
    )


def _screen_header(page: Any) -> list[str]:
    return page.eval_on_selector_all("#result-table thead th", "cells => cells.map(c => c.innerText.trim())")


def _numeric_columns(page: Any) -> list[bool]:
    return page.eval_on_selector_all(
        "#result-table thead th", "cells => cells.map(c => c.className.includes('numeric'))"
    )


def _as_export(text: str, numeric: bool) -> str:
    """A cell as the page shows it ('1.459', '12,35', 'geheim') in the downloads' form."""
    if numeric and re.fullmatch(r"-?[\d.]+(,\d+)?", text):
        return text.replace(".", "").replace(",", ".")
    return text


def _as_excel_nl(text: str, numeric: bool) -> str:
    """A cell as the page shows it in the Dutch Excel CSV's form: no thousands separator."""
    if numeric and re.fullmatch(r"-?[\d.]+(,\d+)?", text):
        return text.replace(".", "")
    return text


def _csv_rows(text: str, delimiter: str = ",") -> tuple[list[str], list[list[str]], list[str]]:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    end = rows.index([])
    return rows[0], rows[1:end], [r[0] for r in rows[end + 1 :]]


def _xlsx_rows(path: Path) -> tuple[list[str], list[list[str]], list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]

    def text(value: Any, decimals: int) -> str:
        if isinstance(value, float):
            return f"{value:.{decimals}f}"
        return "" if value is None else str(value)

    formats = [[c.number_format for c in row] for row in sheet.iter_rows(min_row=2)]
    body = [
        [text(v, len(f.split(".")[1]) if "." in f else 0) for v, f in zip(row, fmts, strict=True)]
        for row, fmts in zip(values[1:], formats, strict=True)
    ]
    about = [str(row[0]) for row in book.worksheets[1].iter_rows(values_only=True)]
    return [str(v) for v in values[0]], body, about


def test_a_view_composed_by_keyboard_downloads_what_is_shown_and_reopens_from_its_link(
    page: Any, explorer_site: str, login: Any, axe_check: Any, tmp_path: Path
) -> None:
    login(page, explorer_site, "demo")
    page.goto(f"{explorer_site}/explorer/")
    axe_check(page)

    # Areas by typing codes and names in the picker; Enter submits the form.
    box = page.locator("#id_area")
    box.focus()
    page.keyboard.type("Maastricht, GM0917")
    _new_page_after(page, lambda: page.keyboard.press("Enter"))
    assert page.locator("#errors").is_visible()  # no crime type yet: said, not a server error
    assert "soort misdrijf" in page.locator("#errors").inner_text().lower()
    assert page.locator("#area-GM0935").is_checked() and page.locator("#area-GM0917").is_checked()
    axe_check(page)
    page.locator("#id_area").focus()
    page.keyboard.type("GM1641, RE10")

    # Crime type 1.1.1 from the tree: open the groups with Enter, tick with Space.
    for group in ("Groep 1 ", "Groep 1.1 "):
        summary = page.locator("#id_crime summary", has_text=group).first
        summary.focus()
        page.keyboard.press("Enter")
    checkbox = page.locator("input[name=crime][value='1.1.1']")
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()

    # Period, grain and measure.
    for field, value in (("#id_from", "2021"), ("#id_to", "2023")):
        page.locator(field).focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    page.locator("#grain-year").focus()
    page.keyboard.press("Space")
    page.locator("#measure-per_1000").focus()
    page.keyboard.press("Space")
    page.locator("#id_to").focus()
    _new_page_after(page, lambda: page.keyboard.press("Enter"))

    # One canonical link holds the whole view.
    assert page.url.endswith(f"/explorer/?{CANONICAL}"), page.url
    header, rows = _screen_header(page), _screen_rows(page)
    assert len(rows) == 4 * 3  # three municipalities and their police unit, three years
    assert [r[0] for r in rows[::3]] == ["GM0935", "GM0917", "GM1641", "RE10"]
    assert header[5] == "Per 1.000 inwoners"
    assert all("demonstratiegegevens" in r[-2] for r in rows)
    assert page.locator("#demo-notice").is_visible()
    page.locator(".ivp-map svg").first.wait_for()
    page.locator("#result-table").scroll_into_view_if_needed()
    axe_check(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    numeric = _numeric_columns(page)
    shown = [[_as_export(text, num) for text, num in zip(row, numeric, strict=True)] for row in rows]
    shown_nl = [[_as_excel_nl(text, num) for text, num in zip(row, numeric, strict=True)] for row in rows]

    # The Dutch interface's CSV is Dutch Excel's (";" and decimal commas); the plain one is offered.
    with page.expect_download() as info:
        page.locator("#download-csv").click()
    csv_path = tmp_path / "view.csv"
    info.value.save_as(csv_path)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    csv_header, csv_body, csv_about = _csv_rows(csv_path.read_text(encoding="utf-8-sig"), delimiter=";")
    assert csv_header == header and csv_body == shown_nl
    assert any("demonstratiegegevens" in line.lower() for line in csv_about)
    assert any(CANONICAL in line for line in csv_about)

    with page.expect_download() as info:
        page.locator("#download-csv-plain").click()
    plain_path = tmp_path / "view-plain.csv"
    info.value.save_as(plain_path)
    plain_header, plain_body, _about = _csv_rows(plain_path.read_text(encoding="utf-8"))
    assert plain_header == header and plain_body == shown

    with page.expect_download() as info:
        page.locator("#download-xlsx").click()
    xlsx_path = tmp_path / "view.xlsx"
    info.value.save_as(xlsx_path)
    xlsx_header, xlsx_body, xlsx_about = _xlsx_rows(xlsx_path)
    assert xlsx_header == header and xlsx_body == shown
    assert any("demonstratiegegevens" in line.lower() for line in xlsx_about)

    # The link reopens the same view in a fresh page.
    table_html = page.locator("#result-table").inner_html()
    other = page.context.new_page()
    other.goto(f"{explorer_site}/explorer/?{CANONICAL}")
    assert other.locator("#result-table").inner_html() == table_html
    assert other.locator("input[name=crime][value='1.1.1']").is_checked()
    assert other.locator("#measure-per_1000").is_checked()


def test_a_bad_link_names_the_wrong_fields_and_never_fails(
    page: Any, explorer_site: str, axe_check: Any
) -> None:
    page.goto(f"{explorer_site}/explorer/?area=GM9999&crime=1.1.1&from=20x1&to=2023&grain=year&measure=count")
    errors = page.locator("#errors").inner_text()
    assert "GM9999" in errors and "20x1" in errors
    assert "Gebieden" in errors and "Van" in errors
    axe_check(page)


def test_a_viewer_saves_and_renames_a_view_of_their_own_with_the_keyboard(
    page: Any, explorer_site: str, login: Any, axe_check: Any
) -> None:
    login(page, explorer_site, "raadslid")  # a read-only viewer: a saved view is a personal bookmark
    page.goto(f"{explorer_site}/explorer/?{CANONICAL}")
    page.locator("#saved-view-name").focus()
    page.keyboard.type("Inbraak Limburg")
    _new_page_after(page, lambda: page.keyboard.press("Enter"))
    assert page.url.endswith(f"/explorer/?{CANONICAL}")
    assert "Inbraak Limburg" in page.locator("#saved-views").inner_text()
    axe_check(page)

    summary = page.locator("#saved-views summary").first
    summary.focus()
    page.keyboard.press("Enter")  # opens the rename disclosure
    box = page.get_by_label("Nieuwe naam voor de weergave Inbraak Limburg")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Woninginbraak Limburg")
    axe_check(page)
    _new_page_after(page, lambda: page.keyboard.press("Enter"))
    assert page.locator("#saved-views a").all_inner_texts() == ["Woninginbraak Limburg"]
    assert "heet nu" in page.locator("main [role=status]").inner_text()
    axe_check(page)
