"""CSV and XLSX of the explorer's table: the same rows, columns and rounding as the page, with
suppressed figures as "geheim" (never 0), the demonstration-data notice and the sources.

CSV: the table (header and rows), then one empty line and the notes (`#` lines: what was
chosen, the link that reopens the view, demonstration data, sources). XLSX: the table on the
first sheet, the same notes on the second.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .selectors import ExplorerResult


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


def result_csv(result: ExplorerResult, *, url: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.label for c in result.columns])
    for cells in result.table():
        writer.writerow([cell.text() for cell in cells])
    writer.writerow([])
    for line in about_lines(result, url=url):
        writer.writerow([f"# {line}"])
    return buffer.getvalue()


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
