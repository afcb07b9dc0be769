"""CSV and XLSX of the explorer's table: the same rows, columns and rounding as the page, with
suppressed figures as "geheim" (never 0), the demonstration-data notice and the sources.

CSV: the table (header and rows), then one empty line and the notes (`#` lines: what was
chosen, the link that reopens the view, demonstration data, sources). Two variants
(`CsvDialect`): `excel-nl` as Excel with Dutch settings reads and writes it (UTF-8 with a byte
order mark, `;` between fields, a decimal comma, CRLF; the default of the Dutch interface) and
`plain` for programs (UTF-8, `,` between fields, a decimal point, LF; the default in English).
Neither groups thousands. XLSX: the table on the first sheet, the same notes on the second.
"""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from .constants import CsvDialect
from .selectors import Cell, ExplorerResult

BOM = "\ufeff"  # lets Excel see that the file is UTF-8


def about_lines(result: ExplorerResult, *, url: str) -> list[str]:
    """The notes that go with every download."""
    selection = result.selection
    lines = [
        _("ivp explorer: %(measure)s, %(first)s to %(last)s, per %(grain)s.")
        % {
            "measure": str(selection.measure.label).lower(),
            "first": selection.periods[0].label(),
            "last": selection.periods[-1].label(),
            "grain": selection.grain.value,
        },
        _("This view: %(url)s") % {"url": url},
    ]
    if result.has_demo:
        lines.append(
            _(
                "Demonstration data (demonstratiegegevens): rows marked so are synthetic figures, "
                "never real ones."
            )
        )
    lines.append(
        _("'suppressed' is a figure the publisher withheld; 'missing' is a figure that is not there.")
    )
    for source in result.sources:
        text = _("Source: %(title)s (%(table)s), data of %(date)s.") % {
            "title": source.title,
            "table": source.table_id,
            "date": source.data_date or _("unknown date"),
        }
        lines.append(text)
    lines += [str(note) for note in result.notes]
    return lines


def csv_dialect_default() -> CsvDialect:
    """The variant for the interface language: Dutch Excel's in Dutch, the plain one otherwise."""
    return CsvDialect.EXCEL_NL if (translation.get_language() or "").startswith("nl") else CsvDialect.PLAIN


def csv_text(cell: Cell, *, dialect: CsvDialect) -> str:
    """A cell in the CSV: the number rounded as on the page with all its decimals, with the
    dialect's decimal sign (`1.30` or `1,30`), no thousands separator; text as it is."""
    text = cell.text()
    return text.replace(".", ",") if dialect == CsvDialect.EXCEL_NL and cell.is_number else text


def result_csv(result: ExplorerResult, *, url: str, dialect: CsvDialect = CsvDialect.PLAIN) -> str:
    dutch = dialect == CsvDialect.EXCEL_NL
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n" if dutch else "\n")
    writer.writerow([c.label for c in result.columns])
    for cells in result.table():
        writer.writerow([csv_text(cell, dialect=dialect) for cell in cells])
    writer.writerow([])
    for line in about_lines(result, url=url):
        writer.writerow([f"# {line}"])
    return (BOM if dutch else "") + buffer.getvalue()


def result_xlsx(result: ExplorerResult, *, url: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Figures")[:31]
    sheet.append([c.label for c in result.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in result.table():
        sheet.append([cell.export() for cell in cells])
        for target, cell in zip(sheet[sheet.max_row], cells, strict=True):
            if cell.is_number:
                decimals = cell.decimals or 0
                target.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    sheet.freeze_panes = "A2"
    about = book.create_sheet(_("About")[:31])
    for line in about_lines(result, url=url):
        about.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
