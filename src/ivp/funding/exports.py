"""The contribution table as rows for the CLI and downloads: CSV, JSON, text and XLSX, each
with the same member rows and a total row, and notes that state the reference year, the
rounding rule and any member without a population figure."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ivp.core.output import render_csv, render_json, render_table

from .constants import ROUNDING_RULE
from .selectors import ContributionTable, FundingOverview

TOTAL_CODE = "TOTAL"


def eur(amount: Decimal | None) -> str:
    """An amount for people: thousands grouped, two decimals, in the active language."""
    return "" if amount is None else number_format(amount, decimal_pos=2, force_grouping=True)


def table_notes(table: ContributionTable) -> list[str]:
    notes = [
        _("%(name)s: %(rate)s EUR per inhabitant, population of %(year)d (1 January).")
        % {"name": table.label, "rate": table.rate_eur, "year": table.population_year},
        str(ROUNDING_RULE),
    ]
    if table.missing:
        notes.append(
            _("%(count)d member(s) have no population figure for %(year)d and no amount (not counted as 0): "
              "%(names)s.")
            % {"count": len(table.missing), "year": table.population_year,
               "names": ", ".join(f"{r.area.name} ({r.area.code})" for r in table.missing)}
        )  # fmt: skip
    else:
        notes.append(
            _("All %(count)d members have a population figure for %(year)d.")
            % {"count": len(table.rows), "year": table.population_year}
        )
    return notes


def table_rows(table: ContributionTable) -> list[dict[str, Any]]:
    """One row per member and a last total row (code TOTAL); amounts as exact Decimals."""
    rows: list[dict[str, Any]] = [
        {
            "code": r.area.code,
            "name": r.area.name,
            "district": r.district,
            "population_year": table.population_year,
            "population": r.population,
            "amount_eur": r.amount_eur,
        }
        for r in table.rows
    ]
    rows.append(
        {
            "code": TOTAL_CODE,
            "name": _("Total (%(count)d members)") % {"count": len(table.counted)},
            "district": "",
            "population_year": table.population_year,
            "population": table.total_population,
            "amount_eur": table.total_eur,
        }
    )
    return rows


COLUMNS = ["code", "name", "district", "population_year", "population", "amount_eur"]


def _headings() -> dict[str, str]:
    return {
        "code": _("Code"),
        "name": _("Municipality"),
        "district": _("District"),
        "population_year": _("Population year"),
        "population": _("Population"),
        "amount_eur": _("Contribution (EUR)"),
    }


def table_csv(table: ContributionTable) -> str:
    """CSV: a header, the member rows, the total row; then a blank line and `# ` note lines."""
    text = render_csv(table_rows(table), COLUMNS)
    return text + "\n" + "".join(f"# {note}\n" for note in table_notes(table))


def table_json(table: ContributionTable) -> str:
    rows = table_rows(table)
    return render_json(
        {
            "label": table.label,
            "rate_per_inhabitant_eur": str(table.rate_eur),
            "population_year": table.population_year,
            "rounding_rule": str(ROUNDING_RULE),
            "members": [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in rows[:-1]
            ],
            "total": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in rows[-1].items()},
            "members_without_population": [r.area.code for r in table.missing],
            "notes": table_notes(table),
        }
    )


def table_text(table: ContributionTable) -> str:
    headings = _headings()
    rows = [dict(r, amount_eur=eur(r["amount_eur"])) for r in table_rows(table)]
    columns = [(k, headings[k]) for k in COLUMNS if k != "district" or any(r["district"] for r in rows)]
    return render_table(rows, columns) + "\n\n" + "\n".join(table_notes(table))


def _sheet_rows(sheet: Any, header: list[str], rows: list[list[Any]], *, total: bool = True) -> None:
    from openpyxl.styles import Font

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    if total:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def funding_xlsx(table: ContributionTable, *, overview: FundingOverview | None = None) -> bytes:
    """The contribution table (member rows and a total row) as a workbook; with a network's
    overview also its budget and balance, in-kind contributions and scenarios."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Contributions")[:31]
    headings = _headings()
    _sheet_rows(sheet, [headings[k] for k in COLUMNS], [[r[k] for k in COLUMNS] for r in table_rows(table)])
    if overview is not None and overview.scheme is not None:
        _overview_sheets(book, overview)
    about = book.create_sheet(_("About")[:31])
    for note in table_notes(table):
        about.append([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _overview_sheets(book: Any, overview: FundingOverview) -> None:
    years = overview.years
    budget = book.create_sheet(_("Budget")[:31])
    rows: list[list[Any]] = [[row.name, *row.amounts, row.total_eur] for row in overview.budget]
    rows.append([_("Planned in total"), *overview.planned, overview.planned_total_eur])
    rows.append(
        [_("Contributions of the members"), *overview.contributions, overview.contributions_total_eur]
    )
    rows.append([_("Balance"), *overview.balance, overview.balance_total_eur])
    _sheet_rows(budget, [_("Budget line"), *[str(y) for y in years], _("Period")], rows)
    kind = book.create_sheet(_("In kind")[:31])
    _sheet_rows(
        kind,
        [_("Partner"), _("Staff (fte)"), _("Facilities"), _("Description")],
        [[c.partner.organisation.name, c.fte, c.facilities, c.description] for c in overview.in_kind]
        + [[_("Total"), overview.fte_total, "", ""]],
    )
    scenarios = book.create_sheet(_("Scenarios")[:31])
    columns = overview.columns
    header = [_("Municipality"), *[c.name for c in columns]]
    body: list[list[Any]] = [
        [_("Contribution per inhabitant (EUR)"), *[c.table.rate_eur for c in columns]],
        [_("Population year"), *[c.table.population_year for c in columns]],
    ]
    for i, member in enumerate(columns[0].table.rows):
        body.append([member.area.name, *[c.table.rows[i].amount_eur for c in columns]])
    body.append([_("Total per year"), *[c.table.total_eur for c in columns]])
    _sheet_rows(scenarios, header, body)
