"""The base of every statistics source (one plugin per CBS/politie table).

A source's rows arrive by one of two paths: a file (the bundled files, or a CSV export from
data.politie.nl / StatLine) or the live OData API. Both paths first land the rows *as delivered*
in a raw DuckDB table with the table's own column names (`SoortMisdrijf`, `RegioS`, `Perioden`,
`GeregistreerdeMisdrijven_1`, …) plus `_origin` and `_row`. One parser, `encode`, then turns
that raw table into the tidy `core_observations` rows (in the store's lean layout, ADR 0008), and
one validation, `problems`, checks it. A CSV export whose every cell is a known code may skip the
landing and the validation (`encode(fast=True)`): if any cell is not known, any figure invalid or
any row duplicated, the load takes the general path instead, so the store is the same either way.

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
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from ivp.core.errors import FileProblem

from .. import dense
from ..constants import Classification
from ..store import PART_ORDER, Encoded, key_sql, keys_table

MERGERS_FILE = "ivp/municipal_mergers.csv"
# Wijk and buurt codes: the municipality, then digits or (since 2022, e.g. Amsterdam BU0363AF03) capitals.
AREA_PATTERN = r"^(NL01|LD\d{2}|PV\d{2}|RE\d{2}|VR\d{2}|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$"
PERIOD_PATTERN = r"^\d{4}(MM(0[1-9]|1[0-2])|KW0[1-4]|JJ00)$"
SUPPRESSED_CELLS = ("", ".", "x")
# A figure is written as digits (a sign allowed): DuckDB's cast also reads `1.5` (as 2), `1e3`,
# `1_000` and `0x1F`, none of which is a count as published.
WHOLE_PATTERN = r"[+-]?[0-9]+"
# The fast path of `Source.encode` knows cells padded with up to this many spaces on the right.
KNOWN_PADDING = 8
KNOWN_PERIOD_MARKS = (*(f"MM{m:02d}" for m in range(1, 13)), "KW01", "KW02", "KW03", "KW04", "JJ00")
# Above this many possible keys the fast path counts distinct keys by hashing instead of a bitmap.
BITMAP_KEYS = 1 << 28


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
    known_areas: set[str] = field(default_factory=set)  # every area of the reference data (fast path)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _value_sql(cell: str) -> str:
    """A figure from its raw cell: NULL when suppressed; -1 when it is not a whole number (only
    seen on the fast path, where the cells have not been validated). `TRY_CAST` ignores the
    spaces around a number, as the validation's `trim` does; a cell with any character other than
    digits (with a sign and spaces around them: `1.5`, `1e3`, which `TRY_CAST` would read) is not
    a whole number."""
    marks = ", ".join(_q(m) for m in SUPPRESSED_CELLS)
    return (
        f"CASE WHEN {cell} IS NULL THEN NULL "
        f"WHEN NOT regexp_full_match({cell}, ' *{WHOLE_PATTERN} *') "
        f"THEN CASE WHEN trim({cell}) IN ({marks}) THEN NULL ELSE -1 END "
        f"ELSE coalesce(TRY_CAST({cell} AS BIGINT), -1) END"
    )


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start + 1} of the row)"


def first_undecodable_row(path: Path) -> FileProblem | None:
    """The first line of a file that is not UTF-8 text (row 1 = the first line), or None. Read in
    lines, so a large file is never held in memory."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                return FileProblem(path.name, number, None, _not_utf8(exc))
    return None


