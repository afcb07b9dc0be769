"""Comparisons built on `selectors.figures`: year-to-date against the same months a year
earlier, rolling 12 months, % change and percentage-point change, share of total, and rank.

Every function inherits the rules of `figures`: a suppressed or missing month makes every sum
that needs it unknown (None), never a partial sum; a group's rate is its summed count over its
summed population.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .periods import Grain, Period, enumerate_months
from .selectors import FigureRow, figures
from .store import StatsStore

TOTAL_CODES = {"politie": "0.0.0", "overlast": "0.0.0", "cbs": "T001161"}


def pct_change(current: float | None, previous: float | None) -> float | None:
    """Percentage change from `previous` to `current`; None when either is unknown or previous is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) * 100 / previous


def pp_change(current_pct: float | None, previous_pct: float | None) -> float | None:
    """Change in percentage points between two percentages."""
    if current_pct is None or previous_pct is None:
        return None
    return current_pct - previous_pct


def _sum(rows: Sequence[FigureRow]) -> int | None:
    if not rows or any(r.count is None for r in rows):
        return None
    return sum(r.count or 0 for r in rows)


@dataclass(frozen=True)
class YearToDate:
    area_code: str
    crime_code: str
    through: Period  # the last month included
    current_count: int | None
    previous_count: int | None

    @property
    def change_pct(self) -> float | None:
        return pct_change(self.current_count, self.previous_count)


def year_to_date(
    *,
    area_codes: Sequence[str],
    crime_codes: Sequence[str],
    through: Period,
    measure: str = "registered_crimes",
    store: StatsStore | None = None,
) -> list[YearToDate]:
    """January up to `through` (a month) against the same months of the year before."""
    first_previous = Period(through.year - 1, Grain.MONTH, 1)
    result = figures(area_codes=area_codes, crime_codes=crime_codes, first=first_previous, last=through,
                     grain=Grain.MONTH, measure=measure, store=store)  # fmt: skip
    out = []
    for area in dict.fromkeys(r.area_code for r in result.rows):
        for crime in dict.fromkeys(r.crime_code for r in result.rows):
            rows = [r for r in result.rows if r.area_code == area and r.crime_code == crime]
            current = [r for r in rows if r.period.year == through.year]
            previous = [
                r for r in rows if r.period.year == through.year - 1 and r.period.number <= through.number
            ]
            out.append(YearToDate(area, crime, through, _sum(current), _sum(previous)))
    return out


@dataclass(frozen=True)
class RollingValue:
    area_code: str
    crime_code: str
    month: Period  # the last month of the twelve
    count: int | None


def rolling_12_months(
    *,
    area_codes: Sequence[str],
    crime_codes: Sequence[str],
    first: Period,
    last: Period,
    measure: str = "registered_crimes",
    store: StatsStore | None = None,
) -> list[RollingValue]:
    """For every month from `first` to `last`: the sum of that month and the eleven before it."""
    months = enumerate_months(first, last)
    start = months[0]
    for _ in range(11):
        start = (
            Period(start.year - 1, Grain.MONTH, 12)
            if start.number == 1
            else Period(start.year, Grain.MONTH, start.number - 1)
        )
    result = figures(area_codes=area_codes, crime_codes=crime_codes, first=start, last=last, grain=Grain.MONTH,
                     measure=measure, store=store)  # fmt: skip
    out = []
    for area in dict.fromkeys(r.area_code for r in result.rows):
        for crime in dict.fromkeys(r.crime_code for r in result.rows):
            series = [r for r in result.rows if r.area_code == area and r.crime_code == crime]
            index = {r.period: i for i, r in enumerate(series)}
            for month in months:
                end = index[month]
                window = series[end - 11 : end + 1] if end >= 11 else []
                out.append(RollingValue(area, crime, month, _sum(window) if len(window) == 12 else None))
    return out


@dataclass(frozen=True)
class Share:
    area_code: str
    crime_code: str
    period: Period
    count: int | None
    total: int | None

    @property
    def pct(self) -> float | None:
        if self.count is None or not self.total:
            return None
        return self.count * 100 / self.total


def share_of_total(
    *,
    area_codes: Sequence[str],
    crime_codes: Sequence[str],
    first: Period,
    last: Period,
    grain: Grain,
    measure: str = "registered_crimes",
    store: StatsStore | None = None,
) -> list[Share]:
    """Each crime type's share (%) of the published total of its own classification (0.0.0 for
    the politie lists, T001161 for CBS), per area and period. The total is never a sum of parts."""
    parts = figures(area_codes=area_codes, crime_codes=crime_codes, first=first, last=last, grain=grain,
                    measure=measure, store=store)  # fmt: skip
    classification = {code: _classification(code) for code in dict.fromkeys(r.crime_code for r in parts.rows)}
    totals_needed = sorted({TOTAL_CODES[c] for c in classification.values()})
    totals = figures(area_codes=area_codes, crime_codes=totals_needed, first=first, last=last, grain=grain,
                     measure=measure, store=store)  # fmt: skip
    total_of = {(r.area_code, r.crime_code, r.period): r.count for r in totals.rows}
    return [
        Share(
            r.area_code,
            r.crime_code,
            r.period,
            r.count,
            total_of.get((r.area_code, TOTAL_CODES[classification[r.crime_code]], r.period)),
        )
        for r in parts.rows
    ]


def _classification(code: str) -> str:
    from .models import CrimeType

    found = CrimeType.objects.filter(code=code).values_list("classification", flat=True)
    kinds = list(found)
    return "cbs" if "cbs" in kinds else ("politie" if "politie" in kinds else kinds[0])


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # 1 = highest; None when the value is unknown
    row: FigureRow
    value: float | None


def rank_among(
    *,
    area_codes: Sequence[str],
    crime_code: str,
    period: Period,
    per_1000: bool = True,
    measure: str = "registered_crimes",
    store: StatsStore | None = None,
) -> list[Ranked]:
    """The areas ranked by their figure for one crime type and period (by rate per 1,000 by
    default), highest first; equal values share a rank; unknown values come last without a rank."""
    months = period.months()
    result = figures(area_codes=area_codes, crime_codes=[crime_code], first=months[0], last=months[-1],
                     grain=period.grain, per_1000=per_1000, measure=measure, store=store)  # fmt: skip
    rows = [r for r in result.rows if r.period == period]
    values = [(r, r.per_1000 if per_1000 else (None if r.count is None else float(r.count))) for r in rows]
    known = sorted((v for v in values if v[1] is not None), key=lambda v: -(v[1] or 0))
    ranked: list[Ranked] = []
    for position, (row, value) in enumerate(known, start=1):
        same = ranked and ranked[-1].value == value
        ranked.append(Ranked(ranked[-1].rank if same else position, row, value))
    ranked += [Ranked(None, row, None) for row, value in values if value is None]
    return ranked
