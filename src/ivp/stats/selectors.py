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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.utils.translation import gettext as _

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area, Population
from ivp.areas.selectors import area_get
from ivp.core.errors import NotFoundError, ValidationFailed

from .constants import Classification
from .models import CrimeType
from .periods import Grain, Period, enumerate_periods, parse_code
from .sources.registry import source_get
from .store import StatsStore, default_store

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
    result = []
    for raw in codes:
        code = raw.strip()
        found = {c.classification: c for c in CrimeType.objects.filter(code=code)}
        if classification:
            chosen = found.get(classification)
        else:
            chosen = next((found[k] for k in Classification.values if k in found), None)
        if chosen is None:
            raise NotFoundError(_("Unknown crime type '%(code)s'.") % {"code": code})
        result.append(chosen)
    return result


def _members(area: Area) -> list[str]:
    if area.kind == AreaKind.MUNICIPALITY:
        return [area.code]
    return list(area.members.values_list("code", flat=True))


def _populations(codes: set[str]) -> dict[str, dict[int, int]]:
    result: dict[str, dict[int, int]] = {}
    for code, year, count in Population.objects.filter(area__code__in=codes).values_list(
        "area__code", "year", "inhabitants_count"
    ):
        result.setdefault(code, {})[year] = count
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


def _choose_source(
    con: duckdb.DuckDBPyConnection,
    classification: str,
    crime: str,
    measure: str,
    direct: str,
    members: list[str],
    forced: str | None,
    available: set[str],
) -> tuple[str | None, str]:
    """The source that answers this question, and whether it is read `direct` or summed `members`."""
    preferred = SOURCE_PREFERENCE.get(classification, [])
    others = sorted(k for k in available if k not in preferred and not k.startswith("demo"))
    candidates = [forced] if forced else [s for s in preferred + others if s in available]
    for key in candidates:
        if key not in available:
            continue
        hit = con.execute(
            "SELECT 1 FROM core_observations WHERE source_key = ? AND area_code = ? AND crime_code = ? "
            "AND measure = ? LIMIT 1",
            [key, direct, crime, measure],
        ).fetchone()
        if hit:
            return key, "direct"
        if direct != members[0] or len(members) > 1:
            hit = con.execute(
                "SELECT 1 FROM core_observations WHERE source_key = ? AND crime_code = ? AND measure = ? "
                "AND area_code IN (SELECT unnest(?)) LIMIT 1",
                [key, crime, measure, members],
            ).fetchone()
            if hit:
                return key, "members"
    return None, ""


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
    periods = enumerate_periods(first, last, grain)
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
    con = store.connect()
    result = FiguresResult(rows=[])
    members_of = {a.code: _members(a) for a in areas}
    pops = _populations({m for ms in members_of.values() for m in ms}) if per_1000 else {}
    con.execute("CREATE TEMP TABLE wanted (period_code VARCHAR, month_code VARCHAR, months INTEGER)")
    con.executemany(
        "INSERT INTO wanted VALUES (?, ?, ?)",
        [(p.code, m.code, len(p.months())) for p in periods for m in p.months()],
    )
    for area in areas:
        members = members_of[area.code]
        for crime in crimes:
            key, how = _choose_source(
                con, crime.classification, crime.code, measure, area.code, members, source_key, available
            )
            values = _series(con, key, how, area.code, members, crime.code, measure) if key else {}
            if key:
                result.sources[key] = manifest.sources[key] if manifest else {}
            for period in periods:
                row = _period_value(values, period)
                population, population_year = (
                    _population_for(members, period.year, pops) if per_1000 else (None, None)
                )
                result.rows.append(
                    FigureRow(
                        area_code=area.code,
                        area_name=area.name,
                        crime_code=crime.code,
                        crime_title=crime.title,
                        period=period,
                        count=row["count"],
                        is_suppressed=row["suppressed"],
                        is_missing=row["missing"],
                        is_provisional=row["provisional"],
                        is_incomplete=row["incomplete"],
                        is_demo=row["demo"],
                        source_key=key,
                        table_id=result.sources.get(key or "", {}).get("table_id"),
                        population=population,
                        population_year=population_year,
                    )
                )
    con.close()
    return result


def _series(
    con: duckdb.DuckDBPyConnection,
    key: str,
    how: str,
    direct: str,
    members: list[str],
    crime: str,
    measure: str,
) -> dict[str, tuple[int | None, bool, bool, bool, bool, int]]:
    """Published values per period code: (count, suppressed, provisional, incomplete, demo, reporting)."""
    if how == "direct":
        rows = con.execute(
            "SELECT period_code, value_count, is_suppressed, is_provisional, is_incomplete, is_demo, 1 "
            "FROM core_observations WHERE source_key = ? AND area_code = ? AND crime_code = ? AND measure = ? "
            "AND (period_code IN (SELECT period_code FROM wanted) OR period_code IN (SELECT month_code FROM wanted))",
            [key, direct, crime, measure],
        ).fetchall()
    else:
        rows = con.execute(
            """
            SELECT period_code,
                   CASE WHEN bool_or(is_suppressed) OR count(*) < ? THEN NULL ELSE sum(value_count) END,
                   bool_or(is_suppressed) OR (count(*) < ? AND false), bool_or(is_provisional),
                   bool_or(is_incomplete), bool_or(is_demo), count(*)
            FROM core_observations
            WHERE source_key = ? AND crime_code = ? AND measure = ? AND area_code IN (SELECT unnest(?))
              AND (period_code IN (SELECT period_code FROM wanted) OR period_code IN (SELECT month_code FROM wanted))
            GROUP BY period_code
            """,
            [len(members), len(members), key, crime, measure, members],
        ).fetchall()
    values = {}
    for code, count, suppressed, provisional, incomplete, demo, reporting in rows:
        missing = how == "members" and reporting < len(members) and not suppressed
        values[code] = (None if missing else (None if count is None else int(count)), bool(suppressed),
                        bool(provisional), bool(incomplete), bool(demo), int(reporting) if not missing else -1)  # fmt: skip
    return values


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
    """What is loaded: per source its periods, rows, origin and load time."""
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
