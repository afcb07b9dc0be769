"""The bundled real data, loaded and queried end to end."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from django.conf import settings

from ivp.areas.models import Population
from ivp.stats.models import CrimeType, IngestRun
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures
from ivp.stats.sources.politie import NATIONAL_MONTHLY_FILE, NATIONAL_YEARLY_FILE
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db


def _codes_by_title() -> dict[str, str]:
    return dict(CrimeType.objects.filter(classification="politie").values_list("published_title", "code"))


def test_national_yearly_figures_equal_the_bundled_source_for_every_crime_type_and_year(
    bundled_store: StatsStore,
) -> None:
    codes = _codes_by_title()
    expected: dict[str, dict[str, int]] = defaultdict(dict)
    with (settings.DATA_DIR / NATIONAL_YEARLY_FILE).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            expected[codes[row["incident_type_code"]]][f"{row['year']}JJ00"] = int(row["incident_count"])
    assert len(expected) == 59
    result = figures(area_codes=["NL01"], crime_codes=sorted(expected), first=parse_bound("2012"),
                     last=parse_bound("2023", end=True), grain=Grain.YEAR, store=bundled_store)  # fmt: skip
    got: dict[str, dict[str, int | None]] = defaultdict(dict)
    for row in result.rows:
        got[row.crime_code][row.period.code] = row.count
    assert got == expected
    assert {r.table_id for r in result.rows} == {"47025NED"}
    assert all(r.is_provisional == (r.period.year == 2023) for r in result.rows)


def test_national_monthly_figures_equal_the_bundled_file_except_suppressed_months(
    bundled_store: StatsStore,
) -> None:
    codes = _codes_by_title()
    expected: dict[tuple[str, str], int] = {}
    with (settings.DATA_DIR / NATIONAL_MONTHLY_FILE).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year, month = row["date"][:4], row["date"][5:7]
            expected[(codes[row["crime_type_code"]], f"{year}MM{month}")] = int(row["frequency"])
    result = figures(area_codes=["NL01"], crime_codes=sorted({c for c, _p in expected}), first=parse_bound("2012"),
                     last=parse_bound("2023", end=True), grain=Grain.MONTH, store=bundled_store)  # fmt: skip
    suppressed = {(r.crime_code, r.period.code) for r in result.rows if r.is_suppressed}
    # Sexual crimes, child pornography/prostitution and 3.7.3 are withheld per month; the bundled
    # monthly file wrote them as 0 while the published years are far above 0.
    assert {c for c, _p in suppressed} == {"1.4.1", "3.2.1", "3.2.2", "3.7.3"}
    assert all(expected[key] == 0 for key in suppressed)
    for row in result.rows:
        if not row.is_suppressed:
            assert row.count == expected[(row.crime_code, row.period.code)], (row.crime_code, row.period.code)


def test_the_nuisance_files_yearly_rows_become_years_not_second_januaries(bundled_store: StatsStore) -> None:
    monthly = figures(area_codes=["NL01"], crime_codes=["0.0.0"], measure="registered_nuisance",
                      first=parse_bound("2012-01"), last=parse_bound("2012-01"), grain=Grain.MONTH, store=bundled_store)  # fmt: skip
    yearly = figures(area_codes=["NL01"], crime_codes=["0.0.0"], measure="registered_nuisance",
                     first=parse_bound("2012"), last=parse_bound("2012", end=True), grain=Grain.YEAR, store=bundled_store)  # fmt: skip
    assert monthly.rows[0].count == 18199
    assert yearly.rows[0].count == 279325
    assert monthly.rows[0].crime_title == "Totaal registraties overlast"


def test_a_region_is_the_sum_of_its_municipalities_and_its_rate_uses_summed_population(
    bundled_store: StatsStore,
) -> None:
    result = figures(area_codes=["RE10", "GM1641"], crime_codes=["0.0.0"], first=parse_bound("2023"),
                     last=parse_bound("2023", end=True), grain=Grain.YEAR, per_1000=True, store=bundled_store)  # fmt: skip
    region, maasgouw = result.rows
    assert maasgouw.count == 462 and maasgouw.population == 24400
    members_pop = sum(
        Population.objects.filter(area__regions__code="RE10", year=2024).values_list(
            "inhabitants_count", flat=True
        )
    )
    assert region.population == members_pop
    assert region.per_1000 == pytest.approx(region.count * 1000 / members_pop)
    assert region.population_year == 2024  # the nearest known year, stated on the row


def test_cbs_codes_are_answered_from_the_cbs_source_restated_to_current_municipalities(
    bundled_store: StatsStore,
) -> None:
    result = figures(area_codes=["GM1992", "GM0363"], crime_codes=["T001161"], first=parse_bound("2022"),
                     last=parse_bound("2022", end=True), grain=Grain.YEAR, store=bundled_store)  # fmt: skip
    assert {r.table_id for r in result.rows} == {"83648NED"}
    # Voorne aan Zee (2023) = Brielle + Hellevoetsluis + Westvoorne in 2022.
    assert result.rows[0].count == 2605
    assert result.rows[1].count == 77410  # Amsterdam including Weesp


def test_every_load_is_a_tracked_run(bundled_store: StatsStore) -> None:
    runs = IngestRun.objects.filter(status="succeeded")
    assert {r.source_key for r in runs} >= {
        "politie_47025",
        "politie_47021",
        "politie_47018",
        "cbs_83648",
        "politie_mik",
    }
    # Other apps' session fixtures may load the bundled sources too: every such run is complete.
    loads = list(runs.filter(source_key="politie_47025"))
    assert loads
    for run in loads:
        assert run.rows_read == 8496 + 708 and run.progress_pct == 100 and run.duration_seconds is not None


def test_burglary_map_points_are_a_measure_of_their_own_with_zero_months(bundled_store: StatsStore) -> None:
    result = figures(area_codes=["GM1641"], crime_codes=["1.1.1"], first=parse_bound("2023-05"), last=parse_bound("2024-04"),
                     grain=Grain.MONTH, store=bundled_store)  # fmt: skip
    assert all(
        r.source_key != "politie_mik" for r in result.rows
    )  # registered crimes never come from map points
    points = figures(area_codes=["GM1641"], crime_codes=["1.1.1"], measure="burglary_map_points",
                     first=parse_bound("2023-05"), last=parse_bound("2024-04"), grain=Grain.MONTH, store=bundled_store)  # fmt: skip
    assert all(r.count is not None for r in points.rows)
    assert 0 in {r.count for r in points.rows}
