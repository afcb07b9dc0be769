"""The traps of the open data, each on data in the real export format (padded codes, ';')."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivp.core.errors import DataFileError
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures
from ivp.stats.services import source_load
from ivp.stats.store import StatsStore

EXPORT = Path(__file__).parent / "fixtures" / "47013NED_export.csv"
pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(store: StatsStore) -> StatsStore:
    source_load(source_key="politie_47013", files=[EXPORT], store=store)
    return store


def rows(store: StatsStore, where: str) -> list[tuple[object, ...]]:
    con = store.connect()
    return con.execute(
        "SELECT area_code, crime_code, measure, period_code, value_count, is_suppressed "
        f"FROM core_observations WHERE {where} ORDER BY 1, 2, 3, 4"
    ).fetchall()


def test_padded_codes_are_trimmed(loaded: StatsStore) -> None:
    found = rows(loaded, "measure = 'registered_crimes' AND period_code = '2023MM02'")
    assert [(r[0], r[1]) for r in found] == [("GM1641", "0.0.0"), ("GM1641", "1.1.1"), ("GM1641", "1.4.1")]


def test_null_means_suppressed_never_zero(loaded: StatsStore) -> None:
    found = rows(
        loaded, "crime_code = '1.4.1' AND measure = 'registered_crimes' AND period_code = '2023MM01'"
    )
    assert found == [("GM1641", "1.4.1", "registered_crimes", "2023MM01", None, True)]
    quarter = figures(area_codes=["GM1641"], crime_codes=["1.4.1"], first=parse_bound("2023-01"),
                      last=parse_bound("2023-03"), grain=Grain.QUARTER, store=loaded).rows[0]  # fmt: skip
    assert quarter.count is None and quarter.is_suppressed and quarter.status == "suppressed"


def test_total_row_stays_its_own_row_and_is_never_added_to_its_parts(loaded: StatsStore) -> None:
    total = figures(area_codes=["GM1641"], crime_codes=["0.0.0"], first=parse_bound("2023-01"),
                    last=parse_bound("2023-01"), grain=Grain.MONTH, store=loaded).rows[0]  # fmt: skip
    assert total.count == 41  # as published, not 41 + 3 (the 1.1.1 row)
    con = loaded.connect()
    kinds = con.execute(
        "SELECT count(DISTINCT crime_code) FROM core_observations WHERE crime_code = '0.0.0'"
    ).fetchone()
    assert kinds == (1,)


def test_month_quarter_and_year_codes_in_one_column_keep_their_grain(loaded: StatsStore) -> None:
    grains = dict(
        loaded.connect()
        .execute("SELECT period_code, any_value(period_grain) FROM core_observations GROUP BY 1")
        .fetchall()
    )
    assert grains["2023MM01"] == "month" and grains["2023KW01"] == "quarter" and grains["2022JJ00"] == "year"
    # The published quarter is used as published; a year without a published figure and without
    # all its months is reported as missing, never as a partial sum.
    q1 = figures(area_codes=["GM1641"], crime_codes=["0.0.0"], first=parse_bound("2023-01"),
                 last=parse_bound("2023-03"), grain=Grain.QUARTER, store=loaded).rows[0]  # fmt: skip
    assert q1.count == 124
    y2023 = figures(area_codes=["GM1641"], crime_codes=["0.0.0"], first=parse_bound("2023"),
                    last=parse_bound("2023", end=True), grain=Grain.YEAR, store=loaded).rows[0]  # fmt: skip
    assert y2023.count is None and y2023.is_missing


def test_measure_suffixes_become_plain_measure_names(loaded: StatsStore) -> None:
    measures = {
        r[0] for r in loaded.connect().execute("SELECT DISTINCT measure FROM core_observations").fetchall()
    }
    assert measures == {"registered_crimes", "reports", "internet_reports"}


def test_merged_municipalities_are_restated_and_split_ones_left_out(loaded: StatsStore) -> None:
    found = rows(
        loaded, "crime_code = '1.1.1' AND measure = 'registered_crimes' AND period_code = '2023MM01'"
    )
    assert ("GM0363", "1.1.1", "registered_crimes", "2023MM01", 216, False) in found  # Amsterdam + Weesp
    assert not [r for r in found if r[0] in {"GM0457", "GM0788"}]


def test_the_latest_month_is_flagged_incomplete_when_the_data_date_falls_in_it(store: StatsStore) -> None:
    import datetime as dt

    from ivp.stats.sources.base import SourceInput

    item = SourceInput(
        name=EXPORT.name, path=EXPORT, data_date=dt.date(2023, 3, 20), provisional_years=frozenset({2023})
    )
    source_load(source_key="politie_47013", inputs=[item], store=store)
    flags = dict(
        store.connect()
        .execute("SELECT period_code, bool_or(is_incomplete) FROM core_observations GROUP BY 1")
        .fetchall()
    )
    assert flags["2023MM03"] and flags["2023KW01"] and not flags["2023MM02"]
    provisional = (
        store.connect()
        .execute("SELECT DISTINCT is_provisional FROM core_observations WHERE period_code = '2023MM01'")
        .fetchall()
    )
    assert provisional == [(True,)]


def test_a_broken_export_is_refused_naming_file_row_and_field(store: StatsStore, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    text = EXPORT.read_text(encoding="utf-8")
    text = text.replace('"1.1.1 ";"GM0363    "', '"9.9.9 ";"GM0363    "').replace(
        '"2023MM02";"38"', '"2023MM14";"38"'
    )
    text = text.replace('"45";"33"', '"veel";"33"')
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        source_load(source_key="politie_47013", files=[broken], store=store)
    message = str(caught.value)
    assert "broken.csv, row 14, field 'SoortMisdrijf': '9.9.9' is not a known politie code" in message
    assert "broken.csv, row 5, field 'Perioden': '2023MM14' is not a CBS period code" in message
    assert "broken.csv, row 8, field 'GeregistreerdeMisdrijven_1': 'veel' is not a whole" in message
    assert store.manifest() is None  # nothing stored


def test_an_export_without_the_required_columns_is_refused(store: StatsStore, tmp_path: Path) -> None:
    broken = tmp_path / "columns.csv"
    broken.write_text('"ID";"Soort";"RegioS"\n0;"1.1.1 ";"GM1641"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="required column"):
        source_load(source_key="politie_47013", files=[broken], store=store)


def test_an_unknown_old_municipality_code_is_refused(store: StatsStore, tmp_path: Path) -> None:
    broken = tmp_path / "old.csv"
    broken.write_text(EXPORT.read_text(encoding="utf-8").replace("GM0457", "GM0001"), encoding="utf-8")
    with pytest.raises(
        DataFileError, match="'GM0001' is neither a current municipality nor in the merger list"
    ):
        source_load(source_key="politie_47013", files=[broken], store=store)


def test_a_merging_update_replaces_only_the_area_periods_it_delivers(
    loaded: StatsStore, tmp_path: Path
) -> None:
    from ivp.stats.constants import RunMode

    update = tmp_path / "update.csv"
    update.write_text(
        '"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1";"Aangiften_2";"Internetaangiften_3"\n'
        '"1.1.1 ";"GM1641    ";"2023MM01";"5";"5";"0"\n'
        '"1.1.1 ";"GM1641    ";"2023MM04";"7";"6";"1"\n',
        encoding="utf-8",
    )
    source_load(source_key="politie_47013", files=[update], store=loaded, merge=True, mode=RunMode.LIVE)
    found = rows(
        loaded,
        "crime_code = '1.1.1' AND measure = 'registered_crimes' AND period_code IN ('2023MM01', '2023MM04')",
    )
    assert ("GM1641", "1.1.1", "registered_crimes", "2023MM01", 5, False) in found  # revised
    assert ("GM1641", "1.1.1", "registered_crimes", "2023MM04", 7, False) in found  # added
    assert ("GM0363", "1.1.1", "registered_crimes", "2023MM01", 216, False) in found  # not delivered: kept
    assert (
        rows(
            loaded,
            "area_code = 'GM1641' AND crime_code = '0.0.0' AND period_code = '2023MM01' AND measure = 'registered_crimes'",
        )
        == []
    )


def test_a_month_request_tells_missing_months_from_suppressed_ones(loaded: StatsStore) -> None:
    """Months without a row (before and after the export) are missing, a suppressed month is
    suppressed, and every published figure lands on its own month and crime type."""
    found = figures(area_codes=["GM1641"], crime_codes=["0.0.0", "1.1.1", "1.4.1"], first=parse_bound("2022-12"),
                    last=parse_bound("2023-04"), grain=Grain.MONTH, store=loaded).rows  # fmt: skip
    by_cell = {(r.crime_code, r.period.code): (r.count, r.is_suppressed, r.is_missing) for r in found}
    assert len(found) == len(by_cell) == 15
    missing = (None, False, True)
    assert [by_cell[("0.0.0", p)] for p in ("2022MM12", "2023MM01", "2023MM02", "2023MM03", "2023MM04")] == [
        missing, (41, False, False), (38, False, False), (45, False, False), missing,
    ]  # fmt: skip
    assert [by_cell[("1.1.1", p)][0] for p in ("2023MM01", "2023MM02", "2023MM03")] == [3, 2, 4]
    assert by_cell[("1.4.1", "2023MM01")] == (None, True, False)
    assert by_cell[("1.4.1", "2023MM03")] == (1, False, False)
