"""The synthetic cube (demonstratiegegevens): its rule, its reproducibility and its load path."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from django.conf import settings

from ivp.core.errors import DataFileError
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures
from ivp.stats.services import source_load
from ivp.stats.sources.politie import MUNICIPAL_2023_FILE
from ivp.stats.sources.registry import source_get
from ivp.stats.store import StatsStore
from ivp.stats.synthetic import BUURT_POPULATION_FILE, cube_generate, demo_cube_load

pytestmark = pytest.mark.django_db

CUBE_COLUMNS = '"SoortMisdrijf", "RegioS", "Perioden", "GeregistreerdeMisdrijven_1"'
FEW = ["GM0363", "GM1641", "GM0088"]  # Amsterdam, Maasgouw, Schiermonnikoog


@pytest.fixture(scope="module")
def cube(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The municipal cube with the default seed, generated once, as the table `cube`."""
    path = cube_generate(out=tmp_path_factory.mktemp("cube") / "cube.parquet", data_dir=settings.DATA_DIR)
    assert isinstance(path, Path)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE cube AS SELECT * FROM read_parquet('{path}')")
    yield con
    con.close()


def _real_municipal_2023() -> dict[str, int]:
    with (settings.DATA_DIR / MUNICIPAL_2023_FILE).open(encoding="utf-8") as handle:
        return {f"GM{row['nummer']}": int(row["misdaad"]) for row in csv.DictReader(handle)}


def test_the_cube_is_every_municipality_crime_type_and_month(cube: duckdb.DuckDBPyConnection) -> None:
    shape = cube.execute(
        'SELECT count(*), count(DISTINCT "RegioS"), count(DISTINCT "SoortMisdrijf"), count(DISTINCT "Perioden"), '
        'min("GeregistreerdeMisdrijven_1") FROM cube'
    ).fetchone()
    assert shape == (342 * 59 * 144, 342, 59, 144, 0)


def test_national_sums_equal_the_real_series_for_every_type_and_month(
    cube: duckdb.DuckDBPyConnection, bundled_store: StatsStore
) -> None:
    real = {
        (crime, period): value
        for crime, period, value in bundled_store.connect()
        .execute(
            "SELECT crime_code, period_code, value_count FROM core_observations "
            "WHERE source_key = 'politie_47025' AND period_grain = 'month'"
        )
        .fetchall()
    }
    sums = {
        (crime, period): (None if suppressed else total)
        for crime, period, total, suppressed in cube.execute(
            'SELECT "SoortMisdrijf", "Perioden", sum("GeregistreerdeMisdrijven_1"), '
            'bool_or("GeregistreerdeMisdrijven_1" IS NULL) FROM cube GROUP BY ALL'
        ).fetchall()
    }
    assert len(real) == 59 * 144
    assert sums == real
    # A suppressed national month is suppressed for every municipality, never 0.
    mixed = cube.execute(
        'SELECT count(*) FROM (SELECT "SoortMisdrijf", "Perioden" FROM cube GROUP BY ALL '
        'HAVING count("GeregistreerdeMisdrijven_1") NOT IN (0, count(*)))'
    ).fetchone()
    assert mixed == (0,)


def test_municipal_2023_totals_keep_the_real_shares_and_add_up_to_the_national_total(
    cube: duckdb.DuckDBPyConnection,
) -> None:
    real = _real_municipal_2023()
    got = dict(
        cube.execute(
            'SELECT "RegioS", sum("GeregistreerdeMisdrijven_1") FROM cube '
            "WHERE \"SoortMisdrijf\" = '0.0.0' AND \"Perioden\" LIKE '2023%' GROUP BY 1"
        ).fetchall()
    )
    national = 802043  # 47025NED, total 2023; the 47018NED figures add up to 625,202 (see the rule)
    assert set(got) == set(real) and sum(got.values()) == national
    for code, figure in real.items():  # largest remainder: within 1 of the exact share
        assert abs(got[code] - national * figure / sum(real.values())) < 1, code
    # The municipalities keep their order.
    ordered = sorted(real, key=lambda c: real[c])
    assert all(got[a] <= got[b] for a, b in itertools.pairwise(ordered))


