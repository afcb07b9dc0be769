"""Reads on the statistics: figures for any area or group, rates, changes, shares and ranks.

Rules that every figure follows:
- A region's figure is the region's own published figure where the source publishes one (e.g.
  NL01 in 47025NED); otherwise the sum of its member municipalities.
- A group's rate is its summed count over its summed population, never an average of rates.
- A year or quarter is the published figure for that period where there is one; otherwise the
  sum of its months, which is *suppressed* if any month is, and *missing* if any month is absent.
- Politie and CBS codes are separate classifications; a code is looked up in the source's own.
- Rates use the population of the same year; where that year is not known, the nearest known
  year is used and the row says which (`population_year`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.utils.translation import gettext as _

from ivp.areas.constants import OFFICIAL_REGION_KINDS, AreaKind
from ivp.areas.models import Area, AreaMembership, Population
from ivp.areas.selectors import area_get
from ivp.core.errors import NotFoundError, ValidationFailed

from .constants import Classification
from .models import CrimeType
from .periods import Grain, Period, enumerate_periods, parse_code
from .sources.registry import source_get
from .store import Manifest, StatsStore, default_store, lean_files, table_sql

# Which sources answer which classification, in order of preference (real before demonstration).
SOURCE_PREFERENCE: dict[str, list[str]] = {
    Classification.POLITIE: ["politie_47013", "politie_47025", "politie_47022", "politie_47018", "demo_cube"],
    Classification.CBS: ["cbs_83648"],
    Classification.OVERLAST: ["politie_47021", "politie_47024"],
}


@dataclass(frozen=True)
class FigureRow:
    area_code: str
    area_name: str
    crime_code: str
    crime_title: str
    period: Period
    count: int | None
    is_suppressed: bool
    is_missing: bool
    is_provisional: bool
    is_incomplete: bool
    is_demo: bool
    source_key: str | None
    table_id: str | None
    population: int | None = None
    population_year: int | None = None

    @property
    def per_1000(self) -> float | None:
        if self.count is None or not self.population:
            return None
        return self.count * 1000 / self.population

    def as_dict(self, *, per_1000: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "area_code": self.area_code,
            "crime_code": self.crime_code,
            "period": self.period.code,
            "count": self.count,
            "status": self.status,
        }
        if per_1000:
            rate = self.per_1000
            data |= {
                "per_1000": None if rate is None else round(rate, 3),
                "population": self.population,
                "population_year": self.population_year,
            }
        data |= {
            "area_name": self.area_name,
            "crime_title": self.crime_title,
            "period_label": self.period.label(),
            "provisional": self.is_provisional,
            "incomplete": self.is_incomplete,
            "demo": self.is_demo,
            "source": self.table_id,
        }
        return data

    @property
    def status(self) -> str:
        if self.is_suppressed:
            return "suppressed"
        if self.is_missing:
            return "missing"
        return "ok"


@dataclass
class FiguresResult:
    rows: list[FigureRow]
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def has_demo(self) -> bool:
        return any(r.is_demo for r in self.rows)


NUISANCE_MEASURES = {"registered_nuisance"}


def crime_types_get(*, codes: Sequence[str], classification: str | None = None) -> list[CrimeType]:
    """Crime types by code. `0.0.0` is the total of both the politie crime and the nuisance list:
    the classification (from the source or the measure) decides; crime types come first."""
    wanted = [raw.strip() for raw in codes]
    found: dict[str, dict[str, CrimeType]] = {}
    for crime in CrimeType.objects.filter(code__in=set(wanted)):  # one query for all codes
        found.setdefault(crime.code, {})[crime.classification] = crime
    result = []
    for code in wanted:
        options = found.get(code, {})
        if classification:
            chosen = options.get(classification)
        else:
            chosen = next((options[k] for k in Classification.values if k in options), None)
        if chosen is None:
            raise NotFoundError(_("Unknown crime type '%(code)s'.") % {"code": code})
        result.append(chosen)
    return result


def _members_of(areas: Sequence[Area]) -> dict[str, list[str]]:
    """The member municipalities of each area (a municipality is its own member), in one query."""
    result: dict[str, list[str]] = {a.code: [] for a in areas if a.kind != AreaKind.MUNICIPALITY}
    if result:
        for region, member in AreaMembership.objects.filter(region__code__in=list(result)).values_list(
            "region__code", "member__code"
        ):
            result[region].append(member)
    for area in areas:
        if area.kind == AreaKind.MUNICIPALITY:
            result[area.code] = [area.code]
    return result


def _populations(codes: set[str]) -> dict[str, dict[int, int]]:
    result: dict[str, dict[int, int]] = {}
    for code, year, count in Population.objects.filter(area__code__in=codes).values_list(
        "area__code", "year", "inhabitants_count"
    ):
        result.setdefault(code, {})[year] = count
    return result


def _populations_by_year(
    members: list[str], years: set[int], pops: dict[str, dict[int, int]]
) -> dict[int, tuple[int | None, int | None]]:
    """`_population_for` for several years at once: members with the same known years are
    summed together (a region's few hundred municipalities mostly share them)."""
    groups: dict[tuple[int, ...], list[dict[int, int]]] = {}
    for code in members:
        known = pops.get(code)
        if not known:
            return dict.fromkeys(years, (None, None))
        groups.setdefault(tuple(known), []).append(known)
    result: dict[int, tuple[int | None, int | None]] = {}
    for year in years:
        total, used = 0, set()
        for known_years, group in groups.items():
            nearest = min(known_years, key=lambda y: (abs(y - year), -y))
            total += sum(known[nearest] for known in group)
            used.add(nearest)
        if not used:
            result[year] = (None, None)
        else:
            result[year] = (total, (year if used == {year} else max(used, key=lambda y: abs(y - year))))
    return result


def _population_for(
    members: list[str], year: int, pops: dict[str, dict[int, int]]
) -> tuple[int | None, int | None]:
    """Summed population of the members for `year` (nearest known year per member)."""
    total, used = 0, set()
    for code in members:
        known = pops.get(code)
        if not known:
            return None, None
        nearest = min(known, key=lambda y: (abs(y - year), -y))
        total += known[nearest]
        used.add(nearest)
    if not used:
        return None, None
    return total, (year if used == {year} else max(used, key=lambda y: abs(y - year)))


# A value per period code: (count, suppressed, provisional, incomplete, demo, reporting); a
# reporting of -1 marks a sum over members with a member missing.
Value = tuple[int | None, bool, bool, bool, bool, int]
Pair = tuple[str, str]  # (area code, crime code)
Target = tuple[str, str, str]  # (source key, area code, crime code)

# Value of a row without a count by its flags: suppressed 1, provisional 2, incomplete 4, demo 8.
_FLAGS: list[Value] = [(None, bool(f & 1), bool(f & 2), bool(f & 4), bool(f & 8), 1) for f in range(16)]
_PARTIAL = 16  # a region sum with some, not all, members reporting
_MISSING = 32  # no row
# Month rows by flags: (suppressed, missing, provisional, incomplete, demo).
_MONTH_FLAGS = [
    (bool(f & 1), f == _MISSING, bool(f & 2), bool(f & 4), bool(f & 8)) for f in range(_MISSING + 1)
]


@dataclass(frozen=True)
class _Index:
    """What a store version holds, per source: which areas (not buurten) have rows of which
    crime type and measure, and which regions have sums in `out_region_series` (with their
    number of members). Made once per version and process: a version never changes."""

    direct: frozenset[tuple[str, str, str, str]]  # (source, area, crime, measure)
    region: frozenset[tuple[str, str, str, str]]  # (source, region, crime, measure)
    region_size: dict[tuple[str, str], frozenset[int]]  # (source, region) -> members counts
    buurt_level: frozenset[str]  # sources summed from buurten (they have municipal sums)


_INDEXES: dict[tuple[int, str], _Index] = {}
_INDEXES_LOCK = threading.Lock()


def _index(con: duckdb.DuckDBPyConnection, folder: Path | None) -> _Index:
    key = (os.getpid(), str(folder))
    with _INDEXES_LOCK:
        found = _INDEXES.get(key)
    if found is not None:
        return found
    direct = con.execute(
        "SELECT DISTINCT source_key, area_code, crime_code, measure FROM core_observations "
        "WHERE area_code < 'BU' OR area_code >= 'BV'"
    ).fetchall()
    sizes: dict[tuple[str, str], set[int]] = {}
    region: set[tuple[str, str, str, str]] = set()
    for source, code, crime, measure, members in con.execute(
        "SELECT DISTINCT source_key, region_code, crime_code, measure, members_count FROM out_region_series"
    ).fetchall():
        region.add((source, code, crime, measure))
        sizes.setdefault((source, code), set()).add(int(members))
    index = _Index(
        direct=frozenset(direct),
        region=frozenset(region),
        region_size={k: frozenset(v) for k, v in sizes.items()},
        buurt_level=frozenset(s for s, code in sizes if code.startswith("GM")),
    )
    with _INDEXES_LOCK:
        _INDEXES[key] = index
        while len(_INDEXES) > 4:
            _INDEXES.pop(next(iter(_INDEXES)))
    return index


@dataclass
class _Plan:
    """Where each area x crime type is answered from: a source read `direct` (the area's own
    rows), from `out_region_series` (`region`: sums made at load time) or summed over the
    members on the fly (`members`); and the values read."""

    chosen: dict[Pair, tuple[str | None, str]] = field(default_factory=dict)
    values: dict[Pair, dict[str, Value]] = field(default_factory=dict)
    buurt_level: set[str] = field(default_factory=set)
    sizes: dict[tuple[str, str], int] = field(default_factory=dict)  # members of buurt-level sums
    folder: Path | None = None  # the store version read

    def targets(self, how: str) -> list[Target]:
        return [(k, a, c) for (a, c), (k, h) in self.chosen.items() if k and h == how]


def _plan(
    con: duckdb.DuckDBPyConnection,
    *,
    folder: Path | None,
    areas: Sequence[Area],
    crimes: Sequence[CrimeType],
    members_of: dict[str, list[str]],
    measure: str,
    forced: str | None,
    available: set[str],
) -> _Plan:
    """Choose the source of every area x crime type and read all their values, in one or two
    queries for the whole request (never a few per area x crime type).

    The choice follows the module's rules: per crime type the sources in order of preference;
    the first that has the area's own rows is read directly, else the first that has rows of
    the area's members is summed. Sums over an official region are read from
    `out_region_series` (the same sums, made when the store was written); a region sum with
    some but not all members reporting is summed again on the fly, to tell a suppressed member
    from a missing one. A source published per buurt only is summed over its buurten (its
    municipal and regional sums are in `out_region_series`).
    """
    plan = _Plan()
    candidates: dict[str, list[str]] = {}
    for crime in crimes:
        if crime.classification not in candidates:
            preferred = SOURCE_PREFERENCE.get(crime.classification, [])
            others = sorted(k for k in available if k not in preferred and not k.startswith("demo"))
            candidates[crime.classification] = (
                [forced] if forced else [s for s in preferred + others if s in available]
            )
    sources = sorted({k for keys in candidates.values() for k in keys if k in available})
    plan.folder = folder
    index = _index(con, folder) if sources else _Index(frozenset(), frozenset(), {}, frozenset())

    def region_usable(key: str, area: Area) -> bool:
        """Whether out_region_series answers for `area` (summed over the same members)."""
        if key in index.buurt_level:
            return True
        sizes = index.region_size.get((key, area.code))
        return area.kind in OFFICIAL_REGION_KINDS and (sizes is None or sizes == {len(members_of[area.code])})

    # Groups of municipalities (and regions whose stored sums are stale) are summed on the fly.
    on_the_fly = [
        a for a in areas if [a.code] != members_of[a.code] and any(not region_usable(k, a) for k in sources)
    ]
    summed: set[Target] = set()
    if on_the_fly:
        links = [(a.code, m) for a in on_the_fly for m in members_of[a.code]]
        summed = set(
            con.execute(
                f"""
                SELECT DISTINCT o.source_key, g.area_code, o.crime_code
                FROM {table_sql(folder, "core_observations", sources)} o
                JOIN (SELECT unnest($link_area) AS area_code, unnest($link_member) AS member_code) g
                  ON g.member_code = o.area_code
                WHERE o.measure = $measure AND o.source_key IN (SELECT unnest($sources))
                """,
                {
                    "link_area": [a for a, _m in links] or [""],
                    "link_member": [m for _a, m in links] or [""],
                    "measure": measure,
                    "sources": sources,
                },
            ).fetchall()
        )

    for area in areas:
        single = [area.code] == members_of[area.code]
        for crime in crimes:
            choice: tuple[str | None, str] = (None, "")
            for key in candidates[crime.classification]:
                if key not in available:
                    continue
                if (key, area.code, crime.code, measure) in index.direct:
                    choice = (key, "direct")
                    break
                if single and key not in index.buurt_level:
                    continue
                if region_usable(key, area):
                    if (key, area.code, crime.code, measure) in index.region:
                        choice = (key, "region")
                        break
                elif (key, area.code, crime.code) in summed:
                    choice = (key, "members")
                    break
            plan.chosen[(area.code, crime.code)] = choice
            plan.values[(area.code, crime.code)] = {}
    plan.buurt_level = set(index.buurt_level)
    plan.sizes = {(k, a): max(n) for (k, a), n in index.region_size.items() if k in index.buurt_level}
    return plan


def _value_select(plan: _Plan) -> tuple[str, list[Target]]:
    """SELECT of (target number, period number, count, flags) for the direct and region reads
    of the plan, and the targets in number order (the plan's area x crime type order). Few columns and no text keep the transfer of
    tens of thousands of rows to Python short. Parameters: `$wanted`, `$measure`."""
    ordered = [(k, a, c, h) for (a, c), (k, h) in plan.chosen.items() if k and h in ("direct", "region")]
    number = {(k, a, c, h): n for n, (k, a, c, h) in enumerate(ordered)}
    direct, region = plan.targets("direct"), plan.targets("region")
    flags = (
        "2 * CAST(o.is_provisional AS INTEGER) + 4 * CAST(o.is_incomplete AS INTEGER) "
        "+ 8 * CAST(o.is_demo AS INTEGER)"
    )
    parts = []
    for table, area_column, chosen, how, status in (
        ("core_observations", "area_code", direct, "direct", "CAST(o.is_suppressed AS INTEGER)"),
        ("out_region_series", "region_code", region, "region",
         f"CASE WHEN o.reporting_count = o.members_count THEN 0 WHEN o.reporting_count = 0 THEN 1 ELSE {_PARTIAL} END"),
    ):  # fmt: skip
        if not chosen:
            continue
        keys = {
            "source_key": sorted({t[0] for t in chosen}),
            area_column: sorted({t[1] for t in chosen}),
            "crime_code": sorted({t[2] for t in chosen}),
        }
        where = " AND ".join(f"o.{column} IN ({_sql_list(values)})" for column, values in keys.items())
        pairs = ", ".join(
            f"({_sql_text(k)}, {_sql_text(a)}, {_sql_text(c)}, {number[(k, a, c, how)]})"
            for k, a, c in chosen
        )
        parts.append(
            f"""
            SELECT w.number, p.number AS period, o.value_count, {status} + {flags} AS flags
            FROM {table_sql(plan.folder, table, keys["source_key"])} o
            JOIN (VALUES {pairs}) w(source_key, area_code, crime_code, number)
              ON w.source_key = o.source_key AND w.area_code = o.{area_column} AND w.crime_code = o.crime_code
            JOIN (SELECT unnest($wanted) AS period_code, generate_subscripts($wanted, 1) - 1 AS number) p
              ON p.period_code = o.period_code
            WHERE o.measure = $measure AND {where}
            """
        )
    return " UNION ALL ".join(parts), [(k, a, c) for k, a, c, _h in ordered]


def _read_month_grid(
    con: duckdb.DuckDBPyConnection,
    plan: _Plan,
    *,
    areas: Sequence[Area],
    crimes: Sequence[CrimeType],
    periods: list[Period],
    measure: str,
) -> tuple[list[int | None], list[int]]:
    """For a month request: the counts and the flags of every area x crime type x month, in the
    order of the rows (flags 32: no row). One query; a cell is numbered by its area, crime type
    and month, so no text goes back to Python."""
    areas_list = [a.code for a in areas]
    crimes_list = [c.code for c in crimes]
    first, last = periods[0].start, periods[-1].start
    flags = (
        "2 * CAST(o.is_provisional AS INTEGER) + 4 * CAST(o.is_incomplete AS INTEGER) "
        "+ 8 * CAST(o.is_demo AS INTEGER)"
    )
    parts = []
    lean_params: dict[str, Any] = {}
    region_status = f"CASE WHEN o.reporting_count = o.members_count THEN 0 WHEN o.reporting_count = 0 THEN 1 ELSE {_PARTIAL} END"
    for how, table, area_column, status in (
        ("direct", "core_observations", "area_code", "CAST(o.is_suppressed AS INTEGER)"),
        ("region", "out_region_series", "region_code", region_status),
    ):
        for key in sorted({k for k, _a, _c in plan.targets(how)}):
            chosen = {(a, c) for k, a, c in plan.targets(how) if k == key}
            mask = [(a, c) in chosen for a in areas_list for c in crimes_list]
            keys = _source_keys(con, plan.folder, key)
            if keys is not None:  # the lean layout: read on ids, no join
                tag = f"{how}_{len(lean_params)}"
                lean = _lean_month_part(
                    keys, how, key, chosen, mask, areas_list, crimes_list, periods, measure, tag
                )
                if lean:
                    parts.append(lean[0])
                    lean_params.update(lean[1])
                continue
            source = table_sql(plan.folder, table, [key])
            wanted_areas = sorted({a for a, _c in chosen})
            wanted_crimes = sorted({c for _a, c in chosen})
            parts.append(
                f"""
                SELECT pair * {len(periods)} + period AS cell, value_count, flags FROM (
                    SELECT (list_position($areas, o.{area_column}) - 1) * {len(crimes_list)}
                           + list_position($crimes, o.crime_code) - 1 AS pair,
                           datediff('month', DATE '{first.isoformat()}', o.period_start_date) AS period,
                           o.value_count, {status} + {flags} AS flags
                    FROM {source} o
                    WHERE o.source_key = {_sql_text(key)} AND o.measure = {_sql_text(measure)}
                      AND o.{area_column} IN ({_sql_list(wanted_areas)})
                      AND o.crime_code IN ({_sql_list(wanted_crimes)})
                      AND o.period_grain = 'month'
                      AND o.period_start_date BETWEEN DATE '{first.isoformat()}' AND DATE '{last.isoformat()}'
                ) WHERE list_extract({_sql_mask(mask)}, pair + 1)
                """
            )
    cells = len(areas_list) * len(crimes_list) * len(periods)
    if not parts:
        return [None] * cells, [_MISSING] * cells
    sql = f"SELECT cell, value_count, flags FROM ({' UNION ALL '.join(parts)}) ORDER BY cell"
    params: dict[str, Any] = {"areas": areas_list, "crimes": crimes_list} if "$areas," in sql else {}
    params.update(lean_params)
    # As arrays (no tuple per row), then lists: NULL counts come out as None.
    found = con.execute(sql, params or None).fetchnumpy()
    counts: list[int | None] = found["value_count"].tolist()
    flags_of: list[int] = found["flags"].tolist()
    if len(counts) == cells:  # every cell has a row (the cells are distinct): already the grid
        return counts, flags_of
    grid_counts: list[int | None] = [None] * cells
    grid_flags = [_MISSING] * cells
    for cell, count, bits in zip(found["cell"].tolist(), counts, flags_of, strict=True):
        grid_counts[cell], grid_flags[cell] = count, bits
    return grid_counts, grid_flags


@dataclass(frozen=True)
class _Keys:
    """The ids of one source's lean files (`core_keys`), read once per version and process."""

    facts: str  # FROM-clause texts of its files
    regions: str
    area: dict[str, int]
    crime: dict[str, int]
    measure: dict[str, int]
    # part id -> (source key, grain, start date, flags: provisional 2 + incomplete 4 + demo 8)
    parts: dict[int, tuple[str, str, dt.date, int]]


_KEYS: dict[tuple[int, str, str], _Keys | None] = {}


def _source_keys(con: duckdb.DuckDBPyConnection, folder: Path | None, source_key: str) -> _Keys | None:
    """The keys of a source's lean files; None for a file of an older layout (read through the
    view)."""
    cache_key = (os.getpid(), str(folder), source_key)
    with _INDEXES_LOCK:
        if cache_key in _KEYS:
            return _KEYS[cache_key]
    files = lean_files(folder, source_key) if folder else None
    found: _Keys | None = None
    if files is not None:
        facts, keys, regions = files
        codes: dict[str, dict[str, int]] = {"area": {}, "crime": {}, "measure": {}}
        parts: dict[int, tuple[str, str, dt.date, int]] = {}
        for dimension, number, code, source, grain, start, provisional, incomplete, demo in con.execute(
            "SELECT dimension, id, code, source_key, period_grain, period_start_date, is_provisional, "
            f"is_incomplete, is_demo FROM read_parquet('{keys}')"
        ).fetchall():
            if dimension == "part":
                flags = 2 * bool(provisional) + 4 * bool(incomplete) + 8 * bool(demo)
                parts[int(number)] = (source, grain, start, flags)
            else:
                codes[dimension][code] = int(number)
        found = _Keys(f"read_parquet('{facts}')", f"read_parquet('{regions}')", codes["area"],
                      codes["crime"], codes["measure"], parts)  # fmt: skip
    with _INDEXES_LOCK:
        _KEYS[cache_key] = found
        while len(_KEYS) > 64:
            _KEYS.pop(next(iter(_KEYS)))
    return found


def _lean_month_part(
    keys: _Keys,
    how: str,
    source_key: str,
    chosen: set[tuple[str, str]],
    mask: list[bool],
    areas: list[str],
    crimes: list[str],
    periods: list[Period],
    measure: str,
    tag: str,
) -> tuple[str, dict[str, Any]] | None:
    """The SELECT of `_read_month_grid` for one source in the lean layout, with its parameters
    (named after `tag`): filtered and numbered on the ids of its files, no join; None when the
    source has none of the cells. Lists go as parameters (binding long literals is slow)."""
    measure_id = keys.measure.get(measure)
    first, last = periods[0].start, periods[-1].start
    offsets = {
        number: (start.year - first.year) * 12 + start.month - first.month
        for number, (source, grain, start, _f) in keys.parts.items()
        if source == source_key and grain == "month" and first <= start <= last
    }
    wanted_crimes = sorted({keys.crime[c] for _a, c in chosen if c in keys.crime})
    if measure_id is None or not offsets or not wanted_crimes:
        return None
    # The lists by part id cover only the ids of the range asked for (`low`…`high`): a list as
    # long as every part id of the source (thousands) costs more to bind than the query takes.
    low, high = min(offsets), max(offsets)
    params: dict[str, Any] = {
        f"period_{tag}": [offsets.get(n) for n in range(low, high + 1)],
        f"crimes_{tag}": [keys.crime.get(c) for c in crimes],
        f"mask_{tag}": mask,
    }
    if how == "direct":
        wanted_areas = sorted({keys.area[a] for a, _c in chosen if a in keys.area})
        if not wanted_areas:
            return None
        params[f"areas_{tag}"] = [keys.area.get(a) for a in areas]
        params[f"flags_{tag}"] = [keys.parts[n][3] if n in keys.parts else 0 for n in range(low, high + 1)]
        source, area_column = keys.facts, "area_id"
        where = f"o.area_id IN ({', '.join(map(str, wanted_areas))})"
        status = "CAST(o.value_count IS NULL AS INTEGER)"
        row_flags = f"list_extract($flags_{tag}, o.part_id - {low - 1})"
    else:
        params[f"areas_{tag}"] = areas
        source, area_column = keys.regions, "region_code"
        where = f"o.region_code IN ({_sql_list(sorted({a for a, _c in chosen}))})"
        status = (
            f"CASE WHEN o.reporting_count = o.members_count THEN 0 WHEN o.reporting_count = 0 THEN 1 "
            f"ELSE {_PARTIAL} END"
        )
        row_flags = (
            "2 * CAST(o.is_provisional AS INTEGER) + 4 * CAST(o.is_incomplete AS INTEGER) "
            "+ 8 * CAST(o.is_demo AS INTEGER)"
        )
    sql = f"""
        SELECT pair * {len(periods)} + period AS cell, value_count, flags FROM (
            SELECT (list_position($areas_{tag}, o.{area_column}) - 1) * {len(crimes)}
                   + list_position($crimes_{tag}, o.crime_id) - 1 AS pair,
                   list_extract($period_{tag}, o.part_id - {low - 1}) AS period,
                   o.value_count, {status} + {row_flags} AS flags
            FROM {source} o
            WHERE {where} AND o.crime_id BETWEEN {wanted_crimes[0]} AND {wanted_crimes[-1]}
              AND o.measure_id = {measure_id} AND o.part_id BETWEEN {low} AND {high}
        ) WHERE period IS NOT NULL AND list_extract($mask_{tag}, pair + 1)
    """
    return sql, params


def _sql_mask(mask: list[bool]) -> str:
    return "[" + ", ".join("true" if m else "false" for m in mask) + "]"


def _read_values(
    con: duckdb.DuckDBPyConnection,
    plan: _Plan,
    *,
    members_of: dict[str, list[str]],
    wanted: list[str],
    measure: str,
) -> None:
    """All values of the plan into `plan.values`: one query for the direct and region reads,
    one more only for sums on the fly."""
    fly = set(plan.targets("members"))
    partial: set[tuple[str, str, str]] = set()
    select, targets = _value_select(plan)
    if targets:
        by_number = [plan.values[(a, c)] for _k, a, c in targets]
        for number, period, count, bits in con.execute(
            select, {"wanted": wanted, "measure": measure}
        ).fetchall():
            if bits < _PARTIAL:  # the area's own figure, every member's, or all members suppressed
                by_number[number][wanted[period]] = (
                    _FLAGS[bits] if count is None else (count, *_FLAGS[bits][1:])
                )
            else:  # some members report: a suppressed or a missing member? Summed again below.
                _k, area, crime = targets[number]
                partial.add((area, crime, wanted[period]))
    fly |= {(plan.chosen[(a, c)][0] or "", a, c) for a, c, _p in partial}
    if fly:
        _read_sums(con, plan, fly=fly, partial=partial, members_of=members_of, sizes=plan.sizes,
                   wanted=wanted, measure=measure, buurt_level=plan.buurt_level)  # fmt: skip


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_list(texts: Sequence[str]) -> str:
    return ", ".join(_sql_text(t) for t in texts)


def _read_sums(
    con: duckdb.DuckDBPyConnection,
    plan: _Plan,
    *,
    fly: set[tuple[str, str, str]],
    partial: set[tuple[str, str, str]],
    members_of: dict[str, list[str]],
    sizes: dict[tuple[str, str], int],
    wanted: list[str],
    measure: str,
    buurt_level: set[str],
) -> None:
    """Sums over members on the fly (the rule of the module, for groups and partial reports).

    The members of an area are its municipalities; for a source published per buurt only they
    are the buurten of those municipalities (a buurt's municipality is in its code)."""
    links = sorted({(a, m) for _k, a, _c in fly for m in members_of[a]})
    member = (
        "CASE WHEN o.source_key IN (SELECT unnest($buurt_level)) "
        "THEN CASE WHEN o.area_code LIKE 'BU%' THEN 'GM' || substr(o.area_code, 3, 4) END "
        "ELSE o.area_code END"
    )
    result = con.execute(
        f"""
        SELECT o.source_key, g.area_code, o.crime_code, o.period_code,
               CASE WHEN bool_or(o.is_suppressed) THEN NULL ELSE sum(o.value_count) END,
               bool_or(o.is_suppressed), bool_or(o.is_provisional), bool_or(o.is_incomplete),
               bool_or(o.is_demo), count(*)
        FROM {table_sql(plan.folder, "core_observations", [k for k, _a, _c in fly])} o
        JOIN (SELECT unnest($link_area) AS area_code, unnest($link_member) AS member_code) g
          ON g.member_code = {member}
        SEMI JOIN (SELECT unnest($f_source) AS source_key, unnest($f_area) AS area_code,
                          unnest($f_crime) AS crime_code) w
          ON w.source_key = o.source_key AND w.area_code = g.area_code AND w.crime_code = o.crime_code
        WHERE o.measure = $measure AND o.source_key IN (SELECT unnest($f_source))
          AND o.crime_code IN (SELECT unnest($f_crime)) AND o.period_code IN (SELECT unnest($wanted))
        GROUP BY ALL
        """,
        {
            "buurt_level": sorted(buurt_level) or [""],
            "link_area": [a for a, _m in links],
            "link_member": [m for _a, m in links],
            "f_source": [k for k, _a, _c in fly],
            "f_area": [a for _k, a, _c in fly],
            "f_crime": [c for _k, _a, c in fly],
            "measure": measure,
            "wanted": wanted,
        },
    ).fetchall()
    for key, area, crime, period, count, suppressed, provisional, incomplete, demo, reporting in result:
        chosen_key, how = plan.chosen[(area, crime)]
        if chosen_key != key or (how == "region" and (area, crime, period) not in partial):
            continue
        n = sizes.get((key, area), len(members_of[area]))
        missing = reporting < n and not suppressed
        plan.values[(area, crime)][period] = (
            None if missing else (None if count is None else int(count)),
            bool(suppressed), bool(provisional), bool(incomplete), bool(demo),
            int(reporting) if not missing else -1,
        )  # fmt: skip


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a request builds its rows: tens of
    thousands of new objects would otherwise set off collections that walk every object of the
    process (more than half of the time of a large request). The rows hold no cycles.

    On the way out the objects made meanwhile are moved to the oldest generation (freeze, then
    unfreeze: two list splices) instead of being walked by the young collection that would
    otherwise follow at once (~7 ms for the 25,000 rows of a large month request); the oldest
    generation is collected as usual. Skipped when something else froze objects (e.g. a server
    that freezes before forking), whose freeze must stay."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def figures(
    *,
    area_codes: Sequence[str],
    crime_codes: Sequence[str],
    first: Period,
    last: Period,
    grain: Grain,
    per_1000: bool = False,
    measure: str = "registered_crimes",
    source_key: str | None = None,
    store: StatsStore | None = None,
) -> FiguresResult:
    """Figures per area x crime type x period (see the module's rules)."""
    periods = list(_enumerate_periods(first, last, grain))
    if not periods:
        raise ValidationFailed([_("The chosen range holds no whole %(grain)s.") % {"grain": grain}])
    areas = [area_get(code_or_name=a) for a in area_codes]
    hint: str | None = Classification.OVERLAST if measure in NUISANCE_MEASURES else None
    if source_key:
        hint = str(source_get(source_key).classification)  # also refuses unknown keys
    crimes = crime_types_get(codes=crime_codes, classification=hint)
    store = store or default_store()
    manifest = store.manifest()
    available = set(manifest.sources) if manifest else set()
    result = FiguresResult(rows=[])
    members_of = _members_of(areas)
    pops = _populations({m for ms in members_of.values() for m in ms}) if per_1000 else {}
    folder = store.current_folder()
    with _gc_paused():
        return _figures(result, areas=areas, crimes=crimes, periods=periods, grain=grain,
                        per_1000=per_1000, members_of=members_of, pops=pops,
                        measure=measure, source_key=source_key, available=available, store=store,
                        folder=folder, manifest=manifest)  # fmt: skip