def _fast_rows_usable(
    con: duckdb.DuckDBPyConnection, encoded: Encoded, inputs: int, measures: int, prefix: str
) -> bool:
    """Whether the rows of the fast path need no validation: every cell was a known one, every
    figure whole and non-negative, no two rows of an input share type, area and period, and no
    input is empty. If so, the keys no row uses are dropped (one pass over the keys, bitmaps)."""
    crimes, measure_count, parts = encoded.crimes, encoded.measures, encoded.parts
    found = con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {prefix}_area").fetchone()
    areas = int(found[0]) if found else 1
    space = areas * crimes * measure_count * parts
    con.execute(f"CREATE OR REPLACE TEMP TABLE {prefix}_used (areas BIT, crimes BIT, parts BIT)")
    for n in range(inputs):
        wide = f"{prefix}_{n}_wide"
        lowest = ", ".join(f"min(value_{i})" for i in range(measures))
        distinct = (
            f"bit_count(bitstring_agg(key, 0, {space - 1}))"
            if space <= BITMAP_KEYS
            else "count(DISTINCT key)"
        )
        # One pass: the checks, and which ids are used (bitmaps; NULL keys are left out).
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {prefix}_check AS
            SELECT count(*) AS n, count(key) AS keyed, least({lowest}) AS lowest, {distinct} AS distinct_keys,
                   bitstring_agg(key // {crimes * measure_count * parts}, 0, {areas - 1}) AS areas,
                   bitstring_agg(key // {measure_count * parts} % {crimes}, 0, {crimes - 1}) AS crimes,
                   bitstring_agg(key % {parts}, 0, {parts - 1}) AS parts
            FROM {wide}
            """
        )
        row = con.execute(f"SELECT n, keyed, lowest, distinct_keys FROM {prefix}_check").fetchone()
        if (
            not row
            or not row[0]
            or row[1] != row[0]
            or (row[2] is not None and row[2] < 0)
            or row[3] != row[0]
        ):
            return False
        con.execute(f"INSERT INTO {prefix}_used SELECT areas, crimes, parts FROM {prefix}_check")
    for dimension, column in (("area", "areas"), ("crime", "crimes"), ("part", "parts")):
        con.execute(
            f"DELETE FROM {encoded.keys} WHERE dimension = '{dimension}' "
            f"AND NOT EXISTS (SELECT 1 FROM {prefix}_used u WHERE get_bit(u.{column}, id) = 1)"
        )
    return True


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

    def _csv_delimiter(self, item: SourceInput) -> str:
        """The delimiter of an OData-shaped CSV export (`,` or `;`, whichever the header has more
        of), after checking that the header names every raw column."""
        assert item.path is not None
        with item.path.open("rb") as binary:
            raw_head = binary.readline()
        try:
            head = raw_head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RawShapeError([FileProblem(item.name, 1, None, _not_utf8(exc))]) from exc
        delimiter = ";" if head.count(";") > head.count(",") else ","
        header = next(csv.reader([head], delimiter=delimiter))
        missing = [c for c in self.raw_columns if c not in header]
        if missing:
            raise RawShapeError([FileProblem(item.name, 1, ", ".join(missing), "required column(s) missing")])
        return delimiter

    def _csv_reader(self, item: SourceInput) -> tuple[str, str]:
        """`read_csv(...)` of an OData-shaped CSV export and the select list of its raw columns."""
        delimiter = self._csv_delimiter(item)
        reader = (
            f"read_csv({_q(str(item.path))}, all_varchar=true, header=true, delim={_q(delimiter)}, "
            f"quote='\"', strict_mode=false, null_padding=true)"
        )
        return reader, ", ".join(_qi(c) for c in self.raw_columns)

    def csv_read(self, item: SourceInput) -> dense.CsvCells | None:
        """The raw columns of a CSV export read by Arrow for the fast path of `encode` (None: not
        such a file, or one Arrow refuses; DuckDB reads it then). Safe to run in a thread."""
        if (
            item.path is None
            or item.records is not None
            or type(self).raw_from_file is not Source.raw_from_file
        ):
            return None
        try:
            delimiter = self._csv_delimiter(item)
        except (RawShapeError, OSError):
            return None  # the general path reports it
        return dense.csv_cells(item.path, delimiter, self.raw_columns)

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        """Read an OData-shaped CSV (a StatLine/dataderden export) into the raw table.

        The delimiter (`,` or `;`) is detected; every cell is kept as text; `_row` counts the
        header as row 1, as a spreadsheet does.
        """
        reader, select = self._csv_reader(item)
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

    def plain_file_rows(self, item: SourceInput) -> str | None:
        """The cells of a CSV export in the table's own shape, as a relation read straight from the
        file (no `_origin`, `_row`), for a load that need not land the raw rows first; None when
        the input is not such a file or this source reads it its own way."""
        if (
            item.path is None
            or item.records is not None
            or type(self).raw_from_file is not Source.raw_from_file
        ):
            return None
        reader, select = self._csv_reader(item)
        return f"(SELECT {select} FROM {reader})"

    def _known_cells(self, dimension: str) -> str:
        """For the fast path of `encode`: every cell of a dimension known to pass its checks (the
        known crime codes, the known areas that are not restated or dropped, every period code of
        1900-2099), also padded with spaces on the right as the politie exports do."""
        if dimension == self.crime_dimension:
            codes, pad = "SELECT code FROM known_crime", KNOWN_PADDING
        elif dimension == self.area_dimension:
            codes = (
                "SELECT code FROM known_area WHERE code NOT IN (SELECT old_code FROM merger_map) "
                "AND code NOT IN (SELECT code FROM dropped_area)"
            )
            pad = KNOWN_PADDING
        else:
            marks = ", ".join(f"('{m}')" for m in KNOWN_PERIOD_MARKS)
            codes = (
                f"SELECT CAST(y AS VARCHAR) || m AS code FROM range(1900, 2100) t(y), (VALUES {marks}) s(m)"
            )
            pad = 0
        conditions = [c for column, c, _m in self._checks() if column == dimension]
        valid = " AND ".join(f"NOT coalesce(({c}), false)" for c in conditions) or "true"
        return (
            f'SELECT "{dimension}" AS cell FROM (SELECT code || repeat(\' \', w) AS "{dimension}" '
            f"FROM ({codes}), range(0, {pad + 1}) p(w)) WHERE {valid}"
        )

    def cell_maps(
        self, con: duckdb.DuckDBPyConnection, prefix: str, item: SourceInput, cells: Mapping[str, str]
    ) -> None:
        """The parser of the code cells of one input, run once per distinct cell (a few hundred for
        millions of rows): `cells[dimension]` is a relation of cells (column `cell`). Creates
        `{prefix}_crime` (cell, code), `{prefix}_area` (cell, code, restated: a merged
        municipality restated to its successor; split ones are left out) and `{prefix}_period`
        (cell, code, grain, dates and flags of the period in this input)."""
        data_date = item.data_date or dt.date.today()
        provisional = ", ".join(str(y) for y in sorted(item.provisional_years)) or "NULL"
        data_day = f"DATE {_q(data_date.isoformat())}"
        complete_from = f"DATE {_q((item.complete_from or dt.date.min).isoformat())}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {prefix}_crime AS SELECT cell, trim(cell) AS code "
            f"FROM ({cells[self.crime_dimension]})"
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {prefix}_area AS
            SELECT a.cell, coalesce(mm.new_code, a.raw_area) AS code, mm.new_code IS NOT NULL AS restated
            FROM (SELECT cell, upper(trim(cell)) AS raw_area FROM ({cells[self.area_dimension]})) a
            LEFT JOIN merger_map mm ON mm.old_code = a.raw_area
            WHERE a.raw_area NOT IN (SELECT code FROM dropped_area)
            """
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {prefix}_period AS
            WITH parts AS (
                SELECT cell, code, CAST(substr(code, 1, 4) AS INTEGER) AS y, substr(code, 5, 2) AS mark,
                       CAST(substr(code, 7, 2) AS INTEGER) AS n
                FROM (SELECT cell, trim(cell) AS code FROM ({cells[self.period_dimension]}))
            ),
            dated AS (
                SELECT *,
                       CASE mark WHEN 'MM' THEN 'month' WHEN 'KW' THEN 'quarter' ELSE 'year' END AS grain,
                       make_date(y, CASE mark WHEN 'MM' THEN n WHEN 'KW' THEN 3 * n - 2 ELSE 1 END, 1) AS start_date,
                       CASE mark WHEN 'MM' THEN 1 WHEN 'KW' THEN 3 ELSE 12 END AS months
                FROM parts
            )
            SELECT cell, code, grain, start_date,
                   y IN ({provisional}) IS TRUE AS is_provisional,
                   (start_date + to_months(months) > {data_day} OR start_date < {complete_from}) AS is_incomplete,
                   {data_day} AS data_date
            FROM dated
            """
        )

    def encode(
        self,
        con: duckdb.DuckDBPyConnection,
        inputs: list[tuple[SourceInput, str]],
        *,
        fast: bool = False,
        prefix: str = "enc",
        reads: Mapping[int, Future[dense.CsvCells | None]] | None = None,
    ) -> tuple[Encoded, int] | None:
        """The one parser: the raw rows of the inputs, as (input, relation with the raw columns),
        into the lean layout of `core_observations` (see `store.Encoded`); returns it with the
        number of raw rows.

        The code cells are parsed once per distinct cell (`cell_maps`) and every row is joined to
        those maps on its raw cells. Rows of municipalities restated to their successor are
        summed per area x type x measure x period; every other row is its own core row (the
        validation has refused duplicates).

        `fast`: the rows have not been validated (nor landed); the maps are every cell known to
        pass the checks (`_known_cells`). If any row has another cell, an invalid figure or a
        duplicate, None is returned and the caller takes the general path (land, validate,
        encode), so the store is the same either way. `reads`: the Arrow reads of inputs (by
        number) started beforehand (`csv_read`).
        """
        dimensions = (self.crime_dimension, self.area_dimension, self.period_dimension)
        for n, (item, rows) in enumerate(inputs):
            cells = {
                d: self._known_cells(d) if fast else f'SELECT DISTINCT "{d}" AS cell FROM {rows}'
                for d in dimensions
            }
            self.cell_maps(con, f"{prefix}_{n}", item, cells)
        for dimension in ("crime", "area"):
            union = " UNION ".join(f"SELECT code FROM {prefix}_{n}_{dimension}" for n in range(len(inputs)))
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {prefix}_{dimension} AS SELECT code, "
                f"CAST(row_number() OVER (ORDER BY code) - 1 AS INTEGER) AS id FROM (SELECT DISTINCT code FROM ({union}))"
            )
        names = sorted(set(self.measures.values()))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {prefix}_measure AS SELECT unnest(?) AS code, "
            f"CAST(unnest(range({len(names)})) AS INTEGER) AS id",
            [names],
        )
        constants = (
            f"{_q(self.key)} AS source_key, {_q(self.table_id)} AS table_id, "
            f"{_q(str(self.classification))} AS classification, {str(self.is_demo).upper()} AS is_demo"
        )
        periods = " UNION ".join(
            f"SELECT code, grain AS period_grain, start_date AS period_start_date, is_provisional, is_incomplete, "
            f"{_q(item.name)} AS origin, data_date, {constants} FROM {prefix}_{n}_period"
            for n, (item, _rows) in enumerate(inputs)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {prefix}_part AS SELECT "
            f"CAST(row_number() OVER (ORDER BY {PART_ORDER}) - 1 AS INTEGER) AS id, * "
            f"FROM (SELECT DISTINCT * FROM ({periods}))"
        )
        sizes = keys_table(con, prefix)
        crimes, measures, parts = sizes
        join = "LEFT JOIN" if fast else "JOIN"
        on_arrays = fast and dense.fits_arrays([i.path for i, _r in inputs if i.path is not None])
        selects: list[str] = []
        summed = False
        batches: list[dense.Batch] = []
        for n, (item, rows) in enumerate(inputs):
            maps = f"{prefix}_{n}"
            values = ", ".join(
                f"{_value_sql(f'r.{_qi(m)}')} AS value_{i}" for i, m in enumerate(self.measures)
            )
            # Each dimension's map: the raw cells (as written) and the id of their code.
            joins = {
                "crime": (
                    self.crime_dimension,
                    f"SELECT m.cell, d.id FROM {maps}_crime m JOIN {prefix}_crime d ON d.code = m.code",
                ),
                "area": (
                    self.area_dimension,
                    f"SELECT m.cell, d.id FROM {maps}_area m JOIN {prefix}_area d ON d.code = m.code",
                ),
                "part": (
                    self.period_dimension,
                    f"""SELECT m.cell, d.id FROM {maps}_period m JOIN {prefix}_part d ON d.code = m.code
                          AND d.origin = {_q(item.name)} AND d.period_grain = m.grain
                          AND d.period_start_date = m.start_date AND d.is_provisional = m.is_provisional
                          AND d.is_incomplete = m.is_incomplete AND d.data_date = m.data_date""",
                ),
            }
            wide = f"""
                SELECT {key_sql("a.id", "c.id", "0", "p.id", sizes)} AS key, {values},
                       a.id AS area_id, c.id AS crime_id, p.id AS part_id
                FROM {rows} r
                {join} ({joins["crime"][1]}) c ON c.cell = r.{_qi(self.crime_dimension)}
                {join} ({joins["area"][1]}) a ON a.cell = r.{_qi(self.area_dimension)}
                {join} ({joins["part"][1]}) p ON p.cell = r.{_qi(self.period_dimension)}
                """
            if on_arrays:
                # A CSV export is read by Arrow, each distinct cell looked up once in the maps;
                # a file Arrow refuses is read by the SQL above (same rows, or the same refusal).
                started = (reads or {}).get(n)
                read = started.result() if started is not None else self.csv_read(item)
                if read is not None:
                    figures = [(m, _value_sql("u.cell")) for m in self.measures]
                    batch = dense.batch_of_cells(con, read, joins, figures)
                else:
                    batch = dense.batch_fetched(con, wide, len(self.measures))
                if batch is None:
                    return None  # a cell not known or a figure not valid: the general path
                batches.append(batch)
                continue
            con.execute(f"CREATE OR REPLACE TEMP TABLE {maps}_wide AS {wide}")
            restated = con.execute(f"SELECT coalesce(bool_or(restated), false) FROM {maps}_area").fetchone()
            for i, measure in enumerate(self.measures):
                offset = names.index(self.measures[measure]) * parts
                select = f"SELECT key + {offset} AS key, value_{i} AS value_count FROM {maps}_wide"
                if restated and restated[0]:  # municipalities restated to their successor: summed
                    select = (
                        "SELECT key, CASE WHEN bool_or(value_count IS NULL) THEN NULL ELSE sum(value_count) END "
                        f"AS value_count FROM ({select}) GROUP BY key"
                    )
                    summed = True
                selects.append(select)
        if on_arrays:  # the checks, the order and the ids in use, on arrays
            measure_ids = [names.index(self.measures[m]) for m in self.measures]
            checked = dense.rows_checked(con, batches, measure_ids, sizes, f"{prefix}_keys")
            if checked is None:
                return None
            rows_read, found_rows = checked
            relation = found_rows.register(con, sizes)
            return Encoded(relation, f"{prefix}_keys", crimes, measures, parts, found_rows), rows_read
        # A view when every row is its own core row (no copy of millions of rows).
        union = " UNION ALL ".join(selects)
        if summed:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {prefix}_summed AS {union}")
            union = f"SELECT * FROM {prefix}_summed"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {prefix}_rows AS {union}")
        total = 0
        for n in range(len(inputs)):
            found = con.execute(f"SELECT count(*) FROM {prefix}_{n}_wide").fetchone()
            total += int(found[0]) if found else 0
        encoded = Encoded(f"{prefix}_rows", f"{prefix}_keys", crimes, measures, parts)
        if fast and not _fast_rows_usable(con, encoded, len(inputs), len(self.measures), prefix):
            return None
        return encoded, total

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
                        AND (NOT regexp_full_match(trim("{measure}"), '{WHOLE_PATTERN}')
                             OR TRY_CAST(trim("{measure}") AS BIGINT) IS NULL
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

    def problems(
        self, con: duckdb.DuckDBPyConnection, raw: str, limit: int = 200, *, name: str | None = None
    ) -> list[FileProblem]:
        """Every row that cannot be read, naming its origin (`name`: the input, for problems of
        the whole input such as having no rows), row and field.

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
            found.append(FileProblem(name or raw, None, None, "holds no rows"))
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
        "known_area": ("code VARCHAR", [sorted(context.known_areas)]),
    }
    for name, (columns, values) in tables.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({columns})")
        if values[0]:  # one statement per table, not one per row
            unnest = ", ".join("unnest(?)" for _v in values)
            con.execute(f"INSERT INTO {name} SELECT {unnest}", values)