def test_the_same_seed_gives_the_same_cube_and_another_seed_another(cube: duckdb.DuckDBPyConnection) -> None:
    def digest(seed: int) -> tuple[object, ...] | None:
        relation = cube_generate(seed=seed, first_year=2021, last_year=2022, data_dir=settings.DATA_DIR)
        assert isinstance(relation, duckdb.DuckDBPyRelation)
        return relation.aggregate(
            f'count(*), sum(hash({CUBE_COLUMNS}) % 1000003), sum("GeregistreerdeMisdrijven_1")'
        ).fetchall()[0]

    first, again, other = digest(7), digest(7), digest(8)
    assert first == again
    assert other != first
    assert first and other and first[2] == other[2]  # other figures, the same national sums


def test_a_csv_export_is_written_like_data_politie_nl(tmp_path: Path) -> None:
    path = cube_generate(out=tmp_path / "cube.csv", first_year=2023, last_year=2023, municipalities=["GM1641"],
                         data_dir=settings.DATA_DIR)  # fmt: skip
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[0] == 'ID;"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1"'
    assert lines[1].startswith('0;"0.0.0 ";"GM1641    ";"2023MM01";"')
    assert len(lines) == 1 + 59 * 12
    assert any(line.endswith(";") for line in lines)  # suppressed cells are empty


