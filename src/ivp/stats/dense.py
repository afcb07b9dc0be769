"""The fast path of a load on arrays (NumPy): the checks of the encoded rows, their order, and
the region sums.

`Source.encode(fast=True)` encodes a plain CSV export straight from the file. Arrow reads it
(`csv_cells`), every column dictionary-encoded, so each distinct cell is parsed once by the SQL
parser (`batch_of_cells`) and each row keeps only its positions among the distinct cells. The
rows are then put in key order (`rows_checked`): each row's place is its cell in the grid of the
ids in use (area x crime type x measure x part). Where that grid is not much larger than the rows
(a cube of every area, type and period is exactly one cell per row), each row is written into its
cell, by two threads, with no sort; a cell written twice is a duplicate. A sparser input is
sorted on the cell number. The checks (every cell known, every figure whole and non-negative, no
key twice) give up to the general path, which reports the problem.

The region sums lay the figures out densely (municipalities x crime type, measure and period)
and add up each region's members' rows in whole numbers: the sum, the number of reporting
members (figures not NULL) and whether any member has a row at all, so a region with every
member suppressed keeps a NULL sum, exactly as the SQL sums (`VersionWriter._region_sums`) do.
They are added per region in a loop rather than as a matrix product: BLAS would start threads
that spin against DuckDB's writer on a 2-core machine.

Without NumPy (it is not imported at module level) or outside what the dense layout handles (a
source summed per buurt, several inputs with the same period, very large matrices, sums beyond a
BIGINT) the SQL path of ADR 0008 is used; both give the same rows (tests: test_dense.py).
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# Largest input (bytes of CSV) read into arrays (~0.8 bytes of arrays per byte of CSV); larger
# inputs (a buurt cube) take the SQL path, which DuckDB spills to disk when memory runs short.
MAX_INPUT_BYTES = 1 << 30
# Largest dense matrix (cells) the region sums lay out; above it the SQL sums are used.
MAX_DENSE_CELLS = 40_000_000
# The rows are put in key order by placing each in its cell of the grid of the ids in use (area x
# crime type x measure x part) when that grid has at most this many cells per row (a cube of
# every area, type and period is one cell per row); a sparser input is sorted instead.
GRID_CELLS_PER_ROW = 4
# Threads that place the rows in their cells (NumPy works without the GIL there).
FILL_THREADS = 2
_NAMES = itertools.count()


def fits_arrays(paths: list[Path]) -> bool:
    """Whether input files are small enough for the arrays (`MAX_INPUT_BYTES`, which are not
    spilled to disk) and NumPy is at hand: the fast path then works on arrays."""
    try:
        size = sum(path.stat().st_size for path in paths)
    except OSError:
        return False
    return available() and size <= MAX_INPUT_BYTES


def available() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:  # pragma: no cover - numpy comes with the bench extra and duckdb's numpy support
        return False
    return True


@dataclass(frozen=True)
class DenseRows:
    """Encoded rows as arrays in key order (the order of `store.Encoded`'s key: area, crime type,
    measure, part). `value` holds 0 where `null` (suppressed); `used`: the ids of each dimension
    (area, crime, part) that rows use, ascending. A row's place in the grid of the ids in use is
    `cell` (area rank, crime rank, measure id, part rank in `shape`); None when every cell of the
    grid is a row (a full cube), in order. The ids of each row (`area`, ...) are made from it when
    they are needed."""

    value: np.ndarray
    null: np.ndarray
    used: dict[str, np.ndarray]
    shape: tuple[int, int, int, int]  # areas, crime types, measures, parts (in use; measures: all ids)
    cell: np.ndarray | None

    def __len__(self) -> int:
        return len(self.value)

    def _ids(self, axis: int, ids: np.ndarray | None) -> np.ndarray:
        import numpy as np

        inner = int(np.prod(self.shape[axis + 1 :]))
        each = ids.astype(np.int32) if ids is not None else np.arange(self.shape[axis], dtype=np.int32)
        if self.cell is None:  # the full grid: each id repeated over the cells within it, in turn
            return np.tile(np.repeat(each, inner) if inner > 1 else each, int(np.prod(self.shape[:axis])))
        ranks = self.cell // inner % self.shape[axis]
        return each[ranks] if ids is not None else ranks.astype(np.int32)

    @functools.cached_property
    def area(self) -> np.ndarray:
        return self._ids(0, self.used["area"])

    @functools.cached_property
    def crime(self) -> np.ndarray:
        return self._ids(1, self.used["crime"])

    @functools.cached_property
    def measure(self) -> np.ndarray:
        return self._ids(2, None)

    @functools.cached_property
    def part(self) -> np.ndarray:
        return self._ids(3, self.used["part"])

    def register(self, con: duckdb.DuckDBPyConnection, sizes: tuple[int, int, int]) -> str:
        """The arrays as a relation on `con`, in key order: `key` (of `store.Encoded`, from the
        ids and `sizes`), the ids and value_count."""
        crimes, measures, parts = sizes
        name = f"dense_rows_{next(_NAMES)}"
        columns = {
            "area_id": self.area,
            "crime_id": self.crime,
            "measure_id": self.measure,
            "part_id": self.part,
        }
        con.register(name, {**columns, "value": self.value, "is_null": self.null})
        return (
            f"(SELECT ((CAST(area_id AS BIGINT) * {crimes} + crime_id) * {measures} + measure_id) * {parts} "
            "+ part_id AS key, area_id, crime_id, measure_id, part_id, "
            f"CASE WHEN is_null THEN NULL ELSE value END AS value_count FROM {name})"
        )


DIMENSIONS = ("area", "crime", "part")


@dataclass(frozen=True)
class Batch:
    """The encoded rows of one input as arrays, each column as its distinct cells' results and
    each row's position among them: `ids[dimension]` the id of each distinct cell (area, crime
    type, part), `figures` per measure the figure (0 where NULL) and whether it is NULL of each
    distinct cell, and per chunk of rows the positions (`chunks`: keys `area`, `crime`, `part`,
    `figure_<i>`; None: the distinct cells are the rows themselves)."""

    ids: dict[str, np.ndarray]
    figures: list[tuple[np.ndarray, np.ndarray]]
    chunks: list[dict[str, np.ndarray | None]]
    rows: int

    def __len__(self) -> int:
        return self.rows

    @functools.cached_property
    def used(self) -> dict[str, np.ndarray]:
        """The ids of each dimension that rows use (every distinct cell is some row's)."""
        import numpy as np

        return {dimension: np.unique(self.ids[dimension]) for dimension in DIMENSIONS}


def ids_usable(ids: dict[str, np.ndarray]) -> bool:
    """Whether every id is known (not -1)."""
    return not any(len(found) and int(found.min()) < 0 for found in ids.values())


def _figures(column: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A fetched column of figures (masked where NULL) as figures (0 where NULL) and nulls; None
    when a figure is not a whole, non-negative number (-1: see `_value_sql`)."""
    import numpy as np

    null = np.ma.getmaskarray(column)
    value = np.where(null, 0, np.asarray(np.ma.getdata(column), dtype=np.int64))
    if bool((value < 0).any()):
        return None
    return value, null


def batch_fetched(con: duckdb.DuckDBPyConnection, select: str, measures: int) -> Batch | None:
    """A batch from a SELECT with the columns `area_id`, `crime_id`, `part_id` (NULL: a cell not
    known) and `value_<i>` per measure (NULL: suppressed; -1: not a whole number); None when a
    cell is not known or a figure not a whole, non-negative number."""
    import numpy as np

    values = ", ".join(f"value_{i}" for i in range(measures))
    got = con.execute(
        "SELECT coalesce(area_id, -1) AS area_id, coalesce(crime_id, -1) AS crime_id, "
        f"coalesce(part_id, -1) AS part_id, {values} FROM ({select})"
    ).fetchnumpy()
    figures = []
    for i in range(measures):
        found = _figures(got[f"value_{i}"])
        if found is None:
            return None
        figures.append(found)
    ids = {d: np.asarray(got[f"{d}_id"], dtype=np.int64) for d in DIMENSIONS}
    if not ids_usable(ids):
        return None
    rows = len(ids["area"])
    chunk: dict[str, np.ndarray | None] = dict.fromkeys(
        [*DIMENSIONS, *(f"figure_{i}" for i in range(measures))]
    )
    return Batch(ids, figures, [chunk], rows)


@dataclass(frozen=True)
class CsvCells:
    """A CSV export as read by `csv_cells`: per column its distinct cells (as written, spaces and
    all) and, per chunk of rows, each row's position among them."""

    cells: dict[str, tuple[list[str], list[np.ndarray]]]
    rows: int


# Arrow reads a CSV in blocks of this many bytes, in parallel; every block has its own
# dictionaries, unified after the read (fewer, larger blocks: fewer to unify).
CSV_BLOCK_BYTES = 4 << 20


def csv_cells(path: Path, delimiter: str, columns: list[str]) -> CsvCells | None:
    """Read the `columns` of a CSV export with Arrow's parallel reader, every cell as bytes
    (exactly as written) and dictionary-encoded: each distinct cell once, so that the parser looks
    a cell up once, not once per row (and checks once that it is UTF-8 text). None when Arrow is
    missing or refuses the file (a row of another length, text that is not UTF-8, a missing
    column...): the caller then reads it with DuckDB, which gives the same rows or reports the
    problem."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    raw = pa.dictionary(pa.int32(), pa.binary())
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, raw),
                include_columns=columns,
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ).unify_dictionaries()
        cells: dict[str, tuple[list[str], list[np.ndarray]]] = {}
        for column in columns:
            chunks = table.column(column)
            if chunks.null_count or chunks.num_chunks == 0:
                return None
            distinct = chunks.chunk(0).dictionary.cast(pa.string()).to_pylist()  # refuses bytes not UTF-8
            positions = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks.chunks]
            cells[column] = (distinct, positions)
    except (pa.ArrowException, OSError, ValueError):
        return None
    return CsvCells(cells, table.num_rows)


def batch_of_cells(
    con: duckdb.DuckDBPyConnection,
    read: CsvCells,
    maps: dict[str, tuple[str, str]],
    figures: list[tuple[str, str]],
) -> Batch | None:
    """A batch from cells read by `csv_cells`: every distinct cell is parsed once (the ids and
    figures of the distinct cells, checked there) and the rows keep their positions among them.
    `maps["area" | "crime" | "part"]`: the column and a relation of `cell` and `id`, the one the
    SQL path joins every row to; `figures`: per measure the column and the SQL expression of a
    figure from its cell `u.cell` (the SQL path's own). None as `batch_fetched`."""
    import numpy as np

    def parsed(column: str, select: str, join: str = "") -> np.ndarray:
        distinct = read.cells[column][0]
        found = con.execute(
            f"SELECT {select} FROM (SELECT unnest(?) AS cell, unnest(range(?)) AS pos) u {join} ORDER BY u.pos",
            [distinct, len(distinct)],
        ).fetchnumpy()
        return next(iter(found.values()))

    ids = {
        dimension: np.asarray(
            parsed(column, "coalesce(m.id, -1) AS id", f"LEFT JOIN ({relation}) m ON m.cell = u.cell"),
            dtype=np.int64,
        )
        for dimension, (column, relation) in maps.items()
    }
    if not ids_usable(ids):
        return None
    values = []
    for column, expression in figures:
        found = _figures(parsed(column, f"{expression} AS value"))
        if found is None:
            return None  # a figure that is not a whole, non-negative number
        values.append(found)
    columns = {d: maps[d][0] for d in DIMENSIONS} | {f"figure_{i}": c for i, (c, _e) in enumerate(figures)}
    chunks: list[dict[str, np.ndarray | None]] = [
        {name: read.cells[column][1][n] for name, column in columns.items()}
        for n in range(len(read.cells[columns["area"]][1]))
    ]
    return Batch(ids, values, chunks, read.rows)


def _taken(values: np.ndarray, positions: np.ndarray | None) -> np.ndarray:
    """`values` at `positions` (None: all, as they are; a copy, since the caller adds to it)."""
    import numpy as np

    return np.take(values, positions) if positions is not None else values.copy()


def rows_checked(
    con: duckdb.DuckDBPyConnection,
    batches: list[Batch],
    measure_ids: list[int],
    sizes: tuple[int, int, int],
    keys: str,
) -> tuple[int, DenseRows] | None:
    """The fast path's check of the encoded rows (one batch per input, with the figures of the
    measure with id `measure_ids[i]` at `figures[i]`); returns the number of rows read and the
    rows. None when the rows need the general path: an input without rows, or a key twice (a
    crime type, area and period twice in one input). Otherwise the rows in key order, and the
    ids no row uses are deleted from `keys` (the TEMP table of `core_keys`).

    Each row's place is its cell in the grid of the ids in use; where that grid is not much
    larger than the rows, each row is put in its cell (no sort), and a cell taken twice is a
    duplicate; a sparser input is sorted on the cell number."""
    import numpy as np

    if not batches or any(len(batch) == 0 for batch in batches):
        return None  # an empty input
    measures = sizes[1]
    used = {d: np.unique(np.concatenate([b.used[d] for b in batches])) for d in DIMENSIONS}
    shape = (len(used["area"]), len(used["crime"]), measures, len(used["part"]))
    strides = (shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1)
    cells = shape[0] * strides[0]
    read = sum(len(b) for b in batches)
    rows = read * len(measure_ids)
    if cells > np.iinfo(np.int64).max // 2:  # pragma: no cover - far beyond any table
        return None
    kind = np.int32 if cells < 2**31 else np.int64  # cell numbers in 32 bits where they fit: faster

    def places(share: int = 0, shares: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per chunk of rows (every `shares`-th from `share`) and measure: the rows' cells,
        figures and nulls."""
        number = 0
        for batch in batches:
            # Each distinct cell's part of the cell number (small arrays), taken per row.
            terms = {
                dimension: (np.searchsorted(used[dimension], batch.ids[dimension]) * strides[axis]).astype(
                    kind
                )
                for axis, dimension in ((0, "area"), (1, "crime"), (3, "part"))
            }
            for chunk in batch.chunks:
                number += 1
                if number % shares != share:
                    continue
                place = _taken(terms["area"], chunk["area"])
                place += _taken(terms["crime"], chunk["crime"])
                place += _taken(terms["part"], chunk["part"])
                for i, measure_id in enumerate(measure_ids):
                    value, null = batch.figures[i]
                    position = chunk[f"figure_{i}"]
                    yield place + measure_id * strides[2], _taken(value, position), _taken(null, position)

    if cells <= GRID_CELLS_PER_ROW * rows:
        taken = np.zeros(cells, dtype=bool)
        value = np.zeros(cells, dtype=np.int64)
        null = np.zeros(cells, dtype=bool)

        def fill(share: int, shares: int) -> None:
            # Rows in distinct cells write distinct places; rows in one cell (a duplicate) are
            # refused below whichever wrote last.
            for place, figure, empty in places(share, shares):
                taken[place] = True
                value[place] = figure
                null[place] = empty

        # NumPy lets go of the GIL while it takes and places: the chunks are shared by threads.
        shares = max(1, min(FILL_THREADS, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=shares) as pool:
            for done in [pool.submit(fill, share, shares) for share in range(shares)]:
                done.result()
        if int(np.count_nonzero(taken)) != rows:
            return None  # a cell taken twice: a duplicate
        cell: np.ndarray | None = None
        if rows != cells:  # not every cell: the rows are the cells taken, in order
            cell = np.flatnonzero(taken)
            value, null = value[cell], null[cell]
    else:
        pieces = list(places())
        cell, value, null = (
            np.concatenate(c) if len(pieces) > 1 else c[0] for c in zip(*pieces, strict=True)
        )
        order = np.argsort(cell, kind="stable")
        cell, value, null = cell[order], value[order], null[order]
        if bool((cell[1:] == cell[:-1]).any()):
            return None  # a duplicate
    for dimension, ids in used.items():
        con.execute(
            f"DELETE FROM {keys} WHERE dimension = '{dimension}' AND id NOT IN (SELECT unnest(?))",
            [ids.astype(np.int64).tolist()],
        )
    return read, DenseRows(value, null, used, shape, cell)


@dataclass(frozen=True)
class RegionPlan:
    """What the region sums of one source need besides its rows (read from its keys)."""

    sizes: tuple[int, int, int]
    targets: list[str]  # region codes, in code order
    members_count: list[int]  # per target: its members (whether or not they have rows)
    links: list[tuple[int, int]]  # (target, area id) of every member with rows
    flags: list[tuple[int, bool, bool, bool]]  # (part id, provisional, incomplete, demo)


def region_plan(
    con: duckdb.DuckDBPyConnection, keys: str, sizes: tuple[int, int, int], memberships: list[tuple[str, str]]
) -> RegionPlan | None:
    """Read from a source's keys (the TEMP table `keys` on `con`) what `region_arrays` needs; None
    when the SQL sums must make them: no municipal rows (a source per buurt, or an empty one),
    or several parts of one period (inputs summed together)."""
    area_ids = dict(con.execute(f"SELECT code, id FROM {keys} WHERE dimension = 'area'").fetchall())
    if not any(code.startswith("GM") for code in area_ids):
        return None
    part_rows = con.execute(
        f"""SELECT id, id = min(id) OVER (PARTITION BY source_key, table_id, classification, code,
                                          period_grain, period_start_date),
                   is_provisional, is_incomplete, is_demo
            FROM {keys} WHERE dimension = 'part' ORDER BY id"""
    ).fetchall()
    if not all(first for _id, first, *_flags in part_rows):
        return None
    targets = sorted({region for region, _member in memberships})
    target_index = {code: n for n, code in enumerate(targets)}
    members_count = [0] * len(targets)
    links: list[tuple[int, int]] = []
    for region, member in memberships:
        members_count[target_index[region]] += 1
        if member in area_ids:
            links.append((target_index[region], int(area_ids[member])))
    if not links:
        return None
    flags = [(int(i), bool(a), bool(b), bool(c)) for i, _first, a, b, c in part_rows]
    return RegionPlan(sizes, targets, members_count, links, flags)


def region_arrays(rows: DenseRows, plan: RegionPlan) -> tuple[dict[str, np.ndarray], list[str]] | None:
    """The region sums of a source's rows as arrays (the columns of `out_region_facts`, with
    `target` for the region and `no_value` for a NULL sum), in their order, with the region codes
    by target number; None when the dense
    matrix would be too large or the sums could pass 2**53 (the SQL sums make them then). Only
    NumPy: may run in a thread while DuckDB writes the rows."""
    import numpy as np

    crimes, measures, parts = plan.sizes
    flags = np.zeros((parts, 3), dtype=bool)
    for part_id, *part_flags in plan.flags:
        flags[part_id] = part_flags
    members_count = np.asarray(plan.members_count, dtype=np.int64)
    links = plan.links
    linked = sorted({a for _t, a in links})
    used_areas = rows.used["area"]
    lookup = np.full(
        max(int(used_areas.max()) + 1 if len(used_areas) else 1, linked[-1] + 1), -1, dtype=np.int64
    )
    lookup[linked] = np.arange(len(linked))
    every = bool((lookup[used_areas] >= 0).all())  # every area with rows is a member of a region
    used_crimes, used_parts = rows.used["crime"], rows.used["part"]
    crime_lookup = np.zeros(crimes, dtype=np.int64)
    crime_lookup[used_crimes] = np.arange(len(used_crimes))
    part_lookup = np.zeros(parts, dtype=np.int64)
    part_lookup[used_parts] = np.arange(len(used_parts))
    width = len(used_crimes) * measures * len(used_parts)
    if len(linked) * width > MAX_DENSE_CELLS:
        return None
    full = every and len(rows) == len(linked) * width
    row_area = None if full else lookup[rows.area]
    chosen: slice | np.ndarray = slice(None) if every or row_area is None else row_area >= 0
    value = rows.value[chosen]
    if len(value) and int(value.max()) * max(len(linked), 1) >= 2**62:
        return None  # sums that could pass a BIGINT
    null = rows.null[chosen]
    cells = len(linked) * width
    figures: np.ndarray
    reporting: np.ndarray
    present: np.ndarray | None
    if full:
        # Every municipality has every cell (a full cube): the rows, sorted and unique, are the
        # matrix as they are.
        figures = value.reshape(len(linked), width)
        reporting = (~null).reshape(len(linked), width)
        present = None  # every cell of every member
    else:
        assert row_area is not None
        flat = (row_area[chosen] * len(used_crimes) + crime_lookup[rows.crime[chosen]]) * measures
        flat = (flat + rows.measure[chosen]) * len(used_parts) + part_lookup[rows.part[chosen]]
        flat_figures = np.zeros(cells, dtype=np.int64)
        flat_reporting = np.zeros(cells, dtype=bool)
        flat_present = np.zeros(cells, dtype=bool)
        flat_figures[flat] = value
        flat_reporting[flat] = ~null
        flat_present[flat] = True
        figures = flat_figures.reshape(len(linked), width)
        reporting = flat_reporting.reshape(len(linked), width)
        present = flat_present.reshape(len(linked), width)
    # Each region's sums over its members' rows of the matrix, in whole numbers (a loop over
    # the regions: a matrix product would start BLAS threads that compete with the rows' write).
    members: list[list[int]] = [[] for _ in plan.targets]
    for region, area_id in links:
        members[region].append(int(lookup[area_id]))
    sums = np.zeros((len(plan.targets), width), dtype=np.int64)
    counts = np.zeros((len(plan.targets), width), dtype=np.int64)
    found = np.zeros((len(plan.targets), width), dtype=bool)
    for region, rows_of_region in enumerate(members):
        if not rows_of_region:
            continue
        chosen_rows = np.asarray(rows_of_region)
        np.sum(figures[chosen_rows], axis=0, out=sums[region])
        np.sum(reporting[chosen_rows], axis=0, out=counts[region])
        # A full cube: every member of a region has every cell.
        found[region] = True if present is None else present[chosen_rows].any(axis=0)
    target, cell = np.nonzero(found)  # row-major: region (code order), crime, measure, part
    count = counts[target, cell].astype(np.int32)
    part_ids = used_parts[cell % len(used_parts)]
    out = {
        "target": target.astype(np.int32),
        "crime_id": used_crimes[cell // (measures * len(used_parts))].astype(np.int32),
        "measure_id": (cell // len(used_parts) % measures).astype(np.int32),
        "part_id": part_ids.astype(np.int32),
        "value_count": sums[target, cell],
        "no_value": count == 0,
        "members_count": members_count[target].astype(np.int32),
        "reporting_count": count,
        "is_provisional": flags[part_ids, 0],
        "is_incomplete": flags[part_ids, 1],
        "is_demo": flags[part_ids, 2],
    }
    return out, plan.targets


def region_relation(con: duckdb.DuckDBPyConnection, sums: dict[str, np.ndarray], targets: list[str]) -> str:
    """`region_arrays` as a relation on `con` with the columns of `out_region_facts`, in order
    (`targets`: the region codes by target number; looked up from a literal list, which keeps the
    order and spares DuckDB a column of Python strings)."""
    name = f"dense_sums_{next(_NAMES)}"
    con.register(name, sums)
    codes = ", ".join("'" + code.replace("'", "''") + "'" for code in targets)
    return f"""
        SELECT list_extract([{codes}], target + 1) AS region_code, crime_id, measure_id, part_id,
               CASE WHEN no_value THEN NULL ELSE value_count END AS value_count,
               members_count, reporting_count, is_provisional, is_incomplete, is_demo
        FROM {name}
    """
