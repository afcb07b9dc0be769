"""A synthetic cube for scale tests and demonstrations (*demonstratiegegevens*, never real figures).

`cube_generate` makes every municipality x every politie crime type x every month (2012-2023 by
default) in the raw shape of politie table 47013NED (`SoortMisdrijf`, `RegioS`, `Perioden`,
`GeregistreerdeMisdrijven_1`), or, with `level="buurt"`, every buurt (about 14,500) in the shape of
47022NED (`WijkenEnBuurten`). It is generated inside DuckDB with SQL, from the bundled real data
only, and is reproducible: the same seed gives the same figures, a different seed different ones.
`demo_cube_load` loads it as the sources `demo_cube` / `demo_cube_buurt` (see
`ivp.stats.sources.demo`), through the one shared parser and validation; every row carries
`is_demo`.

The rule
--------
Inputs: the real national monthly series per crime type (47025NED, the bundled file read by the
same adapter as `politie_47025`, so the four types suppressed per month stay suppressed), the real
2023 total per municipality (47018NED, `politie_47018`: 342 municipalities, indeling 2024) and, for
the buurt cube, the buurt populations of 1 January 2024 (CBS 85984NED).

1. *Share.* A municipality's share of a crime type in a year is its share of the real 2023 total
   (47018NED) times a deterministic perturbation: a factor per municipality and type
   (exp(+-0.35)), a linear trend per municipality and type (up to exp(+-0.02) per year away from
   2023) and noise per year (exp(+-0.05)). The uniform numbers come from MD5 of
   `seed|area|type|...`, so they do not depend on DuckDB's threads or version. For the total row
   `0.0.0` in 2023 the perturbation is exactly 1: the 2023 shares *are* the real shares.
2. *Year.* The national yearly figure of a type (the sum of its published months) is divided over
   the municipalities by these shares with the largest-remainder method (exact integers; ties by
   the seeded number): the municipal yearly figures add up to the national year exactly.
3. *Month.* Each municipal yearly figure is divided over the months so that both margins hold
   exactly: month by month, the remaining yearly figure of every municipality is multiplied by
   (national figure of the month / national figure of the remaining months) and rounded with the
   largest-remainder method. The sum over municipalities then equals the real national figure of
   every type x month, the sum over the months equals the municipal yearly figure, and no figure
   is negative.
4. *Suppressed* national months (1.4.1, 3.2.1, 3.2.2, 3.7.3) are NULL for every municipality.
5. *Buurten.* A municipality's monthly figure is divided over its buurten (the 4 digits after
   `BU` are the municipality: BU03630000 -> GM0363) by population share, with cumulative
   ("systematic") rounding from a seeded starting point: floor((C_b * V + phase) / P) minus the
   same for the previous buurt, with C_b the cumulative population and P the municipality's.
   The buurt figures are whole, never negative, within 1 of their exact share and add up to the
   municipal figure exactly; it needs no sort of the ~124 million rows.

What follows from the rule, and is documented in docs/performance.md:
- The real 47018NED municipal totals add up to 625,202 for 2023 (crimes located in a buurt),
  the real national total 47025NED to 802,043. A cube whose municipalities add up to the national
  series cannot also repeat the 47018NED figures; it keeps their *shares*: a municipality's 2023
  total is 802,043 x (its 47018NED figure / 625,202), rounded by largest remainder (within 1).
- Totals and parts are generated independently (like the national series, where the parts do
  not add up to `0.0.0` either); `0.0.0` stays a row of its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb

from .sources.base import SourceInput, _q
from .sources.politie import (
    MUNICIPAL_2023_FILE,
    NATIONAL_DATA_DATE,
    NATIONAL_MONTHLY_FILE,
    NATIONAL_YEARLY_FILE,
    national_titles_to_raw,
)

if TYPE_CHECKING:
    from .models import IngestRun
    from .store import StatsStore

Level = Literal["municipality", "buurt"]

DEFAULT_SEED = 20240101
REFERENCE_YEAR = 2023  # the year of the real municipal figures (47018NED)
CLASSIFICATION_FILE = "bernasco_staat_van_de_misdaad/data/SoortMisdrijf.csv"
BUURT_POPULATION_FILE = "bernasco_misdaad_concentratie/data/population/Population85984_2024.csv"
MEASURE = "GeregistreerdeMisdrijven_1"
SOURCE_OF_LEVEL: dict[str, str] = {"municipality": "demo_cube", "buurt": "demo_cube_buurt"}
AREA_COLUMN: dict[str, str] = {"municipality": "RegioS", "buurt": "WijkenEnBuurten"}

# Perturbation sizes (natural log): per municipality x type, trend per year, noise per year.
TYPE_SPREAD = 0.35
TREND_PER_YEAR = 0.02
YEAR_NOISE = 0.05


def _uniform(key_sql: str) -> str:
    """SQL for a uniform number in [0, 1) from the MD5 of a text (portable, thread-independent)."""
    return f"(CAST('0x' || substr(md5({key_sql}), 1, 12) AS BIGINT) / 281474976710656.0)"


def _connect(work_dir: Path | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if work_dir is not None:
        con.execute(f"SET temp_directory = {_q(str(work_dir))}")
    return con


def _read_inputs(con: duckdb.DuckDBPyConnection, data_dir: Path, first_year: int, last_year: int) -> None:
    """The real inputs as small tables: `crime` (code, ord), `nat` (crime_code, y, m, n) and
    `muni` (area_code, total)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE crime AS
        SELECT trim("Key") AS code, trim("Title") AS title, row_number() OVER () AS ord
        FROM read_csv({_q(str(data_dir / CLASSIFICATION_FILE))}, all_varchar=true, header=true)
        """
    )
    con.execute("CREATE OR REPLACE TEMP TABLE crime_title AS SELECT title, code FROM crime")
    item = SourceInput(name=NATIONAL_MONTHLY_FILE, path=data_dir / NATIONAL_MONTHLY_FILE)
    national_titles_to_raw(
        con,
        item,
        "nat_raw",
        measure=MEASURE,
        dimension="SoortMisdrijf",
        yearly=data_dir / NATIONAL_YEARLY_FILE,
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE nat AS
        SELECT "SoortMisdrijf" AS crime_code, CAST(substr("Perioden", 1, 4) AS INTEGER) AS y,
               CAST(substr("Perioden", 7, 2) AS INTEGER) AS m, CAST("{MEASURE}" AS BIGINT) AS n
        FROM nat_raw
        WHERE "Perioden" LIKE '____MM__' AND CAST(substr("Perioden", 1, 4) AS INTEGER) BETWEEN {first_year} AND {last_year}
        """
    )
    unknown = con.execute(
        "SELECT count(*) FROM nat WHERE crime_code NOT IN (SELECT code FROM crime)"
    ).fetchone()
    if unknown and unknown[0]:
        raise ValueError("the national series names crime types that are not in the classification")
    shape = con.execute(
        "SELECT count(DISTINCT crime_code), count(DISTINCT (y, m)), count(*) FROM nat"
    ).fetchone()
    months = 12 * (last_year - first_year + 1)
    if not shape or shape[1] != months or shape[2] != shape[0] * months:
        raise ValueError(f"the national series does not cover every month of {first_year}-{last_year}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE muni AS
        SELECT 'GM' || trim(nummer) AS area_code, CAST(trim(misdaad) AS BIGINT) AS total
        FROM read_csv({_q(str(data_dir / MUNICIPAL_2023_FILE))}, all_varchar=true, header=true)
        """
    )


def _municipal_cube(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Steps 1-4 of the rule: the table `cube` (area_code, crime_code, y, m, value)."""
    s = int(seed)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE share AS
        WITH nat_year AS (
            SELECT crime_code, y, sum(n) AS ny FROM nat GROUP BY ALL  -- NULL when every month is suppressed
        ),
        u AS (
            SELECT a.area_code, a.total, t.crime_code, t.y, t.ny,
                   {_uniform(f"'{s}|' || a.area_code || '|' || t.crime_code")} AS u_type,
                   {_uniform(f"'{s}|' || a.area_code || '|' || t.crime_code || '|trend'")} AS u_trend,
                   {_uniform(f"'{s}|' || a.area_code || '|' || t.crime_code || '|' || t.y")} AS u_year
            FROM muni a CROSS JOIN nat_year t
        ),
        w AS (
            SELECT *,
                   CASE WHEN crime_code = '0.0.0' AND y = {REFERENCE_YEAR} THEN total * 1000000
                        ELSE CAST(round(total * 1000000.0 * exp(
                            CASE WHEN crime_code = '0.0.0' THEN 0 ELSE {TYPE_SPREAD} * (2 * u_type - 1) END
                            + {TREND_PER_YEAR} * (y - {REFERENCE_YEAR}) * (2 * u_trend - 1)
                            + {YEAR_NOISE} * (2 * u_year - 1))) AS BIGINT) END AS w
            FROM u
        ),
        quota AS (
            SELECT area_code, crime_code, y, ny, u_year,
                   CAST(ny AS HUGEINT) * w AS q, sum(CAST(w AS HUGEINT)) OVER (PARTITION BY crime_code, y) AS ww
            FROM w
        ),
        floored AS (
            SELECT *, q // ww AS base, q % ww AS rest FROM quota
        )
        SELECT area_code, crime_code, y,
               CAST(base + CASE WHEN row_number() OVER (PARTITION BY crime_code, y ORDER BY rest DESC, u_year, area_code)
                                    <= ny - sum(base) OVER (PARTITION BY crime_code, y) THEN 1 ELSE 0 END AS BIGINT)
                   AS yearly
        FROM floored
        """
    )
    # Step 3: month by month, largest remainder of remaining x (month / remaining months).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cube AS
        WITH RECURSIVE months AS (
            SELECT crime_code, y, m, coalesce(n, 0) AS n,
                   sum(coalesce(n, 0)) OVER (PARTITION BY crime_code, y ORDER BY m DESC) AS n_rest
            FROM nat
        ),
        step(area_code, crime_code, y, m, remaining, value) AS (
            SELECT area_code, crime_code, y, 0, coalesce(yearly, 0), CAST(NULL AS BIGINT) FROM share
            UNION ALL
            SELECT area_code, crime_code, y, m, remaining - value, value FROM (
                SELECT s.area_code, s.crime_code, s.y, mo.m, s.remaining,
                       CAST(CASE WHEN mo.n_rest = 0 THEN 0 ELSE
                           (CAST(s.remaining AS HUGEINT) * mo.n) // nullif(mo.n_rest, 0)
                           + CASE WHEN row_number() OVER (PARTITION BY s.crime_code, s.y
                                       ORDER BY (CAST(s.remaining AS HUGEINT) * mo.n) % nullif(mo.n_rest, 0) DESC,
                                                {_uniform(f"'{s}|' || s.area_code || '|' || s.crime_code || '|' || s.y || '|' || mo.m")},
                                                s.area_code)
                                  <= mo.n - sum((CAST(s.remaining AS HUGEINT) * mo.n) // nullif(mo.n_rest, 0))
                                            OVER (PARTITION BY s.crime_code, s.y)
                                  THEN 1 ELSE 0 END END AS BIGINT) AS value
                FROM step s JOIN months mo ON mo.crime_code = s.crime_code AND mo.y = s.y AND mo.m = s.m + 1
            )
        )
        SELECT st.area_code, st.crime_code, st.y, st.m, CASE WHEN nat.n IS NULL THEN NULL ELSE st.value END AS value
        FROM step st JOIN nat ON nat.crime_code = st.crime_code AND nat.y = st.y AND nat.m = st.m
        WHERE st.m > 0
        """
    )


