"""Reading an uploaded file of local priorities (CSV or XLSX) for members without a plan in ivp.

Format (docs/networks.md): a header row, then one priority per row.

    gemeente_code;thema;toelichting
    GM0935;5.2;Ondermijning in het buitengebied en op bedrijventerreinen

- `gemeente_code` (required): the member's CBS code (GM + 4 digits);
- `thema` (required): a code or the exact name of a theme of the network's catalogue;
- `toelichting` (optional): the municipality's explanation.
CSV is UTF-8 (as Excel's "CSV UTF-8") with `;` or `,` between fields. XLSX: the first sheet.

Every problem is collected with its row and field (`FileProblem`); any problem raises
`DataFileError` and nothing is returned for storing. The caller checks access per row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ivp.areas.models import Area
from ivp.areas.selectors import area_by_code
from ivp.core.errors import DataFileError, FileProblem
from ivp.core.uploads import UploadRefused, upload_check

from .models import CatalogueTheme

COLUMNS = ["gemeente_code", "thema", "toelichting"]
REQUIRED = ["gemeente_code", "thema"]
MAX_ROWS = 5000


@dataclass(frozen=True)
class UploadRow:
    row: int  # 1 = the header line
    area: Area
    theme: CatalogueTheme
    remark: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, "g")
    return str(value).strip()


def _bad_line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _csv_rows(data: bytes, name: str, problems: list[FileProblem]) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            FileProblem(
                name,
                _bad_line(data, error.start),
                None,
                _("the file is not UTF-8 text; save it as 'CSV UTF-8' (byte %(position)d)")
                % {"position": error.start + 1},
            )
        )
        return []
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]


def _xlsx_rows(data: bytes, name: str, problems: list[FileProblem]) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        problems.append(FileProblem(name, None, None, _("the workbook cannot be read: %(e)s") % {"e": error}))
        return []
    try:
        sheet = workbook.worksheets[0]
        rows = [
            [_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)
        ]
    finally:
        workbook.close()
    return rows


def _read(file: Any, name: str) -> tuple[list[list[str]], list[FileProblem]]:
    handle = getattr(file, "file", file)
    handle.seek(0)
    data = handle.read()
    problems: list[FileProblem] = []
    try:
        kind = upload_check(io.BytesIO(data), kinds=["csv", "xlsx"], name=name)
    except UploadRefused as refused:
        if name.lower().endswith((".csv", ".txt")) and data:
            _csv_rows(data, name, problems)  # names the row of a wrong byte, when that is the cause
        if not problems:
            prefix = f"{Path(name).name}: "
            problems = [FileProblem(name, None, None, str(p).removeprefix(prefix)) for p in refused.problems]
        return [], problems
    rows = _xlsx_rows(data, name, problems) if kind == "xlsx" else _csv_rows(data, name, problems)
    return rows, problems


def priorities_file_read(
    *, file: Any, name: str, members: dict[int, Area], catalogue: list[CatalogueTheme]
) -> list[UploadRow]:
    """Parse and check the whole file; raise DataFileError with every problem."""
    rows, problems = _read(file, name)
    if problems:
        raise DataFileError(problems)
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise DataFileError([FileProblem(name, None, None, _("the file is empty: no header and no rows"))])
    header = [cell.strip().lower() for cell in rows[0]]
    for column in REQUIRED:
        if column not in header:
            problems.append(
                FileProblem(
                    name,
                    1,
                    column,
                    _("the column is missing (expected: %(columns)s)") % {"columns": ";".join(COLUMNS)},
                )
            )
    for column in header:
        if column and column not in COLUMNS:
            problems.append(
                FileProblem(
                    name,
                    1,
                    column,
                    _("unknown column (expected: %(columns)s)") % {"columns": ";".join(COLUMNS)},
                )
            )
    if problems:
        raise DataFileError(problems)
    if len(rows) == 1:
        raise DataFileError([FileProblem(name, None, None, _("the file has a header but no priorities"))])
    if len(rows) > MAX_ROWS + 1:
        raise DataFileError([FileProblem(name, None, None, _("more than %(n)d rows") % {"n": MAX_ROWS})])
    by_code = {t.code.lower(): t for t in catalogue}
    by_name = {t.name.lower(): t for t in catalogue}
    index = {column: header.index(column) for column in COLUMNS if column in header}
    parsed: list[UploadRow] = []
    seen: dict[tuple[int, int], int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {column: (raw[i] if i < len(raw) else "") for column, i in index.items()}
        code, theme_text = cells["gemeente_code"].upper(), cells["thema"]
        area: Area | None = None
        if not code:
            problems.append(
                FileProblem(name, number, "gemeente_code", _("empty; give the CBS code, e.g. GM0935"))
            )
        else:
            found = area_by_code(code=code)
            if found is None or not found.is_municipality:
                problems.append(
                    FileProblem(
                        name,
                        number,
                        "gemeente_code",
                        _("unknown municipality code %(code)s") % {"code": code},
                    )
                )
            elif found.pk not in members:
                problems.append(
                    FileProblem(
                        name,
                        number,
                        "gemeente_code",
                        _("%(name)s (%(code)s) is not a member of this network")
                        % {"name": found.name, "code": code},
                    )
                )
            else:
                area = found
        theme = by_code.get(theme_text.lower()) or by_name.get(theme_text.lower())
        if not theme_text:
            problems.append(FileProblem(name, number, "thema", _("empty; give a theme code such as 5.2")))
        elif theme is None:
            problems.append(
                FileProblem(
                    name,
                    number,
                    "thema",
                    _("unknown theme '%(theme)s'; use a code or name from the catalogue")
                    % {"theme": theme_text},
                )
            )
        if area is None or theme is None:
            continue
        first = seen.setdefault((area.pk, theme.pk), number)
        if first != number:
            problems.append(
                FileProblem(
                    name,
                    number,
                    "thema",
                    _("the same theme for %(name)s as row %(row)d") % {"name": area.name, "row": first},
                )
            )
            continue
        parsed.append(UploadRow(row=number, area=area, theme=theme, remark=cells.get("toelichting", "")))
    if problems:
        raise DataFileError(problems)
    return parsed


def template_rows(*, members: list[Area], catalogue: list[CatalogueTheme]) -> list[list[str]]:
    """The template's rows: the header and a row per member with the theme left to fill in."""
    return [COLUMNS, *([area.code, "", ""] for area in members)]


def template_csv(*, members: list[Area], catalogue: list[CatalogueTheme]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows(members=members, catalogue=catalogue))
    return "\ufeff" + out.getvalue()


def template_xlsx(*, members: list[Area], catalogue: list[CatalogueTheme]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "prioriteiten"
    for row in template_rows(members=members, catalogue=catalogue):
        sheet.append(row)
    themes = workbook.create_sheet("thema's")
    themes.append(["code", "naam", "veiligheidsveld"])
    for theme in catalogue:
        themes.append([theme.code, theme.name, theme.field_name])
    listing = workbook.create_sheet("gemeenten")
    listing.append(["gemeente_code", "naam"])
    for area in members:
        listing.append([area.code, area.name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
