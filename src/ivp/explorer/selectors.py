"""Reads for the explorer: the chosen measure per area x crime type x period, as the one table
that the page, the chart, the map and the downloads all show.

Measures (see docs/explorer.md):
- `count`: the registered number (`figures`);
- `per_1000`: per 1,000 inhabitants of the same year (a region's summed count over its summed
  population; the nearest known population year is named in the notes);
- `pct_change`: % change on the same period a year earlier (`analysis.pct_change`);
- `share`: the crime type's share (%) of the total of its own classification (0.0.0 or T001161),
  the total taken from the same source as the part, so a demonstration figure is never divided by
  a real total or the other way round;
- `pp_change`: the change of that share on the same period a year earlier, in percentage points
  (`analysis.pp_change`).
A suppressed figure stays suppressed ("geheim") in every measure built on it, never 0.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area
from ivp.areas.selectors import municipality_list, region_list
from ivp.core.errors import IvpError
from ivp.stats.analysis import TOTAL_CODES, pct_change, pp_change
from ivp.stats.models import CrimeType
from ivp.stats.periods import Grain, Period
from ivp.stats.selectors import FigureRow, figures, store_status
from ivp.stats.store import StatsStore

from .constants import BOUNDARIES_FILE, BOUNDARIES_OBJECT, DECIMALS, YEAR_ON_YEAR, Measure
from .models import SavedView
from .selection import Selection

Key = tuple[str, str, Period]  # (area code, crime code, period)


# --- cells, columns and rows ------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One value of the table. `decimals` None means text; a number without a value shows `label`
    (suppressed, missing, not computable) instead, on the page and in the downloads alike."""

    value: str | int | float | None
    decimals: int | None = None
    label: str = ""

    @property
    def number_text(self) -> str | None:
        """The rounded number as plain text (`12.35`), or None."""
        if self.value is None or self.decimals is None or isinstance(self.value, str):
            return None
        return f"{round(float(self.value), self.decimals):.{self.decimals}f}"

    @property
    def is_number(self) -> bool:
        return self.number_text is not None

    def display(self) -> str:
        """As on the page: the active language's separators (12,35 and 24.400 in Dutch)."""
        text = self.number_text
        if text is not None:
            return number_format(text, decimal_pos=self.decimals, force_grouping=True)
        return self.label if self.value is None else str(self.value)

    def text(self) -> str:
        """As in the CSV: the same rounded number with all its decimals (`1.30`), or the same text."""
        text = self.number_text
        if text is not None:
            return text
        return self.label if self.value is None else str(self.value)

    def export(self) -> str | int | float:
        """As in the XLSX: the same rounded number (int or float), or the same text."""
        text = self.number_text
        if text is not None:
            return int(text) if self.decimals == 0 else float(text)
        return self.label if self.value is None else str(self.value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class ExplorerRow:
    area_code: str
    area_name: str
    crime_code: str
    crime_title: str
    period: Period
    cells: dict[str, Cell]
    notes: list[str]
    is_demo: bool
    source: str

    @property
    def value(self) -> Cell:
        """The chosen measure's cell (the first measure column)."""
        return next(iter(self.cells.values()))


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    table_id: str
    data_date: str
    is_demo: bool


@dataclass
class ExplorerResult:
    selection: Selection
    measure_columns: list[Column]
    rows: list[ExplorerRow]
    sources: list[SourceInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_demo(self) -> bool:
        return any(r.is_demo for r in self.rows)

    @property
    def columns(self) -> list[Column]:
        return [
            Column("area_code", _("Area code")),
            Column("area", _("Area")),
            Column("crime_code", _("Crime code")),
            Column("crime", _("Crime type")),
            Column("period", _("Period")),
            *self.measure_columns,
            Column("notes", _("Notes")),
            Column("source", _("Source")),
        ]

    def table(self) -> list[list[Cell]]:
        """Every row as cells in the order of `columns`: what the page and the downloads show."""
        out = []
        for row in self.rows:
            fixed = [Cell(row.area_code), Cell(row.area_name), Cell(row.crime_code), Cell(row.crime_title),
                     Cell(row.period.label())]  # fmt: skip
            out.append([*fixed, *row.cells.values(), Cell("; ".join(row.notes)), Cell(row.source)])
        return out


def measure_columns(measure: Measure) -> list[Column]:
    value = Column(measure.value, str(measure.label), numeric=True)
    extra = {
        Measure.COUNT: [],
        Measure.PER_1000: [Column("count", _("Number registered"), True),
                           Column("population", _("Inhabitants"), True)],
        Measure.PCT_CHANGE: [Column("count", _("Number registered"), True),
                             Column("count_previous", _("Number a year earlier"), True)],
        Measure.SHARE: [Column("count", _("Number registered"), True),
                        Column("total", _("Total of all crime types"), True)],
        Measure.PP_CHANGE: [Column("share_pct", _("Share (%)"), True),
                            Column("share_previous_pct", _("Share a year earlier (%)"), True)],
    }[measure]  # fmt: skip
    return [value, *extra]


# --- labels ---------------------------------------------------------------------------------


def _label(*rows: FigureRow | None) -> str:
    """Why a value built on these figures is unknown: suppressed wins over missing."""
    present = [r for r in rows if r is not None]
    if any(r.is_suppressed for r in present):
        return _("suppressed")
    if len(present) < len(rows) or any(r.count is None for r in present):
        return _("missing")
    return _("n/a")


def _count_cell(row: FigureRow | None) -> Cell:
    return Cell(None if row is None else row.count, 0, _label(row))


def _notes(row: FigureRow, *, per_1000: bool = False) -> list[str]:
    notes = []
    if row.is_provisional:
        notes.append(_("provisional"))
    if row.is_incomplete:
        notes.append(_("incomplete period"))
    if per_1000 and row.population_year and row.population_year != row.period.year:
        notes.append(_("inhabitants of %(year)s") % {"year": row.population_year})
    if row.is_demo:
        notes.append(_("demonstration data"))
    return notes


# --- computing the measures -----------------------------------------------------------------


def _year_earlier(period: Period) -> Period:
    return Period(period.year - 1, period.grain, period.number)


def _figure_index(rows: Sequence[FigureRow]) -> dict[Key, FigureRow]:
    return {(r.area_code, r.crime_code, r.period): r for r in rows}


@dataclass
class _Computed:
    rows: list[ExplorerRow]
    sources: dict[str, dict[str, Any]]
    notes: list[str]


def _shares(
    *, area_codes: list[str], crime_codes: list[str], first: Period, last: Period, grain: Grain,
    store: StatsStore | None,
) -> tuple[list[FigureRow], dict[Key, FigureRow], dict[str, dict[str, Any]], list[str]]:  # fmt: skip
    """The parts, and the total of each part's classification from the part's own source."""
    parts = figures(area_codes=area_codes, crime_codes=crime_codes, first=first, last=last, grain=grain,
                    store=store)  # fmt: skip
    areas_of: dict[str, list[str]] = {}
    for row in parts.rows:
        if row.source_key and row.area_code not in areas_of.setdefault(row.source_key, []):
            areas_of[row.source_key].append(row.area_code)
    totals: dict[Key, FigureRow] = {}
    sources, notes = dict(parts.sources), list(parts.notes)
    for key, codes in areas_of.items():
        total_code = TOTAL_CODES[str(parts.sources.get(key, {}).get("classification", "politie"))]
        found = figures(area_codes=codes, crime_codes=[total_code], first=first, last=last, grain=grain,
                        source_key=key, store=store)  # fmt: skip
        sources |= found.sources
        for row in found.rows:
            totals[(row.area_code, key, row.period)] = row
    return parts.rows, totals, sources, notes


def _share(part: FigureRow | None, total: FigureRow | None) -> float | None:
    if part is None or total is None or part.count is None or not total.count:
        return None
    return part.count * 100 / total.count


def _compute(
    *, area_codes: list[str], crimes: Sequence[CrimeType], periods: list[Period], grain: Grain,
    measure: Measure, store: StatsStore | None,
) -> _Computed:  # fmt: skip
    """The measure for every area x crime type x period in `periods` (in that order)."""
    first, last = periods[0].months()[0], periods[-1].months()[-1]
    fetch_first = _year_earlier(first) if measure in YEAR_ON_YEAR else first
    crime_codes = [c.code for c in crimes]
    decimals = DECIMALS[measure]
    index: dict[Key, FigureRow]
    if measure in (Measure.SHARE, Measure.PP_CHANGE):
        part_rows, totals, sources, notes = _shares(
            area_codes=area_codes,
            crime_codes=crime_codes,
            first=fetch_first,
            last=last,
            grain=grain,
            store=store,
        )
        index = _figure_index(part_rows)
    else:
        result = figures(area_codes=area_codes, crime_codes=crime_codes, first=fetch_first, last=last,
                         grain=grain, per_1000=measure == Measure.PER_1000, store=store)  # fmt: skip
        index, totals, sources, notes = _figure_index(result.rows), {}, result.sources, result.notes

    def total_of(row: FigureRow | None) -> FigureRow | None:
        if row is None or row.source_key is None:
            return None
        return totals.get((row.area_code, row.source_key, row.period))

    rows = []
    for code in area_codes:
        for crime in crimes:
            for period in periods:
                row = index.get((code, crime.code, period))
                if row is None:  # figures returns every combination; kept for safety
                    continue
                previous = index.get((code, crime.code, _year_earlier(period)))
                cells: dict[str, Cell]
                per_1000 = False
                if measure == Measure.COUNT:
                    cells = {"count": _count_cell(row)}
                elif measure == Measure.PER_1000:
                    per_1000 = True
                    pop = Cell(row.population, 0, _("missing"))
                    value = row.per_1000
                    label = _label(row) if row.count is None else _("missing")
                    cells = {"per_1000": Cell(value, decimals, label), "count": _count_cell(row),
                             "population": pop}  # fmt: skip
                elif measure == Measure.PCT_CHANGE:
                    change = pct_change(row.count, None if previous is None else previous.count)
                    cells = {"pct_change": Cell(change, decimals, _label(row, previous)),
                             "count": _count_cell(row), "count_previous": _count_cell(previous)}  # fmt: skip
                elif measure == Measure.SHARE:
                    total = total_of(row)
                    cells = {"share": Cell(_share(row, total), decimals, _label(row, total)),
                             "count": _count_cell(row), "total": _count_cell(total)}  # fmt: skip
                else:
                    total, total_before = total_of(row), total_of(previous)
                    now, before = _share(row, total), _share(previous, total_before)
                    cells = {
                        "pp_change": Cell(pp_change(now, before), decimals,
                                          _label(row, total, previous, total_before)),
                        "share_pct": Cell(now, DECIMALS[Measure.SHARE], _label(row, total)),
                        "share_previous_pct": Cell(
                            before, DECIMALS[Measure.SHARE], _label(previous, total_before)
                        ),
                    }  # fmt: skip
                notes_of_row = _notes(row, per_1000=per_1000)
                used = [r for r in (row, previous, total_of(row)) if r is not None]
                is_demo = any(r.is_demo for r in used) if measure != Measure.COUNT else row.is_demo
                if is_demo and not row.is_demo:
                    notes_of_row.append(_("demonstration data"))
                rows.append(ExplorerRow(
                    area_code=code, area_name=row.area_name, crime_code=crime.code, crime_title=crime.title,
                    period=period, cells=cells, notes=notes_of_row, is_demo=is_demo,
                    source=row.table_id or "",
                ))  # fmt: skip
    return _Computed(rows=rows, sources=sources, notes=notes)


def _source_infos(sources: dict[str, dict[str, Any]]) -> list[SourceInfo]:
    return [
        SourceInfo(
            key=key,
            title=str(info.get("title") or key),
            table_id=str(info.get("table_id") or ""),
            data_date=str(info.get("data_date") or ""),
            is_demo=bool(info.get("is_demo")),
        )
        for key, info in sorted(sources.items())
    ]


def explorer_result(*, selection: Selection, store: StatsStore | None = None) -> ExplorerResult:
    """The table for a selection: one row per area x crime type x period, in the chosen order."""
    computed = _compute(area_codes=selection.area_codes, crimes=selection.crimes, periods=selection.periods,
                        grain=selection.grain, measure=selection.measure, store=store)  # fmt: skip
    return ExplorerResult(
        selection=selection,
        measure_columns=measure_columns(selection.measure),
        rows=computed.rows,
        sources=_source_infos(computed.sources),
        notes=computed.notes,
    )


# --- the map --------------------------------------------------------------------------------


@dataclass
class MapResult:
    crime: CrimeType
    period: Period
    measure: Measure
    values: list[dict[str, Any]]  # {code, name, value (rounded number or None), text}
    without_shape: list[str]  # "Name (code)" of chosen municipalities that have no boundary
    expanded: list[str]  # names of the chosen regions whose members are shown
    sources: list[SourceInfo]
    has_demo: bool


@functools.cache
def _boundary_codes(path: Path) -> frozenset[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(g["properties"]["code"] for g in data["objects"][BOUNDARIES_OBJECT]["geometries"])


def boundaries_path() -> Path:
    return Path(settings.DATA_DIR) / BOUNDARIES_FILE


def map_municipalities(*, areas: Sequence[Area]) -> tuple[list[Area], list[str]]:
    """The chosen municipalities and the members of the chosen regions (each once), and the names
    of the regions that were expanded."""
    found: dict[str, Area] = {}
    expanded = []
    for area in areas:
        if area.kind == AreaKind.MUNICIPALITY:
            found.setdefault(area.code, area)
        else:
            expanded.append(area.name)
            for member in municipality_list(region=area):
                found.setdefault(member.code, member)
    return list(found.values()), expanded


def explorer_map(*, selection: Selection, store: StatsStore | None = None) -> MapResult:
    """The chosen measure for the first chosen crime type in the last period, per municipality
    (the chosen ones and the members of the chosen regions)."""
    municipalities, expanded = map_municipalities(areas=selection.areas)
    crime, period = selection.crimes[0], selection.periods[-1]
    computed = _compute(area_codes=[m.code for m in municipalities], crimes=[crime], periods=[period],
                        grain=selection.grain, measure=selection.measure, store=store)  # fmt: skip
    shapes = _boundary_codes(boundaries_path())
    values = [
        {
            "code": row.area_code,
            "name": row.area_name,
            "value": _number(row.value),
            "text": row.value.display(),
        }
        for row in computed.rows
    ]
    return MapResult(
        crime=crime,
        period=period,
        measure=selection.measure,
        values=values,
        without_shape=[f"{m.name} ({m.code})" for m in municipalities if m.code not in shapes],
        expanded=expanded,
        sources=_source_infos(computed.sources),
        has_demo=any(r.is_demo for r in computed.rows),
    )


def _number(cell: Cell) -> float | None:
    text = cell.number_text
    return None if text is None else float(text)


# --- choices for the form -------------------------------------------------------------------


@dataclass
class CrimeNode:
    """A node of the crime-type tree: a code group (`1`, `1.1`) or a crime type."""

    key: str
    label: str
    crime: CrimeType | None = None
    children: list[CrimeNode] = field(default_factory=list)

    @property
    def leaf_count(self) -> int:
        return (1 if self.crime else 0) + sum(c.leaf_count for c in self.children)


def crime_type_tree(*, classification: str) -> list[CrimeNode]:
    """The crime types of a classification as a tree. Politie codes (`1.1.1`) nest under their
    code groups (`1` > `1.1`), which are headings only (the police publish no figures for them);
    CBS codes nest by their parent code. The total row comes first, on its own."""
    crimes = list(CrimeType.objects.filter(classification=classification).order_by("sort_order"))
    roots: list[CrimeNode] = []
    if classification == "cbs":
        nodes = {c.code: CrimeNode(c.code, f"{c.code} {c.title}", c) for c in crimes}
        for crime in crimes:
            parent = nodes.get(crime.parent_code)
            if parent is None or crime.is_total or (parent.crime and parent.crime.is_total):
                roots.append(nodes[crime.code])
            else:
                parent.children.append(nodes[crime.code])
        return roots
    groups: dict[str, CrimeNode] = {}
    for crime in crimes:
        node = CrimeNode(crime.code, f"{crime.code} {crime.title}", crime)
        parts = crime.code.split(".")
        if crime.is_total or len(parts) < 3:
            roots.append(node)
            continue
        top_key, mid_key = parts[0], ".".join(parts[:2])
        if top_key not in groups:
            groups[top_key] = CrimeNode(top_key, _("Group %(code)s") % {"code": top_key})
            roots.append(groups[top_key])
        if mid_key not in groups:
            groups[mid_key] = CrimeNode(mid_key, _("Group %(code)s") % {"code": mid_key})
            groups[top_key].children.append(groups[mid_key])
        groups[mid_key].children.append(node)
    return roots


def area_options() -> list[tuple[str, str]]:
    """(code, label) of every area that can be chosen: regions first, then municipalities."""
    kinds = dict(AreaKind.choices)
    regions = [(a.code, f"{a.name} ({kinds[a.kind]})") for a in region_list()]
    municipalities = [(a.code, f"{a.name} ({kinds[a.kind]})") for a in municipality_list()]
    return regions + municipalities


def default_years() -> tuple[int, int]:
    """The five years up to the last whole year of registered crime that the loaded sources hold
    (or the five years before this one when nothing is loaded)."""
    import datetime as dt

    from ivp.stats.sources.registry import source_get

    last_years = []
    for key, info in store_status()["sources"].items():
        last = info.get("last_period")
        try:
            counts_crimes = "registered_crimes" in source_get(key).measures.values()
        except IvpError:
            counts_crimes = False
        if not last or not counts_crimes:
            continue
        year, month = int(last[:4]), int(last[5:7])
        whole = "year" in info.get("grains", "") or month == 12
        last_years.append(year if whole else year - 1)
    last_year = max(last_years) if last_years else dt.date.today().year - 1
    return last_year - 4, last_year


def saved_view_list(*, user: Any) -> list[SavedView]:
    """The user's own saved views (nobody else's)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedView.objects.filter(owner=user))


def saved_view_get(*, user: Any, pk: int) -> SavedView | None:
    """One of the user's own saved views, or None (also for someone else's)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SavedView.objects.filter(pk=pk, owner=user).first()


def areas_found(*, texts: Sequence[str]) -> tuple[list[Area], list[str]]:
    """The areas that the texts name (codes or names), and the texts that name none."""
    from ivp.areas.selectors import area_get
    from ivp.core.errors import NotFoundError

    found: dict[str, Area] = {}
    unknown = []
    for text in texts:
        try:
            area = area_get(code_or_name=text)
        except NotFoundError:
            unknown.append(text)
        else:
            found.setdefault(area.code, area)
    return list(found.values()), unknown


def tree_open_keys(*, trees: Sequence[Sequence[CrimeNode]], chosen: set[str]) -> set[str]:
    """The keys of the tree nodes that hold a chosen crime type (their <details> start open)."""
    result: set[str] = set()

    def walk(node: CrimeNode) -> bool:
        inside = bool(node.crime and node.crime.code in chosen)
        for child in node.children:
            inside = walk(child) or inside
        if inside and node.children:
            result.add(node.key)
        return inside

    for tree in trees:
        for node in tree:
            walk(node)
    return result
