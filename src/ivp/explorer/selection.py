"""What a user chose in the explorer, and its canonical query string."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ivp.areas.models import Area
from ivp.stats.models import CrimeType
from ivp.stats.periods import Grain, Period, enumerate_periods

from .constants import ChartKind, Measure


@dataclass(frozen=True)
class Selection:
    areas: tuple[Area, ...]
    crimes: tuple[CrimeType, ...]
    first: Period  # a month
    last: Period  # a month
    grain: Grain
    measure: Measure
    chart: ChartKind = ChartKind.LINE

    @property
    def area_codes(self) -> list[str]:
        return [a.code for a in self.areas]

    @property
    def crime_codes(self) -> list[str]:
        return [c.code for c in self.crimes]

    @property
    def periods(self) -> list[Period]:
        return enumerate_periods(self.first, self.last, self.grain)

    def query_string(self) -> str:
        """The canonical query string: codes instead of names, bounds as year-month."""
        params: list[tuple[str, str]] = [("area", code) for code in self.area_codes]
        params += [("crime", code) for code in self.crime_codes]
        params += [
            ("from", _bound(self.first, whole_year=self.first.number == 1)),
            ("to", _bound(self.last, whole_year=self.last.number == 12)),
            ("grain", self.grain.value),
            ("measure", self.measure.value),
            ("chart", self.chart.value),
        ]
        return urlencode(params)


def _bound(month: Period, *, whole_year: bool) -> str:
    """`2019` for a bound on a year's edge (January for `from`, December for `to`), else `2019-03`."""
    return str(month.year) if whole_year else f"{month.year}-{month.number:02d}"
