from __future__ import annotations

import csv

import pytest
from django.conf import settings

from ivp.stats.analysis import (
    pct_change,
    pp_change,
    rank_among,
    rolling_12_months,
    share_of_total,
    year_to_date,
)
from ivp.stats.periods import Grain, parse_bound, parse_code
from ivp.stats.sources.politie import NATIONAL_MONTHLY_FILE
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db


def monthly(title: str) -> dict[str, int]:
    with (settings.DATA_DIR / NATIONAL_MONTHLY_FILE).open(encoding="utf-8") as handle:
        return {
            r["date"][:7]: int(r["frequency"])
            for r in csv.DictReader(handle)
            if r["crime_type_code"] == title
        }


def test_changes_in_percent_and_percentage_points() -> None:
    assert pct_change(110, 100) == pytest.approx(10.0)
    assert pct_change(5, 0) is None and pct_change(None, 3) is None
    assert pp_change(12.5, 10.0) == pytest.approx(2.5)


def test_year_to_date_against_the_same_months_last_year(bundled_store: StatsStore) -> None:
    series = monthly("1.1.1 Diefstal/inbraak woning")
    ytd = year_to_date(
        area_codes=["NL01"], crime_codes=["1.1.1"], through=parse_bound("2023-06"), store=bundled_store
    )[0]
    assert ytd.current_count == sum(series[f"2023-{m:02d}"] for m in range(1, 7))
    assert ytd.previous_count == sum(series[f"2022-{m:02d}"] for m in range(1, 7))
    assert ytd.change_pct == pytest.approx(
        (ytd.current_count - ytd.previous_count) * 100 / ytd.previous_count
    )


def test_year_to_date_of_a_suppressed_type_is_unknown_not_zero(bundled_store: StatsStore) -> None:
    ytd = year_to_date(
        area_codes=["NL01"], crime_codes=["1.4.1"], through=parse_bound("2023-06"), store=bundled_store
    )[0]
    assert ytd.current_count is None and ytd.change_pct is None


def test_rolling_12_months_ending_in_december_is_the_year(bundled_store: StatsStore) -> None:
    series = monthly("1.2.3 Diefstal van brom-, snor-, fietsen")
    rolling = rolling_12_months(area_codes=["NL01"], crime_codes=["1.2.3"], first=parse_bound("2022-12"),
                                last=parse_bound("2023-12"), store=bundled_store)  # fmt: skip
    by_month = {r.month.code: r.count for r in rolling}
    assert by_month["2023MM12"] == sum(v for k, v in series.items() if k.startswith("2023"))
    assert by_month["2023MM06"] == sum(series[k] for k in series if "2022-07" <= k <= "2023-06")
    first = rolling_12_months(area_codes=["NL01"], crime_codes=["1.2.3"], first=parse_bound("2012-06"),
                              last=parse_bound("2012-06"), store=bundled_store)  # fmt: skip
    assert first[0].count is None  # no twelve months before June 2012: unknown, not a partial sum


def test_share_of_total_uses_the_published_total(bundled_store: StatsStore) -> None:
    shares = share_of_total(area_codes=["NL01"], crime_codes=["1.1.1"], first=parse_bound("2023"),
                            last=parse_bound("2023", end=True), grain=Grain.YEAR, store=bundled_store)  # fmt: skip
    share = shares[0]
    assert share.total is not None and share.count is not None
    assert share.pct == pytest.approx(share.count * 100 / share.total)
    assert 1 < (share.pct or 0) < 10


def test_rank_among_municipalities_by_rate(bundled_store: StatsStore) -> None:
    ranked = rank_among(area_codes=["GM1641", "GM0363", "GM0518", "GM0889"], crime_code="0.0.0",
                        period=parse_code("2023JJ00"), store=bundled_store)  # fmt: skip
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    values = [r.value for r in ranked]
    assert values == sorted(values, reverse=True)
    assert ranked[0].row.area_code in {"GM0363", "GM0518"}  # the big cities have the highest rates