class _NeedsSums(Exception):
    """A month request met a region sum that must be summed again on the fly."""


def _month_rows(
    result: FiguresResult,
    plan: _Plan,
    grid: tuple[list[int | None], list[int]],
    *,
    areas: list[Area],
    crimes: list[CrimeType],
    periods: list[Period],
    per_1000: bool,
    members_of: dict[str, list[str]],
    pops: dict[str, dict[int, int]],
    manifest: Manifest | None,
) -> None:
    """The rows of a month request from the grid of `_read_month_grid` (targets in plan order)."""
    size = len(periods)
    at = 0
    new, set_fields, append = object.__new__, object.__setattr__, result.rows.append
    years = sorted({p.year for p in periods})
    year_number = [years.index(p.year) for p in periods]
    for area in areas:
        members = members_of[area.code]
        by_year = (
            _populations_by_year(members, set(years), pops)
            if per_1000
            else dict.fromkeys(years, (None, None))
        )
        for crime in crimes:
            key, _how = plan.chosen[(area.code, crime.code)]
            if key:
                result.sources[key] = manifest.sources[key] if manifest else {}
            table_id = result.sources.get(key or "", {}).get("table_id")
            counts, flags = grid[0][at : at + size], grid[1][at : at + size]
            at += size
            # A row's fields but its period and count depend only on its flags and year: one
            # template per flags x year, copied per row.
            templates: list[list[dict[str, Any] | None]] = [[None] * (_MISSING + 1) for _y in years]
            for period, count, bits, number in zip(periods, counts, flags, year_number, strict=True):
                template = templates[number][bits]
                if template is None:
                    if bits & _PARTIAL:
                        raise _NeedsSums
                    suppressed, missing, provisional, incomplete, demo = _MONTH_FLAGS[bits]
                    pop, pop_year = by_year[years[number]]
                    template = templates[number][bits] = {
                        "area_code": area.code, "area_name": area.name, "crime_code": crime.code,
                        "crime_title": crime.title, "period": None, "count": None, "is_suppressed": suppressed,
                        "is_missing": missing, "is_provisional": provisional, "is_incomplete": incomplete,
                        "is_demo": demo, "source_key": key, "table_id": table_id, "population": pop,
                        "population_year": pop_year,
                    }  # fmt: skip
                fields = template.copy()
                fields["period"] = period
                fields["count"] = count
                # FigureRow(...) without the frozen dataclass's per-field __setattr__: the same object.
                row = new(FigureRow)
                set_fields(row, "__dict__", fields)
                append(row)