def test_the_buurt_split_adds_up_to_the_municipal_figures(
    cube: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = cube_generate(
        level="buurt", municipalities=FEW, out=tmp_path / "buurt.parquet", data_dir=settings.DATA_DIR
    )
    con = duckdb.connect()
    con.execute(f"CREATE TABLE buurt AS SELECT * FROM read_parquet('{path}')")
    municipal = {
        (c, a, p): v
        for c, a, p, v in cube.execute(
            f'SELECT {CUBE_COLUMNS} FROM cube WHERE "RegioS" IN {tuple(FEW)}'
        ).fetchall()
    }
    summed = {
        (c, a, p): v
        for c, a, p, v in con.execute(
            'SELECT "SoortMisdrijf", \'GM\' || substr("WijkenEnBuurten", 3, 4), "Perioden", '
            'CASE WHEN bool_or("GeregistreerdeMisdrijven_1" IS NULL) THEN NULL '
            'ELSE sum("GeregistreerdeMisdrijven_1") END FROM buurt GROUP BY ALL'
        ).fetchall()
    }
    assert summed == municipal
    buurten = con.execute(
        'SELECT count(DISTINCT "WijkenEnBuurten"), min("GeregistreerdeMisdrijven_1") FROM buurt'
    ).fetchone()
    expected = con.execute(
        f"SELECT count(*) FROM read_csv('{settings.DATA_DIR / BUURT_POPULATION_FILE}') "
        f"WHERE 'GM' || substr(nhood_id, 3, 4) IN {tuple(FEW)}"
    ).fetchone()
    assert buurten and expected and buurten[0] == expected[0] and buurten[1] == 0
    # Population shares: Amsterdam's most populous buurt gets the most over the years.
    top = con.execute(
        'SELECT "WijkenEnBuurten" FROM buurt WHERE "WijkenEnBuurten" LIKE \'BU0363%\' AND "SoortMisdrijf" = \'0.0.0\' '
        'GROUP BY 1 ORDER BY sum("GeregistreerdeMisdrijven_1") DESC LIMIT 1'
    ).fetchone()
    biggest = con.execute(
        f"SELECT nhood_id FROM read_csv('{settings.DATA_DIR / BUURT_POPULATION_FILE}') "
        "WHERE nhood_id LIKE 'BU0363%' ORDER BY population DESC LIMIT 1"
    ).fetchone()
    assert top == biggest


def test_the_cube_loads_as_demonstration_data_through_the_shared_parser(bundled_store: StatsStore) -> None:
    run = demo_cube_load(store=bundled_store)
    assert run.status == "succeeded" and run.rows_loaded == 342 * 59 * 144
    source = source_get("demo_cube")
    assert source.is_demo and "demonstratiegegevens" in source.title and source.table_id == "DEMO-47013NED"
    manifest = bundled_store.manifest()
    assert manifest and manifest.sources["demo_cube"]["is_demo"] is True
    con = bundled_store.connect()
    flags = con.execute(
        "SELECT bool_and(is_demo), count(*), any_value(table_id) FROM core_observations WHERE source_key = 'demo_cube'"
    ).fetchone()
    assert flags == (True, 342 * 59 * 144, "DEMO-47013NED")
    assert con.execute(
        "SELECT bool_or(is_demo) FROM core_observations WHERE source_key <> 'demo_cube'"
    ).fetchone() == (False,)
    # Never mixed silently: real sources answer first; the demo answers only when asked for.
    first, last = parse_bound("2023-01"), parse_bound("2023-02")
    real = figures(area_codes=["NL01"], crime_codes=["1.1.1"], first=first, last=last, grain=Grain.MONTH,
                   store=bundled_store)  # fmt: skip
    demo = figures(area_codes=["NL01", "RE10", "GM1641"], crime_codes=["1.1.1"], first=first, last=last,
                   grain=Grain.MONTH, source_key="demo_cube", per_1000=True, store=bundled_store)  # fmt: skip
    assert {r.source_key for r in real.rows} == {"politie_47025"} and not real.has_demo
    assert demo.has_demo and all(r.is_demo and r.table_id == "DEMO-47013NED" for r in demo.rows)
    assert [r.count for r in demo.rows[:2]] == [r.count for r in real.rows]  # the national sums hold
    assert demo.rows[2].count and demo.rows[4].count and demo.rows[2].count > demo.rows[4].count


def test_the_buurt_cube_is_summed_to_municipalities_and_regions(
    bundled_store: StatsStore, tmp_path: Path
) -> None:
    path = cube_generate(level="buurt", municipalities=FEW, first_year=2022, last_year=2023,
                         out=tmp_path / "buurt.csv", data_dir=settings.DATA_DIR)  # fmt: skip
    source_load(source_key="demo_cube_buurt", files=[Path(path)], store=bundled_store)
    municipal = cube_generate(municipalities=FEW, first_year=2022, last_year=2023, out=tmp_path / "cube.csv",
                              data_dir=settings.DATA_DIR)  # fmt: skip
    source_load(source_key="demo_cube", files=[Path(municipal)], store=bundled_store)
    first, last = parse_bound("2022"), parse_bound("2023", end=True)
    crimes = ["0.0.0", "1.1.1", "1.4.1"]
    by_buurt = figures(area_codes=FEW, crime_codes=crimes, first=first, last=last, grain=Grain.MONTH,
                       source_key="demo_cube_buurt", store=bundled_store)  # fmt: skip
    by_municipality = figures(area_codes=FEW, crime_codes=crimes, first=first, last=last, grain=Grain.MONTH,
                              source_key="demo_cube", store=bundled_store)  # fmt: skip
    assert [(r.count, r.status) for r in by_buurt.rows] == [(r.count, r.status) for r in by_municipality.rows]
    assert {r.status for r in by_buurt.rows} == {"ok", "suppressed"}
    # A region is the sum of the buurten the source holds in it (here: those of Maasgouw).
    region = figures(area_codes=["RE10", "GM1641"], crime_codes=["1.1.1"], first=first, last=last,
                     grain=Grain.YEAR, source_key="demo_cube_buurt", store=bundled_store)  # fmt: skip
    assert [r.count for r in region.rows[:2]] == [r.count for r in region.rows[2:]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (['"1.1.1 ";"GM1641";"2023MM01";"3"', '"1.1.1";"GM1641 ";"2023MM01";"4"'], "appears more than once"),
        (['"1.1.1 ";"GM1641";"2023MM01";"3"', '"1.1.1 ";"gm1641";"2023MM01";"3"'], "appears more than once"),
        ([], "holds no rows"),
        (['"1.1.1 ";"GM1641";"2023MM01";"-3"'], "not a whole, non-negative number"),
        (['"1.1.1 ";"";"2023MM01";"3"', '"1.1.1 ";"";"2023MM01";"3"'], "appears more than once"),
    ],
)
def test_the_fast_validation_still_refuses_duplicates_and_empty_files(
    store: StatsStore, tmp_path: Path, rows: list[str], message: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        '"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1"\n' + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=message) as caught:
        source_load(source_key="demo_cube", files=[path], store=store)
    if "more than once" in message:
        assert "row 3" in str(caught.value)
    assert store.manifest() is None