def _buurt_table(
    con: duckdb.DuckDBPyConnection, data_dir: Path, municipalities: Collection[str] | None
) -> None:
    """The buurten with their cumulative population within their municipality."""
    only = ""
    if municipalities is not None:
        only = "AND area_code IN (" + ", ".join(_q(c) for c in sorted(municipalities)) + ")"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE buurt AS
        WITH b AS (
            SELECT upper(trim(nhood_id)) AS buurt_code, 'GM' || substr(upper(trim(nhood_id)), 3, 4) AS area_code,
                   greatest(coalesce(TRY_CAST(population AS BIGINT), 0), 0) AS pop
            FROM read_csv({_q(str(data_dir / BUURT_POPULATION_FILE))}, all_varchar=true, header=true)
        ),
        weighted AS (  -- a municipality whose buurten all have no inhabitants splits evenly
            SELECT *, CASE WHEN sum(pop) OVER (PARTITION BY area_code) = 0 THEN 1 ELSE pop END AS weight FROM b
        )
        SELECT buurt_code, area_code, row_number() OVER (ORDER BY buurt_code) AS buurt_ord,
               sum(weight) OVER (PARTITION BY area_code ORDER BY buurt_code) - weight AS cum_lo,
               sum(weight) OVER (PARTITION BY area_code ORDER BY buurt_code) AS cum_hi,
               sum(weight) OVER (PARTITION BY area_code) AS total
        FROM weighted
        WHERE area_code IN (SELECT area_code FROM muni) {only}
        """
    )
    missing = con.execute(
        f"SELECT count(*) FROM muni WHERE area_code NOT IN (SELECT area_code FROM buurt) {only}"
    ).fetchone()
    if missing and missing[0]:
        raise ValueError(f"{missing[0]} municipalities have no buurten in {BUURT_POPULATION_FILE}")


def _cube_select(level: Level, seed: int) -> str:
    """The generated rows in the raw shape: code, area, period code, value (typed, unpadded)."""
    period = "CAST(c.y AS VARCHAR) || 'MM' || lpad(CAST(c.m AS VARCHAR), 2, '0')"
    if level == "municipality":
        return (
            f'SELECT c.crime_code AS "SoortMisdrijf", c.area_code AS "RegioS", {period} AS "Perioden", '
            f'c.value AS "{MEASURE}", k.ord AS _crime_ord, c.y, c.m FROM cube c JOIN crime k ON k.code = c.crime_code'
        )
    # The phase of the systematic rounding: seeded per municipality x type, varied per month.
    return f"""
        WITH phased AS (
            SELECT c.*, k.ord AS _crime_ord,
                   CAST(floor({_uniform(f"'{int(seed)}|' || c.area_code || '|' || c.crime_code || '|buurt'")}
                              * 2147483647) AS BIGINT) AS h
            FROM cube c JOIN crime k ON k.code = c.crime_code
        )
        SELECT p.crime_code AS "SoortMisdrijf", b.buurt_code AS "WijkenEnBuurten", {period.replace("c.", "p.")} AS "Perioden",
               CASE WHEN p.value IS NULL THEN NULL ELSE
                   (b.cum_hi * p.value + (p.h + 7919 * (12 * p.y + p.m)) % b.total) // b.total
                 - (b.cum_lo * p.value + (p.h + 7919 * (12 * p.y + p.m)) % b.total) // b.total END AS "{MEASURE}",
               p._crime_ord, b.buurt_ord AS _area_ord, p.y, p.m
        FROM phased p JOIN buurt b ON b.area_code = p.area_code
    """


def cube_generate(
    *,
    level: Level = "municipality",
    seed: int = DEFAULT_SEED,
    first_year: int = 2012,
    last_year: int = 2023,
    out: Path | None = None,
    data_dir: Path | None = None,
    municipalities: Collection[str] | None = None,
) -> Path | duckdb.DuckDBPyRelation:
    """Generate the synthetic cube (see the module's rule).

    Without `out`, returns a DuckDB relation with the columns `SoortMisdrijf`, `RegioS` (or
    `WijkenEnBuurten`), `Perioden` (text) and `GeregistreerdeMisdrijven_1` (BIGINT, NULL =
    suppressed). With `out`, writes it and returns the path: `*.parquet` as that relation,
    anything else as a CSV export in the style of data.politie.nl (`;`, quoted, codes padded like
    the OData keys, an `ID` column, suppressed cells empty). `municipalities` limits the output
    (not the computation) to some municipalities, e.g. for tests of the buurt split.
    The municipal CSV is ordered by type, municipality and month; the buurt output (~124 million
    rows) has the same rows for the same seed, in an order that may differ between runs.
    """
    if level not in AREA_COLUMN:
        raise ValueError(f"level must be 'municipality' or 'buurt', not {level!r}")
    if first_year > last_year:
        raise ValueError("first_year comes after last_year")
    if data_dir is None:
        from django.conf import settings

        data_dir = Path(settings.DATA_DIR)
    work_dir = out.parent if out is not None else None
    con = _connect(work_dir)
    _read_inputs(con, data_dir, first_year, last_year)
    _municipal_cube(con, seed)
    if level == "buurt":
        _buurt_table(con, data_dir, municipalities)
    elif municipalities is not None:
        con.execute(
            "DELETE FROM cube WHERE area_code NOT IN (SELECT unnest(?))", [sorted(set(municipalities))]
        )
    area = AREA_COLUMN[level]
    select = _cube_select(level, seed)
    columns = f'"SoortMisdrijf", "{area}", "Perioden", "{MEASURE}"'
    order = f'ORDER BY _crime_ord, "{area}", y, m' if level == "municipality" else ""
    if out is None:
        return con.sql(f"SELECT {columns} FROM ({select}) {order}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        con.execute(
            f"COPY (SELECT {columns} FROM ({select}) {order}) TO {_q(str(out))} "
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 500000)"
        )
    else:
        if level == "municipality":
            con.execute("SET preserve_insertion_order = true")
        if level == "municipality":
            number = f"row_number() OVER ({order}) - 1"
        else:  # a stable ID without a sort: type, buurt number, month
            number = "((_crime_ord - 1) * 100000 + _area_ord) * 1000 + (y - 2000) * 12 + m"
        con.execute(
            f"""
            COPY (
                SELECT {number} AS "ID", rpad("SoortMisdrijf", 6, ' ') AS "SoortMisdrijf",
                       rpad("{area}", 10, ' ') AS "{area}", "Perioden",
                       CAST("{MEASURE}" AS VARCHAR) AS "{MEASURE}"
                FROM ({select}) {order}
            ) TO {_q(str(out))} (FORMAT csv, DELIMITER ';', QUOTE '"', HEADER true,
                                FORCE_QUOTE ("SoortMisdrijf", "{area}", "Perioden", "{MEASURE}"))
            """
        )
    con.close()
    return out


def demo_cube_load(
    *,
    level: Level = "municipality",
    store: StatsStore | None = None,
    progress: Callable[[str, int], None] | None = None,
    seed: int = DEFAULT_SEED,
) -> IngestRun:
    """Generate the cube as a CSV export in a temporary folder and load it as the demo source
    (`demo_cube` or `demo_cube_buurt`) through `source_load`: the one parser and validation."""
    from django.conf import settings

    from .services import source_load

    source_key = SOURCE_OF_LEVEL[level]
    scratch = Path(settings.VAR_DIR) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="demo-cube-", dir=scratch) as folder:
        name = f"{source_key}_demonstratiegegevens_seed{seed}.csv"
        path = cube_generate(level=level, seed=seed, out=Path(folder) / name)
        assert isinstance(path, Path)
        item = SourceInput(
            name=name,
            path=path,
            data_date=NATIONAL_DATA_DATE,
            provisional_years=frozenset({REFERENCE_YEAR}),
        )
        return source_load(source_key=source_key, inputs=[item], store=store, progress=progress)