@functools.lru_cache(maxsize=256)
def _enumerate_periods(first: Period, last: Period, grain: Grain) -> tuple[Period, ...]:
    """`enumerate_periods`, remembered (a pure function of frozen values)."""
    return tuple(enumerate_periods(first, last, grain))


def _figures(
    result: FiguresResult,
    *,
    areas: list[Area],
    crimes: list[CrimeType],
    periods: list[Period],
    grain: Grain,
    per_1000: bool,
    members_of: dict[str, list[str]],
    pops: dict[str, dict[int, int]],
    measure: str,
    source_key: str | None,
    available: set[str],
    store: StatsStore,
    folder: Path | None,
    manifest: Manifest | None,
) -> FiguresResult:
    con = store.reader(folder)
    try:
        plan = _plan(con, folder=folder, areas=areas, crimes=crimes, members_of=members_of, measure=measure,
                     forced=source_key, available=available)  # fmt: skip
        if grain == Grain.MONTH and not plan.targets("members"):
            grid = _read_month_grid(con, plan, areas=areas, crimes=crimes, periods=periods, measure=measure)
            try:
                _month_rows(result, plan, grid, areas=areas, crimes=crimes, periods=periods, per_1000=per_1000,
                            members_of=members_of, pops=pops, manifest=manifest)  # fmt: skip
                return result
            except _NeedsSums:  # a region sum with some members reporting: the general path below
                result.rows.clear()
                result.sources.clear()
        wanted = sorted({p.code for p in periods} | {m.code for p in periods for m in p.months()})
        _read_values(con, plan, members_of=members_of, wanted=wanted, measure=measure)
    finally:
        con.close()
    codes = [p.code for p in periods]
    month_grain = grain == Grain.MONTH
    empty: Value = (None, False, False, False, False, -1)
    new, set_fields, append = object.__new__, object.__setattr__, result.rows.append
    for area in areas:
        members = members_of[area.code]
        years = {p.year for p in periods}
        by_year = (
            _populations_by_year(members, years, pops) if per_1000 else dict.fromkeys(years, (None, None))
        )
        populations = [by_year[p.year] for p in periods]
        for crime in crimes:
            key, _how = plan.chosen[(area.code, crime.code)]
            values = plan.values.get((area.code, crime.code), {})
            if key:
                result.sources[key] = manifest.sources[key] if manifest else {}
            table_id = result.sources.get(key or "", {}).get("table_id")
            for period, code, (pop, pop_year) in zip(periods, codes, populations, strict=True):
                published = values.get(code, empty) if month_grain else empty
                if published[5] != -1:
                    count, suppressed, provisional, incomplete, demo, _rep = published
                    missing = False
                elif month_grain:
                    count, suppressed, missing, provisional, incomplete, demo = (
                        None,
                        False,
                        True,
                        False,
                        False,
                        False,
                    )
                else:
                    value = _period_value(values, period)
                    count, suppressed, missing = value["count"], value["suppressed"], value["missing"]
                    provisional, incomplete, demo = value["provisional"], value["incomplete"], value["demo"]
                # FigureRow(...) without the frozen dataclass's per-field __setattr__: the same object.
                row = new(FigureRow)
                set_fields(row, "__dict__", {
                    "area_code": area.code, "area_name": area.name, "crime_code": crime.code,
                    "crime_title": crime.title, "period": period, "count": count, "is_suppressed": suppressed,
                    "is_missing": missing, "is_provisional": provisional, "is_incomplete": incomplete,
                    "is_demo": demo, "source_key": key, "table_id": table_id, "population": pop,
                    "population_year": pop_year,
                })  # fmt: skip
                append(row)
    return result


