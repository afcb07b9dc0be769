"""The explorer's measures on the demonstration cube of one police unit."""

from __future__ import annotations

import pytest

from ivp.areas.selectors import area_get
from ivp.explorer.constants import ChartKind, Measure
from ivp.explorer.selection import Selection
from ivp.explorer.selectors import explorer_map, explorer_result
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import crime_types_get, figures
from ivp.stats.store import StatsStore

from .data import THREE, UNIT

pytestmark = pytest.mark.django_db


def _selection(measure: Measure, *, areas: list[str] | None = None, crimes: list[str] | None = None,
               first: str = "2021", last: str = "2023", grain: Grain = Grain.YEAR) -> Selection:  # fmt: skip
    return Selection(
        areas=tuple(area_get(code_or_name=c) for c in (areas or [*THREE, UNIT])),
        crimes=tuple(crime_types_get(codes=crimes or ["1.1.1"])),
        first=parse_bound(first),
        last=parse_bound(last, end=True),
        grain=grain,
        measure=measure,
        chart=ChartKind.LINE,
    )


def test_count_is_the_registered_figure_per_area_and_year(demo_store: StatsStore) -> None:
    result = explorer_result(selection=_selection(Measure.COUNT))
    raw = figures(area_codes=[*THREE, UNIT], crime_codes=["1.1.1"], first=parse_bound("2021"),
                  last=parse_bound("2023", end=True), grain=Grain.YEAR, store=demo_store)  # fmt: skip
    assert [(r.area_code, r.period.code, r.value.export()) for r in result.rows] == [
        (r.area_code, r.period.code, r.count) for r in raw.rows
    ]
    assert len(result.rows) == 4 * 3 and result.has_demo
    assert all("demonstratiegegevens" in r.notes for r in result.rows)
    assert result.sources[0].is_demo and result.sources[0].data_date == "2024-03-01"


def test_per_1000_is_the_count_over_the_inhabitants_and_names_their_year(demo_store: StatsStore) -> None:
    result = explorer_result(selection=_selection(Measure.PER_1000, areas=["GM0935", UNIT], first="2023"))
    assert [c.key for c in result.measure_columns] == ["per_1000", "count", "population"]
    for row in result.rows:
        count, population = row.cells["count"].value, row.cells["population"].value
        assert isinstance(count, int | float) and isinstance(population, int | float) and population > 0
        assert row.value.export() == round(count * 1000 / population, 2)
        assert row.value.decimals == 2
    region = result.rows[1]
    assert (
        region.area_code == UNIT
        and region.cells["population"].value > result.rows[0].cells["population"].value
    )


def test_pct_change_compares_with_the_same_period_a_year_earlier(demo_store: StatsStore) -> None:
    result = explorer_result(
        selection=_selection(Measure.PCT_CHANGE, areas=["GM0935"], first="2021", last="2022")
    )
    counts = {
        r.period.year: r.count
        for r in figures(area_codes=["GM0935"], crime_codes=["1.1.1"], first=parse_bound("2020"),
                         last=parse_bound("2022", end=True), grain=Grain.YEAR, store=demo_store).rows
    }  # fmt: skip
    assert [r.period.year for r in result.rows] == [2021, 2022]  # the year before is read, not shown
    for row in result.rows:
        now, before = counts[row.period.year], counts[row.period.year - 1]
        assert row.cells["count"].value == now and row.cells["count_previous"].value == before
        assert row.value.export() == round((now - before) * 100 / before, 1)


def test_pct_change_by_quarter_compares_with_the_same_quarter_a_year_earlier(demo_store: StatsStore) -> None:
    result = explorer_result(selection=_selection(Measure.PCT_CHANGE, areas=["GM0935"], first="2022-01",
                                                  last="2022-06", grain=Grain.QUARTER))  # fmt: skip
    assert [r.period.code for r in result.rows] == ["2022KW01", "2022KW02"]
    raw = figures(area_codes=["GM0935"], crime_codes=["1.1.1"], first=parse_bound("2021-04"),
                  last=parse_bound("2021-06"), grain=Grain.QUARTER, store=demo_store)  # fmt: skip
    assert result.rows[1].cells["count_previous"].value == raw.rows[0].count


def test_share_divides_by_the_total_of_the_same_source(demo_store: StatsStore) -> None:
    result = explorer_result(selection=_selection(Measure.SHARE, areas=["GM0935", UNIT], first="2023"))
    totals = figures(area_codes=["GM0935", UNIT], crime_codes=["0.0.0"], first=parse_bound("2023"),
                     last=parse_bound("2023", end=True), grain=Grain.YEAR, source_key="demo_cube",
                     store=demo_store)  # fmt: skip
    for row, total in zip(result.rows, totals.rows, strict=True):
        assert row.cells["total"].value == total.count
        assert row.value.export() == round(row.cells["count"].value * 100 / total.count, 2)


def test_pp_change_is_the_change_of_the_share_in_percentage_points(demo_store: StatsStore) -> None:
    shares = explorer_result(selection=_selection(Measure.SHARE, areas=["GM0917"], first="2022"))
    change = explorer_result(selection=_selection(Measure.PP_CHANGE, areas=["GM0917"], first="2023"))
    before, now = (r.cells["share"].value for r in shares.rows)
    assert isinstance(before, float) and isinstance(now, float)
    row = change.rows[0]
    assert row.cells["share_pct"].export() == round(now, 2)
    assert row.cells["share_previous_pct"].export() == round(before, 2)
    assert row.value.export() == round(now - before, 2)


@pytest.mark.parametrize("measure", list(Measure))
def test_a_suppressed_figure_stays_suppressed_in_every_measure_never_0(
    demo_store: StatsStore, measure: Measure
) -> None:
    result = explorer_result(selection=_selection(measure, areas=["GM0935"], crimes=["1.4.1"], first="2023"))
    row = result.rows[0]
    assert row.value.value is None and row.value.display() == "geheim" and row.value.export() == "geheim"


def test_an_area_without_figures_is_missing_not_0(demo_store: StatsStore) -> None:
    result = explorer_result(selection=_selection(Measure.COUNT, areas=["GM0363"], first="2023"))
    assert result.rows[0].value.display() == "ontbreekt"


def test_the_map_shows_the_chosen_municipalities_and_the_members_of_a_chosen_region(
    demo_store: StatsStore,
) -> None:
    result = explorer_map(selection=_selection(Measure.PER_1000, areas=["GM0935", UNIT]))
    codes = [v["code"] for v in result.values]
    assert codes[0] == "GM0935" and len(codes) == 31 and len(set(codes)) == 31  # Maastricht once
    assert result.period.code == "2023JJ00" and result.expanded == ["Limburg"]
    assert result.without_shape == [] and result.has_demo
    table = explorer_result(selection=_selection(Measure.PER_1000, areas=["GM0935"]))
    assert result.values[0]["text"] == table.rows[-1].value.display()
