"""The veiligheidsbeeld of one municipality for a year or a half year: reads only.

Every number comes from `ivp.stats.selectors.figures`, in one request per measure (months of
every area and crime type at once), summed here with the same rules (`figures.py`). All crime
figures of one page come from one source, so the municipality and the areas it is compared with
are counted alike (see `crime_source_for`).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area
from ivp.areas.selectors import area_get, area_regions
from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.stats.models import CrimeType
from ivp.stats.periods import Grain, Period, enumerate_months
from ivp.stats.selectors import SOURCE_PREFERENCE, FigureRow, figures, store_status
from ivp.stats.store import StatsStore, default_store

from .constants import (
    MAIN_GROUPS,
    MONTHLY_CHART_YEARS,
    NUISANCE_CLASSIFICATION,
    NUISANCE_MEASURE,
    PROBE_CRIME_CODE,
    TOTAL_CODE,
    TREND_YEARS,
    main_group_of,
)
from .figures import EMPTY, MISSING, OK, SUPPRESSED, Figure, figure_of_months, figure_sum
from .findings import Finding, findings_for
from .peers import PeerGroup, peer_group_get
from .periods import ReportPeriod, months_label
from .significance import MINIMUM_CHANGE_PCT, RateTest, poisson_rate_test

PEERS_KEY = "peers"
COMPARATOR_KINDS = [AreaKind.POLICE_UNIT, AreaKind.SAFETY_REGION, AreaKind.PROVINCE, AreaKind.COUNTRY]


@dataclass(frozen=True)
class Comparator:
    key: str  # an area code, or PEERS_KEY
    name: str
    kind: str
    kind_label: str
    codes: tuple[str, ...]  # the areas whose figures make it up
    label: str = ""  # the name, with its kind where another comparator has the same name


@dataclass(frozen=True)
class Line:
    """A row of the picture: the total, a main group or one crime type."""

    key: str
    code: str
    title: str
    level: str  # "total", "group" or "type"
    group: str
    excluded: tuple[str, ...] = ()  # types left out of a group's sum (withheld by the publisher)


class Change:
    """A figure of one area in two periods; the significance test is made when first asked for."""

    def __init__(self, previous: Figure, current: Figure) -> None:
        self.previous = previous
        self.current = current

    @functools.cached_property
    def test(self) -> RateTest | None:
        """The exact conditional Poisson test of the two rates (counts over population), when
        both figures are usable."""
        previous, current = self.previous, self.current
        if not (previous.usable and current.usable) or previous.count is None or current.count is None:
            return None
        return poisson_rate_test(
            current.count, previous.count, float(current.population or 1), float(previous.population or 1)
        )

    @property
    def difference(self) -> int | None:
        if self.current.count is None or self.previous.count is None:
            return None
        return self.current.count - self.previous.count

    @property
    def change_pct(self) -> float | None:
        if self.current.count is None or not self.previous.count:
            return None
        return (self.current.count - self.previous.count) * 100 / self.previous.count

    @property
    def significant(self) -> bool:
        return self.test is not None and self.test.significant

    @property
    def notable(self) -> bool:
        """Significant and at least MINIMUM_CHANGE_PCT: the rule of "wat valt op"."""
        pct = self.change_pct
        return pct is not None and abs(pct) >= MINIMUM_CHANGE_PCT and self.significant


def change_of(previous: Figure, current: Figure) -> Change:
    return Change(previous, current)


@dataclass
class Row:
    line: Line
    change: Change  # of the municipality
    others: dict[str, Change]  # per comparator key
    trend_pct: float | None = None  # since the first trend period, municipality
    trend_pct_country: float | None = None


@dataclass
class NuisanceRow:
    code: str
    title: str
    changes: dict[str, Change]  # per area code


@dataclass
class Veiligheidsbeeld:
    area: Area
    period: ReportPeriod
    months: list[Period]  # the months of the period with data (all, unless the data ends earlier)
    previous_months: list[Period]
    source_key: str | None
    comparators: list[Comparator] = field(default_factory=list)
    peer_group: PeerGroup | None = None
    trend_periods: list[ReportPeriod] = field(default_factory=list)
    trend: dict[tuple[str, str], list[Figure]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    monthly: list[tuple[Period, Figure, float | None]] = field(default_factory=list)
    nuisance: list[NuisanceRow] = field(default_factory=list)
    nuisance_areas: list[Comparator] = field(default_factory=list)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    nuisance_sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return len(self.months) == len(self.period.months())

    @property
    def has_demo(self) -> bool:
        return any(s.get("is_demo") for s in self.sources.values()) or any(
            s.get("is_demo") for s in self.nuisance_sources.values()
        )

    @property
    def current_label(self) -> str:
        return months_label(self.months) if self.months else self.period.label()

    @property
    def previous_label(self) -> str:
        return months_label(self.previous_months) if self.previous_months else ""

    @property
    def row_total(self) -> Row:
        return self.rows[0]

    @property
    def group_rows(self) -> list[Row]:
        return [r for r in self.rows if r.line.level == "group"]

    @property
    def type_rows(self) -> list[Row]:
        return [r for r in self.rows if r.line.level == "type"]

    def comparator(self, key: str) -> Comparator | None:
        return next((c for c in self.comparators if c.key == key), None)


_SOURCES: dict[tuple[str, str, Period], str | None] = {}
SOURCES_CACHE_SIZE = 4096


def crime_source_for(*, area_code: str, month: Period, store: StatsStore | None = None) -> str | None:
    """The source of a municipality's per-type monthly figures: the one `figures` chooses for a
    crime type only municipal sources hold (real tables first, the demonstration cube last).
    Remembered per process and store version (a version never changes once written)."""
    folder = (store or default_store()).current_folder()
    key = (str(folder), area_code, month)
    if folder is not None and key in _SOURCES:
        return _SOURCES[key]
    result = figures(area_codes=[area_code], crime_codes=[PROBE_CRIME_CODE], first=month, last=month,
                     grain=Grain.MONTH, store=store)  # fmt: skip
    source = result.rows[0].source_key if result.rows else None
    if folder is not None:
        if len(_SOURCES) >= SOURCES_CACHE_SIZE:
            _SOURCES.clear()
        _SOURCES[key] = source
    return source


_LATEST: dict[str, tuple[float, ReportPeriod]] = {}
LATEST_CACHE_SECONDS = 60.0


def latest_period(*, store: StatsStore | None = None) -> ReportPeriod:
    """The most recent whole year or half year of the municipal monthly crime figures
    (remembered for a minute per store: `store_status` reads the whole store)."""
    key = str(store.root if store is not None else default_store().root)
    found = _LATEST.get(key)
    if found and time.monotonic() - found[0] < LATEST_CACHE_SECONDS:
        return found[1]
    period = _latest_period(store=store)
    _LATEST[key] = (time.monotonic(), period)
    return period


def _latest_period(*, store: StatsStore | None) -> ReportPeriod:
    import datetime as dt

    # The sources that answer registered crimes per type (not e.g. the burglary map points).
    crime_sources = set(SOURCE_PREFERENCE["politie"])
    lasts = [
        info["last_period"]
        for key, info in store_status(store=store)["sources"].items()
        if key in crime_sources and "month" in info.get("grains", "") and info.get("areas", 0) > 1
        and info.get("last_period")
    ]  # fmt: skip
    if not lasts:
        return ReportPeriod(dt.date.today().year - 1)
    last = dt.date.fromisoformat(max(lasts))
    if last.month == 12:
        return ReportPeriod(last.year)
    return ReportPeriod(last.year, 1) if last.month >= 6 else ReportPeriod(last.year - 1)


def _comparators(area: Area, *, group: Area | None, peers: PeerGroup | None) -> list[Comparator]:
    regions = {r.kind: r for r in area_regions(area=area)}
    found = []
    for kind in COMPARATOR_KINDS:
        region = regions.get(kind)
        if region is not None:
            found.append(
                Comparator(region.code, region.name, kind, str(AreaKind(kind).label), (region.code,))
            )
    if peers is not None and peers.members:
        found.append(
            Comparator(PEERS_KEY, _("Similar municipalities"), PEERS_KEY,
                       _("%(count)d nearest in population") % {"count": len(peers.members)},
                       tuple(peers.codes))
        )  # fmt: skip
    if group is not None:
        found.append(
            Comparator(group.code, group.name, AreaKind.GROUP, str(AreaKind.GROUP.label), (group.code,))
        )
    names = [c.name for c in found] + [area.name]
    return [
        dataclasses.replace(
            c, label=f"{c.name} ({c.kind_label.lower()})" if names.count(c.name) > 1 else c.name
        )
        for c in found
    ]


def _lines(types: Sequence[CrimeType], excluded: dict[str, list[str]]) -> list[Line]:
    total = next(t for t in types if t.code == TOTAL_CODE)
    lines = [Line(TOTAL_CODE, TOTAL_CODE, total.title, "total", "")]
    for number, title in MAIN_GROUPS.items():
        lines.append(Line(f"G{number}", number, str(title), "group", number, tuple(excluded.get(number, []))))
    lines += [
        Line(t.code, t.code, t.title, "type", main_group_of(t.code)) for t in types if t.code != TOTAL_CODE
    ]
    return lines


_COUNT = attrgetter("count")
_FLAGS = tuple(
    attrgetter(name) for name in ("is_suppressed", "is_missing", "is_provisional", "is_incomplete", "is_demo")
)


class _Series:
    """One area's monthly rows of one crime type. Most series are summed over two periods only
    (e.g. a peer's crime type), those directly; a series summed more often gets running totals,
    so that each further sum of a run of months costs the same as one month."""

    __slots__ = ("_sums", "_totals", "rows")

    DIRECT_SUMS = 2  # sums made directly before running totals are made

    def __init__(self, rows: list[FigureRow]) -> None:
        self.rows = rows
        self._sums = 0
        self._totals: tuple[list[int], ...] | None = None

    @property
    def any_suppressed(self) -> bool:
        return any(r.is_suppressed for r in self.rows)

    def _running(self) -> tuple[list[int], ...]:
        rows = self.rows
        self._totals = (
            list(accumulate([int(c or 0) for c in map(_COUNT, rows)], initial=0)),
            *(list(accumulate(map(flag, rows), initial=0)) for flag in _FLAGS),
        )
        return self._totals

    def totals(self) -> tuple[list[int], ...]:
        return self._totals or self._running()

    def set_totals(self, totals: tuple[list[int], ...]) -> None:
        self._totals = totals

    def figure(self, first: int, last: int) -> Figure:
        """`figure_of_months(rows[first : last + 1])`."""
        end = min(last + 1, len(self.rows))
        if first >= end:
            return EMPTY
        totals = self._totals
        if totals is None:
            self._sums += 1
            if self._sums <= self.DIRECT_SUMS:
                return figure_of_months(self.rows[first:end])
            totals = self._running()
        counts, suppressed, missing, provisional, incomplete, demo = totals
        is_missing = missing[end] > missing[first]
        status = SUPPRESSED if suppressed[end] > suppressed[first] else (MISSING if is_missing else OK)
        return Figure(
            count=counts[end] - counts[first] if status == OK else None,
            population=self.rows[end - 1].population,
            status=status,
            provisional=provisional[end] > provisional[first],
            incomplete=incomplete[end] > incomplete[first] or is_missing,
            demo=demo[end] > demo[first],
        )


class _Months:
    """Monthly rows of one request, by (area, crime) and month position."""

    def __init__(self, rows: list[FigureRow], months: list[Period]) -> None:
        self.position = {m: i for i, m in enumerate(months)}
        grouped: dict[tuple[str, str], list[FigureRow]] = {}
        for key, run in groupby(rows, key=attrgetter("area_code", "crime_code")):
            found = grouped.get(key)
            if found is None:
                grouped[key] = list(run)
            else:
                found.extend(run)
        self.series = {key: _Series(series) for key, series in grouped.items()}

        self.groups: dict[tuple[str, tuple[str, ...]], _Series | None] = {}

    def figure(self, area: str, crime: str, months: Sequence[Period]) -> Figure:
        series = self.series.get((area, crime))
        if not series or not months:
            return EMPTY
        first, last = self.position.get(months[0]), self.position.get(months[-1])
        if first is None or last is None:
            return EMPTY
        return series.figure(first, last)

    def group_figure(self, area: str, crimes: tuple[str, ...], months: Sequence[Period]) -> Figure:
        """`figure_sum` of the crime types' figures of one area (`same_population`), from the
        month-by-month sums of their running totals (made once per area and group)."""
        key = (area, crimes)
        if key not in self.groups:
            self.groups[key] = self._group(area, crimes)
        group = self.groups[key]
        if group is None:  # a type without rows, or of another length: sum figure by figure
            return figure_sum((self.figure(area, c, months) for c in crimes), same_population=True)
        if not months:
            return EMPTY
        first, last = self.position.get(months[0]), self.position.get(months[-1])
        if first is None or last is None:
            return EMPTY
        return group.figure(first, last)

    def _group(self, area: str, crimes: tuple[str, ...]) -> _Series | None:
        found = [p for p in (self.series.get((area, c)) for c in crimes) if p is not None]
        if not found or len(found) < len(crimes) or any(len(p.rows) != len(found[0].rows) for p in found):
            return None
        # The populations are those of the first type (figure_sum's rule for one area).
        group = _Series(found[0].rows)
        columns = zip(*(p.totals() for p in found), strict=True)
        group.set_totals(tuple([sum(months) for months in zip(*column, strict=True)] for column in columns))
        return group


def veiligheidsbeeld_get(
    *,
    area_code: str,
    period: ReportPeriod,
    group_code: str | None = None,
    store: StatsStore | None = None,
) -> Veiligheidsbeeld:
    """Everything the veiligheidsbeeld page, memo, PDF and CLI show (see docs/veiligheidsbeeld.md)."""
    area = area_get(code_or_name=area_code)
    if area.kind != AreaKind.MUNICIPALITY:
        raise ValidationFailed([_("A veiligheidsbeeld is made for a municipality; %(code)s is not one.")
                                % {"code": area.code}])  # fmt: skip
    group = None
    if group_code:
        group = area_get(code_or_name=group_code)
        if group.kind != AreaKind.GROUP:
            raise NotFoundError(_("No group '%(code)s'.") % {"code": group_code})
    period_months = period.months()
    source = crime_source_for(area_code=area.code, month=period_months[0], store=store)
    picture = Veiligheidsbeeld(area=area, period=period, months=[], previous_months=[], source_key=source)
    peers = peer_group_get(area=area)
    picture.peer_group = peers
    picture.comparators = _comparators(area, group=group, peers=peers)
    picture.trend_periods = [period.shifted(-years) for years in range(TREND_YEARS - 1, -1, -1)]
    if source is None:
        picture.notes.append(_("No figures per crime type are loaded for this municipality."))
        return picture

    first = picture.trend_periods[0].months()[0]
    first_monthly = Period(first.year - 1, Grain.MONTH, 1)  # a year before, for the rolling line
    months = enumerate_months(first_monthly, period_months[-1])
    types = list(CrimeType.objects.filter(classification="politie").order_by("sort_order"))
    codes = [a for c in picture.comparators for a in c.codes]
    result = figures(area_codes=[area.code, *dict.fromkeys(codes)], crime_codes=[t.code for t in types],
                     first=months[0], last=months[-1], grain=Grain.MONTH, per_1000=True, source_key=source,
                     store=store)  # fmt: skip
    picture.sources = dict(result.sources)
    data = _Months(result.rows, months)

    # The months of the period with data: up to the last month in which the municipality's
    # total is known (a period whose data ends early is compared month for month).
    known = [m for m in period_months if data.figure(area.code, TOTAL_CODE, [m]).status != "missing"]
    if not known:
        picture.notes.append(_("There are no figures for %(period)s yet.") % {"period": period.label()})
        return picture
    picture.months = period_months[: period_months.index(known[-1]) + 1]
    picture.previous_months = [Period(m.year - 1, m.grain, m.number) for m in picture.months]

    # Main groups: the sum of their types, leaving out (everywhere alike) the types that the
    # publisher withheld somewhere in the request.
    withheld = {c for (_a, c), series in data.series.items() if series.any_suppressed}
    excluded: dict[str, list[str]] = {}
    for t in types:
        if t.code != TOTAL_CODE and t.code in withheld:
            excluded.setdefault(main_group_of(t.code), []).append(f"{t.code} {t.title}")
    lines = _lines(types, excluded)
    members = {
        number: tuple(t.code for t in types if t.code != TOTAL_CODE and main_group_of(t.code) == number
                      and t.code not in withheld)
        for number in MAIN_GROUPS
    }  # fmt: skip

    def figure(area_key: str, line: Line, period_months: Sequence[Period]) -> Figure:
        if area_key == PEERS_KEY and peers is not None:
            return figure_sum(figure(code, line, period_months) for code in peers.codes)
        if line.level == "group":
            return data.group_figure(area_key, members[line.group], period_months)
        return data.figure(area_key, line.code, period_months)

    country = next((c.key for c in picture.comparators if c.kind == AreaKind.COUNTRY), None)
    keys = [area.code] + [c.key for c in picture.comparators]
    trend_months = [p.months() for p in picture.trend_periods]
    if not picture.complete:  # the last trend point: the months with data, like the comparison
        trend_months[-1] = picture.months
        trend_months[-2] = picture.previous_months
    for key in keys:
        for line in lines:
            # Every period for the total and the main groups (the charts), and for the types of
            # the municipality and the country (the change since the first year); the others
            # only need the two periods compared.
            if line.level != "type" or key in (area.code, country):
                picture.trend[(key, line.key)] = [figure(key, line, ms) for ms in trend_months]
    for line in lines:
        own = picture.trend[(area.code, line.key)]
        row = Row(line=line, change=change_of(own[-2], own[-1]), others={})
        for comparator in picture.comparators:
            series = picture.trend.get((comparator.key, line.key))
            if series is None:
                series = [figure(comparator.key, line, ms) for ms in trend_months[-2:]]
            row.others[comparator.key] = change_of(series[-2], series[-1])
        row.trend_pct = _pct(own[0], own[-1])
        if country:
            series = picture.trend[(country, line.key)]
            row.trend_pct_country = _pct(series[0], series[-1])
        picture.rows.append(row)

    picture.monthly = _monthly(data, area.code, months, picture.months[-1])
    _nuisance(picture, store=store)
    _notes(picture)
    picture.findings = findings_for(picture)
    return picture


def _pct(first: Figure, last: Figure) -> float | None:
    if not (first.usable and last.usable) or not first.count or last.count is None:
        return None
    return (last.count - first.count) * 100 / first.count


def _monthly(
    data: _Months, area: str, months: list[Period], last: Period
) -> list[tuple[Period, Figure, float | None]]:
    """The municipality's monthly total for the last MONTHLY_CHART_YEARS years up to `last`,
    with the average of the twelve months up to each month (None when one of them is unknown)."""
    shown = [m for m in months if m <= last and m.year > last.year - MONTHLY_CHART_YEARS]
    out = []
    for month in shown:
        end = months.index(month)
        window = months[end - 11 : end + 1] if end >= 11 else []
        total = data.figure(area, TOTAL_CODE, window) if window else EMPTY
        rolling = total.count / 12 if total.status == OK and total.count is not None else None
        out.append((month, data.figure(area, TOTAL_CODE, [month]), rolling))
    return out


def _nuisance(picture: Veiligheidsbeeld, *, store: StatsStore | None) -> None:
    """Registered nuisance (classification overlast) for the municipality and its official
    regions, where a source holds it."""
    codes = list(
        CrimeType.objects.filter(classification=NUISANCE_CLASSIFICATION)
        .order_by("sort_order")
        .values_list("code", "title")
    )
    if not codes:
        return
    areas = [c for c in picture.comparators if c.key != PEERS_KEY and c.kind != AreaKind.GROUP]
    area_codes = [picture.area.code] + [c.key for c in areas]
    result = figures(area_codes=area_codes, crime_codes=[c for c, _t in codes],
                     first=picture.previous_months[0], last=picture.months[-1], grain=Grain.MONTH,
                     per_1000=True, measure=NUISANCE_MEASURE, store=store)  # fmt: skip
    months = enumerate_months(picture.previous_months[0], picture.months[-1])
    data = _Months(result.rows, months)
    own = Comparator(picture.area.code, picture.area.name, AreaKind.MUNICIPALITY,
                     str(AreaKind.MUNICIPALITY.label), (picture.area.code,))  # fmt: skip
    with_data = [
        c for c in [own, *areas]
        if any(data.figure(c.key, code, picture.months).status != "missing" for code, _t in codes)
    ]  # fmt: skip
    if not with_data:
        return
    picture.nuisance_areas = with_data
    picture.nuisance_sources = {k: v for k, v in result.sources.items() if k}
    for code, title in codes:
        changes = {
            c.key: change_of(
                data.figure(c.key, code, picture.previous_months), data.figure(c.key, code, picture.months)
            )
            for c in with_data
        }
        picture.nuisance.append(NuisanceRow(code, title, changes))


def _notes(picture: Veiligheidsbeeld) -> None:
    if not picture.complete:
        picture.notes.append(
            _("The figures end in %(month)s: %(period)s is compared with the same months a year earlier.")
            % {"month": months_label(picture.months[-1:]), "period": picture.period.label()}
        )
    rows = [r.change.current for r in picture.rows] + [r.change.previous for r in picture.rows]
    if any(f.provisional for f in rows):
        notes = _("Figures of the most recent year are provisional and may still be revised.")
        picture.notes.append(notes)
    for row in picture.group_rows:
        if row.line.excluded:
            picture.notes.append(
                _("%(group)s: the sum leaves out %(types)s, which the publisher withholds.")
                % {"group": row.line.title, "types": ", ".join(row.line.excluded)}
            )
    if any(r.change.current.status == SUPPRESSED for r in picture.type_rows):
        picture.notes.append(_("'withheld' means the publisher did not release the figure; it is not 0."))
