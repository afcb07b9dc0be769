"""The period of a veiligheidsbeeld: a calendar year (`2023`) or a half year (`2023-H1`,
`2023-H2`), always compared with the same months one year earlier."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ivp.core.errors import ValidationFailed
from ivp.stats.periods import Grain, Period

_PATTERN = re.compile(r"^(\d{4})(?:-?(H[12]))?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """A year (`half` 0) or a half year (`half` 1 or 2)."""

    year: int
    half: int = 0

    @property
    def code(self) -> str:
        return str(self.year) if not self.half else f"{self.year}-H{self.half}"

    @property
    def is_half_year(self) -> bool:
        return self.half != 0

    def months(self) -> list[Period]:
        first, last = {0: (1, 12), 1: (1, 6), 2: (7, 12)}[self.half]
        return [Period(self.year, Grain.MONTH, m) for m in range(first, last + 1)]

    def shifted(self, years: int) -> ReportPeriod:
        """The same months `years` years later (negative: earlier)."""
        return ReportPeriod(self.year + years, self.half)

    def label(self) -> str:
        """`2023` or `eerste halfjaar 2023` (translated)."""
        if not self.half:
            return str(self.year)
        if self.half == 1:
            return _("first half of %(year)d") % {"year": self.year}
        return _("second half of %(year)d") % {"year": self.year}

    def short_label(self) -> str:
        return str(self.year) if not self.half else f"{self.year} H{self.half}"


def report_period_parse(text: str) -> ReportPeriod:
    """`2023`, `2023-H1` or `2023-H2` (case-insensitive)."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValidationFailed(
            [
                _("'%(text)s' is not a period: use a year (2023) or a half year (2023-H1, 2023-H2).")
                % {"text": text}
            ]
        )
    year, half = int(match.group(1)), match.group(2)
    if not 1990 <= year <= 2100:
        raise ValidationFailed([_("'%(text)s' is not a year ivp knows figures for.") % {"text": text}])
    return ReportPeriod(year, int(half[1]) if half else 0)


def month_label(month: Period) -> str:
    """`januari 2023` in the active language."""
    return date_format(month.start, "F Y")


def months_label(months: list[Period]) -> str:
    """`januari-juni 2023` (an en dash) for a run of months of one year (`januari 2023` for one month), in
    the active language."""
    first, last = months[0], months[-1]
    if first == last:
        return month_label(first)
    if first.year == last.year:
        return f"{date_format(first.start, 'F')}\u2013{date_format(last.start, 'F')} {last.year}"
    return f"{month_label(first)} \u2013 {month_label(last)}"
