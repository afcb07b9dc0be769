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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from ivp.core.errors import FileProblem

from ..constants import Classification

MERGERS_FILE = "ivp/municipal_mergers.csv"
# Wijk and buurt codes: the municipality, then digits or (since 2022, e.g. Amsterdam BU0363AF03) capitals.
AREA_PATTERN = r"^(NL01|LD\d{2}|PV\d{2}|RE\d{2}|VR\d{2}|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$"
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
        reader = (
            f"read_csv({_q(str(item.path))}, all_varchar=true, header=true, delim={_q(delimiter)}, "
            f"quote='\"', strict_mode=false, null_padding=true)"
        )
        ordered = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
        if not (ordered and ordered[0]):
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {raw} AS "
                f"SELECT {_q(item.name)} AS _origin, row_number() OVER () + 1 AS _row, {select} FROM {reader}"
            )
            return
        # Fast path: the cells are stored once, in file order (insertion order is preserved), and
        # `_row` is the storage row id + 2 (the header is row 1) instead of a row_number() pass.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {raw}__cells AS SELECT {select} FROM {reader}")
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {raw} AS "
            f"SELECT {_q(item.name)} AS _origin, rowid + 2 AS _row, {select} FROM {raw}__cells"
        )

    def raw_from_records(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        """Put live records (OData JSON objects) into the raw table, keeping nulls as NULL."""
        assert item.records is not None
        columns = self.raw_columns
        if item.records:
            # A column the reply lacks is a changed table, not a suppressed figure: refuse it.
            lacking = [c for c in columns if not any(c in r for r in item.records[:1000])]
            if lacking:
                raise RawShapeError(
                    [
                        FileProblem(
                            item.name, None, ", ".join(lacking), "required column(s) missing from the reply"
                        )
                    ]
                )
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
        """SELECT turning the raw table into `core_observations` rows (see schema.py).

        The code cells are read through small maps made from their distinct values (a few
        hundred for millions of rows): trimming, restating merged municipalities and dating a
        period happen once per value, not once per row. Rows of municipalities that absorbed
        others (the targets in `merger_map`) are summed per area x type x measure x period; every
        other row is its own core row (the validation has refused duplicates).
        """
        data_date = item.data_date or dt.date.today()
        provisional = ", ".join(str(y) for y in sorted(item.provisional_years)) or "NULL"
        data_day = f"DATE {_q(data_date.isoformat())}"
        complete_from = f"DATE {_q((item.complete_from or dt.date.min).isoformat())}"
        crime, area, period = self.crime_dimension, self.area_dimension, self.period_dimension
        measures = list(self.measures)
        cells = ", ".join(f"v{i}.value AS value_{i}" for i in range(len(measures)))
        value_maps = "".join(
            f"""
        value_map_{i} AS (
            SELECT cell, CASE WHEN cell IS NULL OR trim(cell) IN ('', '.', 'x') THEN NULL
                              ELSE CAST(trim(cell) AS BIGINT) END AS value
            FROM (SELECT DISTINCT "{m}" AS cell FROM {raw})
        ),"""
            for i, m in enumerate(measures)
        )
        value_joins = "".join(
            f'\n            LEFT JOIN value_map_{i} v{i} ON v{i}.cell = r."{m}"'
            for i, m in enumerate(measures)
        )
        unpivot = " UNION ALL ".join(
            f"SELECT _origin, crime_code, area_code, summed, period_code, grain, start_date, y, months, "
            f"is_provisional, is_incomplete, {_q(m)} AS measure_key, value_{i} AS value FROM joined"
            for i, m in enumerate(measures)
        )
        identity = (
            f"{_q(self.key)} AS source_key, {_q(self.table_id)} AS table_id, "
            f"{_q(str(self.classification))} AS classification, area_code, crime_code, "
            f"{self._measure_case()} AS measure, period_code"
        )
        demo = str(self.is_demo).upper()
        return f"""
        WITH crime_map AS (
            SELECT cell, trim(cell) AS crime_code FROM (SELECT DISTINCT "{crime}" AS cell FROM {raw})
        ),
        area_map AS (
            SELECT a.cell, coalesce(mm.new_code, a.raw_area) AS area_code,
                   coalesce(mm.new_code, a.raw_area) IN (SELECT new_code FROM merger_map) AS summed
            FROM (SELECT cell, upper(trim(cell)) AS raw_area FROM (SELECT DISTINCT "{area}" AS cell FROM {raw})) a
            LEFT JOIN merger_map mm ON mm.old_code = a.raw_area
            WHERE a.raw_area NOT IN (SELECT code FROM dropped_area)
        ),
        period_parts AS (
            SELECT cell, period_code,
                   CAST(substr(period_code, 1, 4) AS INTEGER) AS y,
                   substr(period_code, 5, 2) AS mark,
                   CAST(substr(period_code, 7, 2) AS INTEGER) AS n
            FROM (SELECT cell, trim(cell) AS period_code FROM (SELECT DISTINCT "{period}" AS cell FROM {raw}))
        ),
        period_dated AS (
            SELECT *,
                   CASE mark WHEN 'MM' THEN 'month' WHEN 'KW' THEN 'quarter' ELSE 'year' END AS grain,
                   make_date(y, CASE mark WHEN 'MM' THEN n WHEN 'KW' THEN 3 * n - 2 ELSE 1 END, 1) AS start_date,
                   CASE mark WHEN 'MM' THEN 1 WHEN 'KW' THEN 3 ELSE 12 END AS months
            FROM period_parts
        ),
        period_map AS (
            SELECT *,
                   y IN ({provisional}) IS TRUE AS is_provisional,
                   (start_date + to_months(months) > {data_day} OR start_date < {complete_from}) AS is_incomplete
            FROM period_dated
        ),{value_maps}
        joined AS (
            SELECT r._origin, c.crime_code, a.area_code, a.summed, p.period_code, p.grain, p.start_date, p.y,
                   p.months, p.is_provisional, p.is_incomplete, {cells}
            FROM {raw} r
            JOIN crime_map c ON c.cell = r."{crime}"
            JOIN area_map a ON a.cell = r."{area}"
            JOIN period_map p ON p.cell = r."{period}"{value_joins}
        ),
        long AS ({unpivot}),
        single AS (
            SELECT {identity},
                   grain AS period_grain, start_date AS period_start_date,
                   value AS value_count,
                   value IS NULL AS is_suppressed,
                   is_provisional,
                   is_incomplete,
                   {demo} AS is_demo,
                   _origin AS origin,
                   {data_day} AS data_date
            FROM long
            WHERE NOT summed
        ),
        summed AS (
            SELECT {identity},
                   any_value(grain) AS period_grain, any_value(start_date) AS period_start_date,
                   CASE WHEN bool_or(value IS NULL) THEN NULL ELSE sum(value) END AS value_count,
                   bool_or(value IS NULL) AS is_suppressed,
                   any_value(is_provisional) AS is_provisional,
                   any_value(is_incomplete) AS is_incomplete,
                   {demo} AS is_demo,
                   any_value(_origin) AS origin,
                   {data_day} AS data_date
            FROM long
            WHERE summed
            GROUP BY area_code, crime_code, measure_key, period_code
        )
        SELECT * FROM single UNION ALL SELECT * FROM summed
        """

    # --- the one validation -----------------------------------------------------------------

    def _checks(self) -> list[tuple[str, str, str]]:
        """(column, condition on that column's value, message) for every per-cell check."""
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
        return checks

    @staticmethod
    def _may_have_duplicates(
        con: duckdb.DuckDBPyConnection, raw: str, values: dict[str, str], dimensions: tuple[str, str, str]
    ) -> bool:
        """False only if no two rows share type, area and period (trimmed, upper case).

        Each dimension's distinct cells get the dense number of their normalised value; a row's
        key is then a number below the product of the counts, and one bit per possible key
        (`bitstring_agg`) counts the distinct keys without a hash table. Very large key spaces and
        empty (NULL) codes take the hash path instead.
        """
        sizes: list[int] = []
        for d in dimensions:
            row = con.execute(
                f'SELECT count(DISTINCT upper(trim("{d}"))), count(*) - count("{d}") FROM {values[d]}'
            ).fetchone()
            if not row or row[1]:
                sizes = []
                break
            sizes.append(max(int(row[0]), 1))
        space = sizes[0] * sizes[1] * sizes[2] if sizes else 0
        if 0 < space <= 1 << 32:
            maps = [f"{raw}__ids_{n}" for n in range(3)]
            for table, d in zip(maps, dimensions, strict=True):
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT cell, "
                    f"CAST(dense_rank() OVER (ORDER BY upper(trim(cell))) - 1 AS BIGINT) AS id "
                    f'FROM (SELECT "{d}" AS cell FROM {values[d]})'
                )
            row = con.execute(
                f"""SELECT count(*) - coalesce(bit_count(bitstring_agg(
                        (a.id * {sizes[1]} + b.id) * {sizes[2]} + c.id, 0, {space - 1})), 0)
                    FROM {raw} r
                    JOIN {maps[0]} a ON a.cell = r."{dimensions[0]}"
                    JOIN {maps[1]} b ON b.cell = r."{dimensions[1]}"
                    JOIN {maps[2]} c ON c.cell = r."{dimensions[2]}" """
            ).fetchone()
            for table in maps:
                con.execute(f"DROP TABLE IF EXISTS {table}")
            return bool(row and row[0])
        key = ", ".join(f'upper(trim("{d}"))' for d in dimensions)
        row = con.execute(
            f"SELECT EXISTS (SELECT 1 FROM {raw} GROUP BY hash({key}) HAVING count(*) > 1)"
        ).fetchone()
        return bool(row and row[0])

    def problems(self, con: duckdb.DuckDBPyConnection, raw: str, limit: int = 200) -> list[FileProblem]:
        """Every row that cannot be read, naming its origin, row and field.

        Every check is a condition on one cell, so it is first evaluated once per distinct value
        of its column (a few hundred values for millions of rows); only a check that fails looks
        up its rows. Duplicates are first looked for by a hash of the key cells.
        """
        checks = self._checks()
        dimensions = (self.crime_dimension, self.area_dimension, self.period_dimension)
        columns = list(dict.fromkeys([*dimensions, *(c for c, _cond, _msg in checks)]))
        values = {column: f"{raw}__values_{number}" for number, column in enumerate(columns)}
        for column, table in values.items():
            con.execute(f'CREATE OR REPLACE TEMP TABLE {table} AS SELECT DISTINCT "{column}" FROM {raw}')
        found: list[FileProblem] = []
        for column, condition, message in checks:
            hit = con.execute(f"SELECT EXISTS (SELECT 1 FROM {values[column]} WHERE {condition})").fetchone()
            if not (hit and hit[0]):
                continue
            rows = con.execute(
                f'SELECT _origin, _row, "{column}" FROM {raw} WHERE {condition} ORDER BY _row LIMIT {limit}'
            ).fetchall()
            found += [FileProblem(o, int(r), column, message.format(v=(v or "").strip())) for o, r, v in rows]
        dims = ", ".join(f'upper(trim("{d}"))' for d in dimensions)
        if self._may_have_duplicates(con, raw, values, dimensions):
            duplicates = con.execute(
                f"SELECT any_value(_origin), max(_row), {dims} FROM {raw} GROUP BY ALL HAVING count(*) > 1 "
                f"ORDER BY 2 LIMIT {limit}"
            ).fetchall()
            for origin, row, crime, area, period in duplicates:
                found.append(
                    FileProblem(origin, int(row), None, f"{crime} / {area} / {period} appears more than once")
                )
        for table in values.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")
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
    mergers = sorted(context.mergers.items())
    tables = {
        "known_crime": ("code VARCHAR", [sorted(context.crime_codes)]),
        "merger_map": (
            "old_code VARCHAR, new_code VARCHAR",
            [[o for o, _n in mergers], [n for _o, n in mergers]],
        ),
        "dropped_area": ("code VARCHAR", [sorted(context.dropped_areas)]),
        "current_gm": ("code VARCHAR", [sorted(context.current_municipalities)]),
    }
    for name, (columns, values) in tables.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({columns})")
        if values[0]:  # one statement per table, not one per row
            unnest = ", ".join("unnest(?)" for _v in values)
            con.execute(f"INSERT INTO {name} SELECT {unnest}", values)
