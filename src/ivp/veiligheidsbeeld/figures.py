"""Sums of `FigureRow`s over months, over municipalities and over crime types, with the rules of
`ivp.stats.selectors`: a sum that needs a suppressed figure is suppressed, one that needs a
missing figure is missing (never a partial sum); a group's rate is its summed count over its
summed population."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ivp.stats.selectors import FigureRow

OK, SUPPRESSED, MISSING = "ok", "suppressed", "missing"


@dataclass(frozen=True)
class Figure:
    """One number of the veiligheidsbeeld: a count with its population and flags."""

    count: int | None
    population: int | None
    status: str
    provisional: bool = False
    incomplete: bool = False
    demo: bool = False

    @property
    def per_1000(self) -> float | None:
        if self.count is None or not self.population:
            return None
        return self.count * 1000 / self.population

    @property
    def usable(self) -> bool:
        """Whether statements may be made on it: published, complete and known."""
        return self.status == OK and self.count is not None and not self.incomplete


EMPTY = Figure(None, None, MISSING, incomplete=True)


def figure_of_months(rows: Sequence[FigureRow]) -> Figure:
    """The sum of one area's months (one year: rows carry the population of their year)."""
    if not rows:
        return EMPTY
    count = 0
    suppressed = missing = provisional = incomplete = demo = False
    for r in rows:  # one pass: the page sums thousands of runs of months
        count += r.count or 0
        suppressed = suppressed or r.is_suppressed
        missing = missing or r.is_missing
        provisional = provisional or r.is_provisional
        incomplete = incomplete or r.is_incomplete
        demo = demo or r.is_demo
    status = SUPPRESSED if suppressed else (MISSING if missing else OK)
    return Figure(
        count=int(count) if status == OK else None,
        population=rows[-1].population,
        status=status,
        provisional=provisional,
        incomplete=incomplete or missing,
        demo=demo,
    )


def figure_sum(figures: Iterable[Figure], *, same_population: bool = False) -> Figure:
    """The sum of several figures: of municipalities (populations add up) or of crime types of
    one area (`same_population`: the population is that of the area)."""
    parts = list(figures)
    if not parts:
        return EMPTY
    statuses = {f.status for f in parts}
    status = SUPPRESSED if SUPPRESSED in statuses else (MISSING if MISSING in statuses else OK)
    populations = [f.population for f in parts]
    if same_population:
        population = populations[0]
    else:
        population = None if any(p is None for p in populations) else sum(p or 0 for p in populations)
    return Figure(
        count=int(sum(f.count or 0 for f in parts)) if status == OK else None,
        population=population,
        status=status,
        provisional=any(f.provisional for f in parts),
        incomplete=any(f.incomplete for f in parts),
        demo=any(f.demo for f in parts),
    )
