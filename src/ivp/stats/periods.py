"""CBS period codes: `2021MM01` (month), `2021KW04` (quarter), `2021JJ00` (year).

One column of a CBS table can hold all three grains. Periods are therefore always enumerated
(a year is its twelve months, a quarter its three), never compared as strings or ranges.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

_CODE = re.compile(r"^(\d{4})(MM|KW|JJ)(\d{2})$")
_BOUND = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")
MONTH_NAMES_NL = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MARK = {Grain.MONTH: "MM", Grain.QUARTER: "KW", Grain.YEAR: "JJ"}
_GRAIN = {v: k for k, v in _MARK.items()}


class PeriodError(ValueError):
    """A period code or bound that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    """One period; `number` is the month (1-12), the quarter (1-4), or 0 for a year."""

    year: int
    grain: Grain
    number: int

    def __post_init__(self) -> None:
        limits = {Grain.MONTH: (1, 12), Grain.QUARTER: (1, 4), Grain.YEAR: (0, 0)}[self.grain]
        if not limits[0] <= self.number <= limits[1] or not 1800 <= self.year <= 2200:
            raise PeriodError(f"no such period: {self.year} {self.grain} {self.number}")

    @property
    def code(self) -> str:
        return f"{self.year}{_MARK[self.grain]}{self.number:02d}"

    @property
    def start(self) -> dt.date:
        month = {Grain.MONTH: self.number, Grain.QUARTER: 3 * self.number - 2, Grain.YEAR: 1}[self.grain]
        return dt.date(self.year, month, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        return self.months()[-1].next().start

    def months(self) -> list[Period]:
        if self.grain == Grain.MONTH:
            return [self]
        first = 1 if self.grain == Grain.YEAR else 3 * self.number - 2
        count = 12 if self.grain == Grain.YEAR else 3
        return [Period(self.year, Grain.MONTH, m) for m in range(first, first + count)]

    def next(self) -> Period:
        last = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 0}[self.grain]
        if self.grain == Grain.YEAR:
            return Period(self.year + 1, self.grain, 0)
        if self.number == last:
            return Period(self.year + 1, self.grain, 1)
        return Period(self.year, self.grain, self.number + 1)

    def containing(self, grain: Grain) -> Period:
        """The period of `grain` that holds this one (a month's quarter or year)."""
        if grain == Grain.YEAR:
            return Period(self.year, Grain.YEAR, 0)
        if grain == Grain.QUARTER:
            if self.grain == Grain.YEAR:
                raise PeriodError(f"{self.code} does not fit in one quarter")
            return Period(self.year, Grain.QUARTER, (self.months()[0].number - 1) // 3 + 1)
        if self.grain != Grain.MONTH:
            raise PeriodError(f"{self.code} does not fit in one month")
        return self

    def label(self) -> str:
        """A Dutch label: `januari 2021`, `2021 K4`, `2021`."""
        if self.grain == Grain.MONTH:
            return f"{MONTH_NAMES_NL[self.number - 1]} {self.year}"
        if self.grain == Grain.QUARTER:
            return f"{self.year} K{self.number}"
        return str(self.year)

    def __str__(self) -> str:
        return self.code


def parse_code(code: str) -> Period:
    """Read a CBS period code; surrounding spaces are ignored."""
    match = _CODE.match(code.strip())
    if not match:
        raise PeriodError(f"'{code}' is not a CBS period code (like 2021MM01, 2021KW04 or 2021JJ00)")
    year, mark, number = match.groups()
    return Period(int(year), _GRAIN[mark], int(number))


def parse_bound(text: str, *, end: bool = False) -> Period:
    """A `--from`/`--to` bound: `2012` or `2012-03`, as a month (a year's first or last month)."""
    match = _BOUND.match(text.strip())
    if not match:
        raise PeriodError(f"'{text}' is not a year or a year-month (like 2012 or 2012-03)")
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return Period(year, Grain.MONTH, 12 if end else 1)
    return Period(year, Grain.MONTH, int(month))


def enumerate_months(first: Period, last: Period) -> list[Period]:
    """Every month from `first` to `last` inclusive (both months)."""
    if first > last:
        raise PeriodError(f"the period runs backwards: {first.label()} comes after {last.label()}")
    months, current = [], first
    while current <= last:
        months.append(current)
        current = current.next()
    return months


def enumerate_periods(first: Period, last: Period, grain: Grain) -> list[Period]:
    """The periods of `grain` that lie wholly between two months (inclusive)."""
    months = enumerate_months(first, last)
    wanted = set(months)
    result: list[Period] = []
    for month in months:
        period = month.containing(grain)
        if period not in result and all(m in wanted for m in period.months()):
            result.append(period)
    return result
