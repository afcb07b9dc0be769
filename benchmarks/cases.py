"""The benchmark cases. Each runs in a process of its own:

    python -m benchmarks.cases NAME WORK_DIR PARAMS_JSON RESULT_JSON

`WORK_DIR` is the scratch installation (prepared by the case `prepare`), `PARAMS_JSON` the
case's parameters; the result (timings, rows, peak memory of the process) goes to `RESULT_JSON`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import (
    DERIVED_MUNICIPALITIES,
    MUNICIPALITY,
    POLICE_UNIT,
    ROOT,
    django_setup,
    peak_rss_mb,
    summary,
    timings,
    write_json,
)

Params = dict[str, Any]
CASES: dict[str, Callable[[Path, Params], dict[str, Any]]] = {}


def case(function: Callable[[Path, Params], dict[str, Any]]) -> Callable[[Path, Params], dict[str, Any]]:
    CASES[function.__name__] = function
    return function


def _files(work: Path, level: str) -> dict[str, Path]:
    stem = "cube" if level == "municipality" else "cube_buurt"
    return {
        "csv": work / f"{stem}.csv",
        "raw": work / f"{stem}_raw.parquet",
        "pandas": work / f"{stem}_pandas.parquet",
        "copy": work / f"{stem}_copy.parquet",
        "sqlite": work / f"{stem}.sqlite3",
    }


def _rows(path: Path) -> int:
    import duckdb

    found = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()
    return int(found[0]) if found else 0


# --- preparing ----------------------------------------------------------------------------


@case
def prepare(work: Path, params: Params) -> dict[str, Any]:
    """The scratch installation (database, areas, bundled statistics) and the municipal cube as
    a CSV export and as raw Parquet."""
    django_setup(work)
    from django.conf import settings
    from django.core.management import call_command

    from ivp.areas.loading import reference_data_load
    from ivp.stats.services import bundled_sources_load
    from ivp.stats.synthetic import cube_generate

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    reference_data_load(data_dir=Path(settings.DATA_DIR))
    bundled_sources_load()
    result: dict[str, Any] = {"setup_s": round(time.perf_counter() - started, 3)}
    files = _files(work, "municipality")
    years = {"first_year": params["first_year"], "last_year": params["last_year"]}
    for kind in ("csv", "raw"):
        started = time.perf_counter()
        cube_generate(out=files[kind], **years)
        result[f"generate_{kind}_s"] = round(time.perf_counter() - started, 3)
    result["rows"] = _rows(files["raw"])
    result["csv_mb"] = round(files["csv"].stat().st_size / 1e6, 1)
    return result


@case
def prepare_buurt(work: Path, params: Params) -> dict[str, Any]:
    """The buurt cube as a CSV export and as raw Parquet."""
    django_setup(work)
    from ivp.stats.synthetic import cube_generate

    files = _files(work, "buurt")
    options = {"level": "buurt", "first_year": params["first_year"], "last_year": params["last_year"],
               "municipalities": params.get("municipalities")}  # fmt: skip
    result: dict[str, Any] = {}
    for kind in ("raw", "csv"):
        started = time.perf_counter()
        cube_generate(out=files[kind], **options)
        result[f"generate_{kind}_s"] = round(time.perf_counter() - started, 3)
    result["rows"] = _rows(files["raw"])
    result["csv_mb"] = round(files["csv"].stat().st_size / 1e6, 1)
    return result


# --- loading ------------------------------------------------------------------------------


@case
def load_pandas(work: Path, params: Params) -> dict[str, Any]:
    """Baseline: pandas `read_csv` + `to_parquet`, no validation."""
    import pandas as pd

    files = _files(work, "municipality")

    def run() -> None:
        frame = pd.read_csv(files["csv"], sep=";")
        frame.to_parquet(files["pandas"])

    cpu: list[float] = []
    return summary(timings(run, params["repeat"], cpu), params["rows"], cpu)


@case
def load_copy(work: Path, params: Params) -> dict[str, Any]:
    """Baseline: one plain DuckDB `COPY` from the CSV to Parquet."""
    import duckdb

    files = _files(work, "municipality")
    con = duckdb.connect()

    def run() -> None:
        con.execute(
            f"COPY (SELECT * FROM read_csv('{files['csv']}', delim=';', header=true)) "
            f"TO '{files['copy']}' (FORMAT parquet)"
        )

    cpu: list[float] = []
    return summary(timings(run, params["repeat"], cpu), params["rows"], cpu)


def _load(work: Path, level: str, repeat: int) -> dict[str, Any]:
    django_setup(work)
    from ivp.stats.services import source_load
    from ivp.stats.sources.base import SourceInput
    from ivp.stats.sources.politie import NATIONAL_DATA_DATE
    from ivp.stats.synthetic import REFERENCE_YEAR, SOURCE_OF_LEVEL

    files = _files(work, level)
    item = SourceInput(
        name=files["csv"].name,
        path=files["csv"],
        data_date=NATIONAL_DATA_DATE,
        provisional_years=frozenset({REFERENCE_YEAR}),
    )
    stages: list[tuple[str, float]] = []
    loaded: list[int] = []

    def run() -> None:
        stages.clear()
        started = time.perf_counter()
        done = source_load(
            source_key=SOURCE_OF_LEVEL[level],
            inputs=[item],
            progress=lambda stage, _pct: stages.append((stage, round(time.perf_counter() - started, 3))),
        )
        loaded.append(done.rows_loaded)

    cpu: list[float] = []
    result = summary(timings(run, repeat, cpu), None, cpu)
    result["rows"] = loaded[-1]
    result["rows_per_s"] = round(loaded[-1] / result["median_s"])
    result["stages_of_last_run_s"] = stages
    return result


@case
def load_ivp(work: Path, params: Params) -> dict[str, Any]:
    """ivp: the CSV into the store through `source_load` (the one parser, the validation with
    its traps, the sorted Parquet, the region sums)."""
    return _load(work, "municipality", params["repeat"])


@case
def load_buurt_ivp(work: Path, params: Params) -> dict[str, Any]:
    return _load(work, "buurt", 1)


# --- the comparison query ------------------------------------------------------------------


def _plain_sql(raw: Path, *, first_year: int, last_year: int, buurt: bool) -> str:
    area = 'c."RegioS"' if not buurt else "'GM' || substr(c.\"WijkenEnBuurten\", 3, 4)"
    derived = ROOT / "data" / DERIVED_MUNICIPALITIES
    return f"""
        WITH member AS (
            SELECT gm_code, politie_eenheid_code_afgeleid AS unit,
                   CAST(inwoners_2024_som_buurten AS BIGINT) AS inhabitants
            FROM read_csv('{derived}', header = true)
        ),
        area AS (
            SELECT gm_code AS area_code, gm_code, inhabitants FROM member WHERE gm_code = '{MUNICIPALITY}'
            UNION ALL SELECT unit, gm_code, inhabitants FROM member WHERE unit = '{POLICE_UNIT}'
            UNION ALL SELECT 'NL01', gm_code, inhabitants FROM member
        ),
        population AS (SELECT area_code, sum(inhabitants) AS inhabitants FROM area GROUP BY 1)
        SELECT a.area_code, c."SoortMisdrijf" AS crime_code, c."Perioden" AS period_code,
               CASE WHEN bool_or(c."GeregistreerdeMisdrijven_1" IS NULL) THEN NULL
                    ELSE sum(c."GeregistreerdeMisdrijven_1") END AS registered,
               1000.0 * registered / any_value(p.inhabitants) AS per_1000
        FROM read_parquet('{raw}') c
        JOIN area a ON a.gm_code = {area}
        JOIN population p ON p.area_code = a.area_code
        WHERE c."Perioden" BETWEEN '{first_year}MM01' AND '{last_year}MM12'
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
    """


def _query_plain(work: Path, params: Params, level: str) -> dict[str, Any]:
    import duckdb

    raw = _files(work, level)["raw"]
    con = duckdb.connect()
    if params.get("memory_limit"):
        con.execute("SET memory_limit = ?", [params["memory_limit"]])
    sql = _plain_sql(
        raw, first_year=params["first_year"], last_year=params["last_year"], buurt=level == "buurt"
    )
    found: list[int] = []

    def run() -> None:
        found.append(len(con.execute(sql).fetchall()))

    # DuckDB 2.0 pushes a partial aggregate below the join here (one group per input row), which
    # makes this statement several times slower; the baseline is the better of both plans.
    variants: dict[str, dict[str, Any]] = {}
    for name, setting in (
        ("default", None),
        ("without_partial_aggregate_pushdown", "partial_aggregate_pushdown"),
    ):
        con.execute(
            "RESET disabled_optimizers" if setting is None else f"SET disabled_optimizers = '{setting}'"
        )
        cold = timings(run, 1)[0]
        variants[name] = {**summary(timings(run, params["repeat"])), "cold_s": round(cold, 6)}
    best = min(variants, key=lambda name: variants[name]["median_s"])
    result = {**variants[best], "plan": best, "variants": variants}
    result.update({"result_rows": found[-1], "sql": " ".join(sql.split())})
    return result


def _query_ivp(work: Path, params: Params, source_key: str) -> dict[str, Any]:
    django_setup(work)
    from ivp.stats.models import CrimeType
    from ivp.stats.periods import Grain, parse_bound
    from ivp.stats.selectors import figures

    codes = list(
        CrimeType.objects.filter(classification="politie")
        .order_by("sort_order")
        .values_list("code", flat=True)
    )
    found: list[tuple[int, int]] = []

    def run() -> None:
        result = figures(
            area_codes=[MUNICIPALITY, POLICE_UNIT, "NL01"],
            crime_codes=codes,
            first=parse_bound(str(params["first_year"])),
            last=parse_bound(str(params["last_year"]), end=True),
            grain=Grain.MONTH,
            per_1000=True,
            source_key=source_key,
        )
        found.append((len(result.rows), sum(1 for r in result.rows if r.per_1000 is not None)))

    cold = timings(run, 1)[0]  # the first request of a process also reads the version's index
    result = summary(timings(run, params["repeat"]))
    result.update({"cold_s": round(cold, 6), "result_rows": found[-1][0], "rows_with_rate": found[-1][1]})
    return result


@case
def query_ivp(work: Path, params: Params) -> dict[str, Any]:
    """ivp: `selectors.figures` for GM x RE x NL01, all crime types, monthly, per 1,000."""
    return _query_ivp(work, params, "demo_cube")


@case
def query_plain(work: Path, params: Params) -> dict[str, Any]:
    """Baseline: the same question as one plain DuckDB statement over the raw Parquet."""
    return _query_plain(work, params, "municipality")


@case
def query_sqlite(work: Path, params: Params) -> dict[str, Any]:
    """Baseline: the same question to SQLite holding the same table with an index on the area
    (how a Datasette-style setup answers it)."""
    import duckdb

    files = _files(work, "municipality")
    path = files["sqlite"]
    build_s = None
    if not path.exists():
        started = time.perf_counter()
        db = sqlite3.connect(path)
        db.execute(
            'CREATE TABLE cube ("SoortMisdrijf" TEXT, "RegioS" TEXT, "Perioden" TEXT, '
            '"GeregistreerdeMisdrijven_1" INTEGER)'
        )
        db.execute("CREATE TABLE member (gm_code TEXT, unit TEXT, inhabitants INTEGER)")
        reader = duckdb.connect().execute(f"SELECT * FROM read_parquet('{files['raw']}')")
        while batch := reader.fetchmany(200_000):
            db.executemany("INSERT INTO cube VALUES (?, ?, ?, ?)", batch)
        members = duckdb.connect().execute(
            "SELECT gm_code, politie_eenheid_code_afgeleid, CAST(inwoners_2024_som_buurten AS BIGINT) "
            f"FROM read_csv('{ROOT / 'data' / DERIVED_MUNICIPALITIES}', header = true)"
        )
        db.executemany("INSERT INTO member VALUES (?, ?, ?)", members.fetchall())
        db.execute('CREATE INDEX cube_area ON cube ("RegioS", "SoortMisdrijf", "Perioden")')
        db.commit()
        db.close()
        build_s = round(time.perf_counter() - started, 3)
    sql = f"""
        WITH area AS (
            SELECT gm_code AS area_code, gm_code, inhabitants FROM member WHERE gm_code = '{MUNICIPALITY}'
            UNION ALL SELECT unit, gm_code, inhabitants FROM member WHERE unit = '{POLICE_UNIT}'
            UNION ALL SELECT 'NL01', gm_code, inhabitants FROM member
        ),
        population AS (SELECT area_code, sum(inhabitants) AS inhabitants FROM area GROUP BY 1)
        SELECT a.area_code, c."SoortMisdrijf", c."Perioden",
               CASE WHEN count(c."GeregistreerdeMisdrijven_1") < count(*) THEN NULL
                    ELSE sum(c."GeregistreerdeMisdrijven_1") END AS registered,
               1000.0 * sum(c."GeregistreerdeMisdrijven_1") / max(p.inhabitants) AS per_1000
        FROM cube c
        JOIN area a ON a.gm_code = c."RegioS"
        JOIN population p ON p.area_code = a.area_code
        WHERE c."Perioden" BETWEEN '{params["first_year"]}MM01' AND '{params["last_year"]}MM12'
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
    """
    db = sqlite3.connect(path)
    found: list[int] = []

    def run() -> None:
        found.append(len(db.execute(sql).fetchall()))

    result = summary(timings(run, params["repeat"]))
    result.update({"result_rows": found[-1], "build_s": build_s, "sql": " ".join(sql.split())})
    return result


@case
def query_buurt_ivp(work: Path, params: Params) -> dict[str, Any]:
    """ivp on the buurt cube (municipal and regional sums kept at load time)."""
    return _query_ivp(work, params, "demo_cube_buurt")


@case
def query_buurt_plain(work: Path, params: Params) -> dict[str, Any]:
    """Baseline: the same question as one plain DuckDB statement over the raw buurt Parquet."""
    return _query_plain(work, params, "buurt")


def main(argv: list[str]) -> None:
    name, work, params, out = argv
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    load_before = os.getloadavg()[0]  # the machine is shared: how busy it was around the case
    result = CASES[name](Path(work), json.loads(params))
    result.update({"case": name, "started_at": started, "peak_rss_mb": peak_rss_mb(),
                   "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]})  # fmt: skip
    write_json(Path(out), result)


if __name__ == "__main__":
    main(sys.argv[1:])
