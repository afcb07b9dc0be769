"""The page's sums of runs of months (running totals after the first sums of a series) equal the
plain sum of the same months, with the same rules for withheld and missing months."""

from __future__ import annotations

import dataclasses

from ivp.stats.periods import Grain, Period
from ivp.stats.selectors import FigureRow
from ivp.veiligheidsbeeld.figures import figure_of_months, figure_sum
from ivp.veiligheidsbeeld.selectors import _Months

MONTHS = [Period(2022 + i // 12, Grain.MONTH, i % 12 + 1) for i in range(24)]


def _row(i: int) -> FigureRow:
    return FigureRow(
        area_code="GM0001",
        area_name="A",
        crime_code="1.1.1",
        crime_title="T",
        period=MONTHS[i],
        count=None if i in (5, 17) else 10 + i,
        is_suppressed=i == 5,
        is_missing=i == 17,
        is_provisional=i >= 20,
        is_incomplete=i == 9,
        is_demo=i == 2,
        source_key="demo_cube",
        table_id="X",
        population=1000 + i // 12,
    )


def test_every_run_of_months_sums_as_the_plain_sum_also_after_the_running_totals_are_made() -> None:
    rows = [_row(i) for i in range(len(MONTHS))]
    data = _Months(rows, MONTHS)
    runs = [(a, b) for a in range(len(MONTHS)) for b in range(a, len(MONTHS))]
    statuses = set()
    for first, last in runs + runs:  # the first sums directly, all further ones from the totals
        expected = figure_of_months(rows[first : last + 1])
        assert data.figure("GM0001", "1.1.1", MONTHS[first : last + 1]) == expected, (first, last)
        statuses.add(expected.status)
    assert statuses == {"ok", "suppressed", "missing"}
    assert data.series[("GM0001", "1.1.1")].any_suppressed


def test_a_group_sums_as_the_sum_of_its_types_figures_also_when_a_type_has_no_rows() -> None:
    rows = [_row(i) for i in range(len(MONTHS))]
    other = [dataclasses.replace(r, crime_code="1.2.3", count=(r.count or 0) * 2, population=5) for r in rows]
    data = _Months(rows + other, MONTHS)
    for crimes in [("1.1.1", "1.2.3"), ("1.2.3", "1.1.1"), ("1.1.1", "9.9.9"), ()]:
        for first in range(len(MONTHS)):
            for last in range(first, len(MONTHS)):
                months = MONTHS[first : last + 1]
                expected = figure_sum(
                    (data.figure("GM0001", c, months) for c in crimes), same_population=True
                )
                assert data.group_figure("GM0001", crimes, months) == expected, (crimes, first, last)