def _period_value(
    values: dict[str, tuple[int | None, bool, bool, bool, bool, int]], period: Period
) -> dict[str, Any]:
    empty = {"count": None, "suppressed": False, "missing": True, "provisional": False, "incomplete": False,
             "demo": False}  # fmt: skip
    published = values.get(period.code)
    if published and published[5] != -1:
        count, suppressed, provisional, incomplete, demo, _rep = published
        return {"count": count, "suppressed": suppressed, "missing": False, "provisional": provisional,
                "incomplete": incomplete, "demo": demo}  # fmt: skip
    if period.grain == Grain.MONTH:
        return empty
    months = [values.get(m.code) for m in period.months()]
    present = [m for m in months if m is not None and m[5] != -1]
    if not present:
        return empty
    suppressed = any(m[1] for m in present)
    missing = len(present) < len(months)
    total = None if suppressed or missing else sum(m[0] or 0 for m in present)
    return {
        "count": total,
        "suppressed": suppressed,
        "missing": missing and not suppressed,
        "provisional": any(m[2] for m in present),
        "incomplete": any(m[3] for m in present) or missing,
        "demo": any(m[4] for m in present),
    }


def store_status(*, store: StatsStore | None = None) -> dict[str, Any]:
    """What is loaded: per source its periods, rows, origin and load time. Runs whose process
    is gone are marked failed first (`services.abandoned_runs_fail`), so no list of runs shown
    with the status says "running" for a killed load."""
    from .services import abandoned_runs_fail

    abandoned_runs_fail()
    store = store or default_store()
    manifest = store.manifest()
    if manifest is None:
        return {"version": None, "sources": {}}
    con = store.connect()
    periods = {
        key: {"first": first, "last": last, "periods": n, "grains": grains, "areas": areas}
        for key, first, last, n, grains, areas in con.execute(
            "SELECT source_key, min(period_start_date), max(period_start_date), count(DISTINCT period_code), "
            "string_agg(DISTINCT period_grain, ',' ORDER BY period_grain), count(DISTINCT area_code) "
            "FROM core_observations GROUP BY 1"
        ).fetchall()
    }
    con.close()
    sources = {}
    for key, info in sorted(manifest.sources.items()):
        extra = periods.get(key, {})
        first, last = extra.get("first"), extra.get("last")
        sources[key] = {
            **info,
            "first_period": first.isoformat() if first else None,
            "last_period": last.isoformat() if last else None,
            "periods": extra.get("periods", 0),
            "grains": extra.get("grains", ""),
            "areas": extra.get("areas", 0),
        }
    return {"version": manifest.version, "created_at": manifest.created_at, "sources": sources}


__all__ = ["FigureRow", "FiguresResult", "figures", "parse_code", "store_status"]
