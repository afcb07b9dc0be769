"""The base of every statistics source (one plugin per CBS/politie table).

A source's rows arrive by one of two paths: a file (the bundled files, or a CSV export from
data.politie.nl / StatLine) or the live OData API. Both paths first land the rows *as delivered*
in a raw DuckDB table with the table's own column names (`SoortMisdrijf`, `RegioS`, `Perioden`,
`GeregistreerdeMisdrijven_1`, …) plus `_origin` and `_row`. One parser, `core_select`, then turns
that raw table into the tidy `core_observations` shape, and one validation, `problems`, checks it.

The traps of the open data are handled here, once:
- codes padded with spaces (`"1.1.1 "`, `"GM0363    "`) are trimmed;
- `null` (or an empty/"." cell in a CSV export) means *suppressed*: kept as NULL with
  `is_suppressed`, never 0;
- monthly, quarterly and yearly period codes share one column; each row keeps its own grain;
- measure columns keep their numeric suffix in raw and get a plain measure name in core;
- total rows (`0.0.0`, `T001161`) stay rows of their own, never summed with their parts;
- municipalities that merged are restated to the current municipality (see `MERGERS_FILE`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from ivp.core.errors import FileProblem

from ..constants import Classification

MERGERS_FILE = "ivp/municipal_mergers.csv"
AREA_PATTERN = r"^(NL01|LD\d{2}|PV\d{2}|RE\d{2}|VR\d{2}|GM\d{4}|WK\d{6}|BU\d{8})$"
PERIOD_PATTERN = r"^\d{4}(MM(0[1-9]|1[0-2])|KW0[1-4]|JJ00)$"
SUPPRESSED_CELLS = ("", ".", "x")


@dataclass(frozen=True)
class SourceInput:
    """One input of a load: a file, or a batch of live records."""

    name: str  # shown in reports: the file name, or `live:<table>`
    path: Path | None = None
    records: list[dict[str, Any]] | None = None
    data_date: dt.date | None = None
    provisional_years: frozenset[int] = frozenset()
    complete_from: dt.date | None = None  # months before this date are incomplete (a late start)


@dataclass
class LoadContext:
    """What the parser needs besides the raw rows."""

    crime_codes: set[str]
    mergers: dict[str, str] = field(default_factory=dict)  # old GM code -> current GM code
    dropped_areas: set[str] = field(default_factory=set)  # split municipalities: no single successor
    current_municipalities: set[str] = field(default_factory=set)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Source:
    """A statistics table. Subclasses set the class attributes; most need no code of their own."""

    key: ClassVar[str]
    table_id: ClassVar[str]
    title: ClassVar[str]
    classification: ClassVar[Classification] = Classification.POLITIE
    catalogue: ClassVar[str | None] = "dataderden"  # dataderden (politie) | opendata (CBS) | None
    crime_dimension: ClassVar[str] = "SoortMisdrijf"
    area_dimension: ClassVar[str] = "RegioS"
    period_dimension: ClassVar[str] = "Perioden"
    measures: ClassVar[Mapping[str, str]] = {"GeregistreerdeMisdrijven_1": "registered_crimes"}
    is_demo: ClassVar[bool] = False
    licence: ClassVar[str] = "CC BY 4.0, © Politie / CBS"

    # --- the two paths into the raw table ---------------------------------------------------

    @property
    def raw_columns(self) -> list[str]:
        return [self.crime_dimension, self.area_dimension, self.period_dimension, *self.measures]

    def bundled_inputs(self, data_dir: Path) -> list[SourceInput]:
        """The bundled files of this source (none by default)."""
        return []

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        """Read an OData-shaped CSV (a StatLine/dataderden export) into the raw table.

        The delimiter (`,` or `;`) is detected; every cell is kept as text; `_row` counts the
        header as row 1, as a spreadsheet does.
        """
        assert item.path is not None
        columns = self.raw_columns
        with item.path.open(encoding="utf-8-sig", newline="") as handle:
            head = handle.readline()
        delimiter = ";" if head.count(";") > head.count(",") else ","
        header = next(csv.reader([head], delimiter=delimiter))
        missing = [c for c in columns if c not in header]
        if missing:
            raise RawShapeError([FileProblem(item.name, 1, ", ".join(missing), "required column(s) missing")])
        select = ", ".join(f'"{c}"' for c in columns)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {raw} AS "
            f"SELECT {_q(item.name)} AS _origin, row_number() OVER () + 1 AS _row, {select} "
            f"FROM read_csv({_q(str(item.path))}, all_varchar=true, header=true, delim={_q(delimiter)}, "
            f"quote='\"', strict_mode=false, null_padding=true)"
        )

    def raw_from_records(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        """Put live records (OData JSON objects) into the raw table, keeping nulls as NULL."""
        assert item.records is not None
        columns = self.raw_columns
        defs = ", ".join(f'"{c}" VARCHAR' for c in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {raw} (_origin VARCHAR, _row BIGINT, {defs})")
        rows = [
            (item.name, number, *(None if r.get(c) is None else str(r.get(c)) for c in columns))
            for number, r in enumerate(item.records, start=1)
        ]
        if rows:
            marks = ", ".join("?" for _ in range(len(columns) + 2))
            con.executemany(f"INSERT INTO {raw} VALUES ({marks})", rows)

    def land(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        if item.records is not None:
            self.raw_from_records(con, item, raw)
        else:
            self.raw_from_file(con, item, raw)

    # --- the one parser ---------------------------------------------------------------------

    def _measure_case(self) -> str:
        whens = " ".join(f"WHEN {_q(k)} THEN {_q(v)}" for k, v in self.measures.items())
        return f"CASE measure_key {whens} END"

    def core_select(self, raw: str, item: SourceInput) -> str:
        """SELECT turning the raw table into `core_observations` rows (see schema.py)."""
        data_date = item.data_date or dt.date.today()
        provisional = ", ".join(str(y) for y in sorted(item.provisional_years)) or "NULL"
        unpivot = " UNION ALL ".join(
            f'SELECT _origin, _row, crime_code, raw_area, period_code, {_q(m)} AS measure_key, "{m}" AS raw_value '
            "FROM src"
            for m in self.measures
        )
        return f"""
        WITH src AS (
            SELECT *,
                   trim("{self.crime_dimension}") AS crime_code,
                   upper(trim("{self.area_dimension}")) AS raw_area,
                   trim("{self.period_dimension}") AS period_code
            FROM {raw}
            WHERE upper(trim("{self.area_dimension}")) NOT IN (SELECT code FROM dropped_area)
        ),
        long AS ({unpivot}),
        typed AS (
            SELECT l.*,
                   coalesce(mm.new_code, l.raw_area) AS area_code,
                   CASE WHEN raw_value IS NULL OR trim(raw_value) IN ('', '.', 'x') THEN NULL
                        ELSE CAST(trim(raw_value) AS BIGINT) END AS value,
                   CAST(substr(period_code, 1, 4) AS INTEGER) AS y,
                   substr(period_code, 5, 2) AS mark,
                   CAST(substr(period_code, 7, 2) AS INTEGER) AS n
            FROM long l LEFT JOIN merger_map mm ON mm.old_code = l.raw_area
        ),
        dated AS (
            SELECT *,
                   CASE mark WHEN 'MM' THEN 'month' WHEN 'KW' THEN 'quarter' ELSE 'year' END AS grain,
                   make_date(y, CASE mark WHEN 'MM' THEN n WHEN 'KW' THEN 3 * n - 2 ELSE 1 END, 1) AS start_date,
                   CASE mark WHEN 'MM' THEN 1 WHEN 'KW' THEN 3 ELSE 12 END AS months
            FROM typed
        )
        SELECT {_q(self.key)} AS source_key, {_q(self.table_id)} AS table_id,
               {_q(str(self.classification))} AS classification,
               area_code, crime_code, {self._measure_case()} AS measure,
               period_code, any_value(grain) AS period_grain, any_value(start_date) AS period_start_date,
               CASE WHEN bool_or(value IS NULL) THEN NULL ELSE sum(value) END AS value_count,
               bool_or(value IS NULL) AS is_suppressed,
               any_value(y) IN ({provisional}) IS TRUE AS is_provisional,
               (any_value(start_date) + to_months(any_value(months)) > DATE {_q(data_date.isoformat())}
                OR any_value(start_date) < DATE {_q((item.complete_from or dt.date.min).isoformat())})
                   AS is_incomplete,
               {str(self.is_demo).upper()} AS is_demo,
               any_value(_origin) AS origin,
               DATE {_q(data_date.isoformat())} AS data_date
        FROM dated
        GROUP BY area_code, crime_code, measure_key, period_code
        """

    # --- the one validation -----------------------------------------------------------------

    def problems(self, con: duckdb.DuckDBPyConnection, raw: str, limit: int = 200) -> list[FileProblem]:
        """Every row that cannot be read, naming its origin, row and field."""
        checks = [
            (
                self.crime_dimension,
                f"""trim("{self.crime_dimension}") IS NULL OR trim("{self.crime_dimension}") NOT IN
                    (SELECT code FROM known_crime)""",
                f"'{{v}}' is not a known {self.classification} code",
            ),
            (
                self.area_dimension,
                f"""NOT regexp_full_match(upper(coalesce(trim("{self.area_dimension}"), '')), '{AREA_PATTERN}')""",
                "'{v}' is not a CBS region code",
            ),
            (
                self.area_dimension,
                f"""upper(trim("{self.area_dimension}")) LIKE 'GM%'
                    AND (SELECT count(*) FROM current_gm) > 0
                    AND upper(trim("{self.area_dimension}")) NOT IN (SELECT code FROM current_gm)
                    AND upper(trim("{self.area_dimension}")) NOT IN (SELECT old_code FROM merger_map)
                    AND upper(trim("{self.area_dimension}")) NOT IN (SELECT code FROM dropped_area)""",
                f"'{{v}}' is neither a current municipality nor in the merger list ({MERGERS_FILE})",
            ),
            (
                self.period_dimension,
                f"""NOT regexp_full_match(coalesce(trim("{self.period_dimension}"), ''), '{PERIOD_PATTERN}')""",
                "'{v}' is not a CBS period code (like 2021MM01, 2021KW04 or 2021JJ00)",
            ),
        ]
        for measure in self.measures:
            checks.append(
                (
                    measure,
                    f"""NOT (trim("{measure}") IS NULL OR trim("{measure}") IN ('', '.', 'x'))
                        AND (TRY_CAST(trim("{measure}") AS BIGINT) IS NULL
                             OR TRY_CAST(trim("{measure}") AS BIGINT) < 0)""",
                    "'{v}' is not a whole, non-negative number",
                )
            )
        found: list[FileProblem] = []
        for column, condition, message in checks:
            rows = con.execute(
                f'SELECT _origin, _row, "{column}" FROM {raw} WHERE {condition} ORDER BY _row LIMIT {limit}'
            ).fetchall()
            found += [FileProblem(o, int(r), column, message.format(v=(v or "").strip())) for o, r, v in rows]
        dims = ", ".join(
            f'upper(trim("{d}"))' for d in (self.crime_dimension, self.area_dimension, self.period_dimension)
        )
        duplicates = con.execute(
            f"SELECT any_value(_origin), max(_row), {dims} FROM {raw} GROUP BY ALL HAVING count(*) > 1 "
            f"ORDER BY 2 LIMIT {limit}"
        ).fetchall()
        for origin, row, crime, area, period in duplicates:
            found.append(
                FileProblem(origin, int(row), None, f"{crime} / {area} / {period} appears more than once")
            )
        empty = con.execute(f"SELECT count(*) FROM {raw}").fetchone()
        if empty and empty[0] == 0:
            found.append(FileProblem(raw, None, None, "holds no rows"))
        return sorted(found, key=lambda p: (p.path, p.row or 0))[:limit]


class RawShapeError(Exception):
    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def prepare_context_tables(con: duckdb.DuckDBPyConnection, context: LoadContext) -> None:
    """The small lookup tables the parser and the validation use."""
    con.execute("CREATE OR REPLACE TEMP TABLE known_crime (code VARCHAR)")
    con.executemany("INSERT INTO known_crime VALUES (?)", [(c,) for c in sorted(context.crime_codes)])
    con.execute("CREATE OR REPLACE TEMP TABLE merger_map (old_code VARCHAR, new_code VARCHAR)")
    if context.mergers:
        con.executemany("INSERT INTO merger_map VALUES (?, ?)", sorted(context.mergers.items()))
    con.execute("CREATE OR REPLACE TEMP TABLE dropped_area (code VARCHAR)")
    if context.dropped_areas:
        con.executemany("INSERT INTO dropped_area VALUES (?)", [(c,) for c in sorted(context.dropped_areas)])
    con.execute("CREATE OR REPLACE TEMP TABLE current_gm (code VARCHAR)")
    if context.current_municipalities:
        con.executemany(
            "INSERT INTO current_gm VALUES (?)", [(c,) for c in sorted(context.current_municipalities)]
        )


def records_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [dict(r) for r in rows]
