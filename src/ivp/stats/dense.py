"""The fast path of a load on arrays (NumPy): the checks of the encoded rows, their order, and
the region sums as one matrix product.

`Source.encode(fast=True)` encodes a plain CSV export straight from the file into keys and figures
(`store.Encoded`). Those rows are fetched once as arrays (two integer columns, ~50 MB for the
2.9 M-row municipal cube) and everything that needed passes over them in DuckDB is done on the
arrays: the checks (every cell known, every figure whole and non-negative, no key twice: a
strictly increasing key after sorting), the sort itself (skipped when the file was already in
key order, which is checked in one comparison), the ids in use, and the sums per official region.
The sums are a product of a membership matrix (regions x municipalities, 0/1) with the figures
laid out densely (municipalities x crime type, measure and period): the sum, the number of
reporting members (a mask of the figures that are not NULL) and whether any member has a row at
all (a mask of the rows present) are three products, so a region with every member suppressed
keeps a NULL sum, exactly as the SQL sums (`VersionWriter._region_sums`) do.

Without NumPy (it is not imported at module level) or outside what the dense layout handles (a
source summed per buurt, several inputs with the same period, very large matrices, sums beyond
2**53) the SQL path of ADR 0008 is used; both give the same rows (tests: test_dense.py).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# The bits of each id in the packed sort key of `rows_checked` (area, crime, measure, part).
AREA_BITS, CRIME_BITS, MEASURE_BITS, PART_BITS = 23, 16, 8, 16
# Largest input (bytes of CSV) read into arrays (~0.8 bytes of arrays per byte of CSV); larger
# inputs (a buurt cube) take the SQL path, which DuckDB spills to disk when memory runs short.
MAX_INPUT_BYTES = 1 << 30
# Largest dense matrix (cells) the region sums lay out; above it the SQL sums are used.
MAX_DENSE_CELLS = 40_000_000
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
    """Encoded rows as arrays, sorted on their key (`key`: the ids packed into bit fields, in the
    order of `store.Encoded`'s key); `value` holds 0 where `null` (suppressed); `used`: the ids
    of each dimension (area, crime, part) that rows use, ascending. The ids of each row are
    taken out of the key when they are needed (`area`, ...): writing the rows does it in DuckDB."""

    key: np.ndarray
    value: np.ndarray
    null: np.ndarray
    used: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.key)

    @functools.cached_property
    def area(self) -> np.ndarray:
        return self.key >> (CRIME_BITS + MEASURE_BITS + PART_BITS)

    @functools.cached_property
    def crime(self) -> np.ndarray:
        return (self.key >> (MEASURE_BITS + PART_BITS)) & ((1 << CRIME_BITS) - 1)

    @functools.cached_property
    def measure(self) -> np.ndarray:
        return (self.key >> PART_BITS) & ((1 << MEASURE_BITS) - 1)

    @functools.cached_property
    def part(self) -> np.ndarray:
        return self.key & ((1 << PART_BITS) - 1)

    def register(self, con: duckdb.DuckDBPyConnection, sizes: tuple[int, int, int]) -> str:
        """The arrays as a relation on `con`, in key order: `key` (of `store.Encoded`, from the
        ids and `sizes`), the ids and value_count."""
        crimes, measures, parts = sizes
        name = f"dense_rows_{next(_NAMES)}"
        con.register(name, {"packed": self.key, "value": self.value, "is_null": self.null})
        ids = (
            f"CAST(packed >> {CRIME_BITS + MEASURE_BITS + PART_BITS} AS INTEGER) AS area_id, "
            f"CAST((packed >> {MEASURE_BITS + PART_BITS}) & {(1 << CRIME_BITS) - 1} AS INTEGER) AS crime_id, "
            f"CAST((packed >> {PART_BITS}) & {(1 << MEASURE_BITS) - 1} AS INTEGER) AS measure_id, "
            f"CAST(packed & {(1 << PART_BITS) - 1} AS INTEGER) AS part_id, "
            "CASE WHEN is_null THEN NULL ELSE value END AS value_count"
        )
        return (
            f"(SELECT ((CAST(area_id AS BIGINT) * {crimes} + crime_id) * {measures} + measure_id) * {parts} "
            f"+ part_id AS key, area_id, crime_id, measure_id, part_id, value_count FROM (SELECT {ids} FROM {name}))"
        )


@dataclass(frozen=True)
class Batch:
    """The encoded rows of one input as arrays: the ids of each row packed into one integer
    (`packed_ids`: area, crime type and part in their bit fields of the sort key, the measure's
    field 0) and, per measure, its figures (0 where `null`) and nulls."""

    packed: np.ndarray
    figures: list[tuple[np.ndarray, np.ndarray]]
    used: dict[str, np.ndarray]  # the ids of each dimension (area, crime, part) used by a row

    def __len__(self) -> int:
        return len(self.packed)


def ids_usable(area: np.ndarray, crime: np.ndarray, part: np.ndarray) -> bool:
    """Whether every id is known (not -1) and fits its bit field of the sort key."""
    if any(len(ids) and int(ids.min()) < 0 for ids in (area, crime, part)):
        return False
    return not (len(area) and int(area.max()) >= 1 << AREA_BITS)


def packed_ids(area: np.ndarray, crime: np.ndarray, part: np.ndarray) -> np.ndarray | None:
    """The ids of each row (int64 arrays) packed into the bit fields of the sort key (area, crime
    type, part; the measure's bits left 0): sorting the packed keys sorts the rows, and the ids
    come back out with shifts (no division). None when an id is -1 (a cell not known) or too
    large."""
    if not ids_usable(area, crime, part):
        return None
    packed: np.ndarray = (
        (area << (CRIME_BITS + MEASURE_BITS + PART_BITS)) | (crime << (MEASURE_BITS + PART_BITS)) | part
    )
    return packed


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
        column = got[f"value_{i}"]
        null = np.ma.getmaskarray(column)
        value = np.where(null, 0, np.asarray(np.ma.getdata(column), dtype=np.int64))
        if bool((value < 0).any()):
            return None
        figures.append((value, null))
    ids = [np.asarray(got[c], dtype=np.int64) for c in ("area_id", "crime_id", "part_id")]
    packed = packed_ids(*ids)
    if packed is None:
        return None
    return Batch(
        packed, figures, {d: np.unique(i) for d, i in zip(("area", "crime", "part"), ids, strict=True)}
    )


@dataclass(frozen=True)
class CsvCells:
    """A CSV export as read by `csv_cells`: per column its distinct cells (as written, spaces and
    all) and each row's position among them."""

    cells: dict[str, tuple[list[str], np.ndarray]]


# Arrow reads a CSV in blocks of this many bytes, in parallel; every block has its own
# dictionaries, unified after the read (fewer, larger blocks: fewer to unify).
CSV_BLOCK_BYTES = 4 << 20


def csv_cells(path: Path, delimiter: str, columns: list[str]) -> CsvCells | None:
    """Read the `columns` of a CSV export with Arrow's parallel reader, every cell as text
    (exactly as written) and dictionary-encoded: each distinct cell once, so that the parser looks
    a cell up once, not once per row. None when Arrow is missing or refuses the file (a row of
    another length, text that is not UTF-8, a missing column...): the caller then reads it with
    DuckDB, which gives the same rows or reports the problem."""
    try:
        import numpy as np
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, text),
                include_columns=columns,
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ).unify_dictionaries()
    except (pa.ArrowException, OSError, ValueError):
        return None
    cells: dict[str, tuple[list[str], np.ndarray]] = {}
    for column in columns:
        chunks = table.column(column)
        if chunks.null_count or chunks.num_chunks == 0:
            return None
        indices = [np.asarray(chunk.indices.to_numpy(zero_copy_only=False)) for chunk in chunks.chunks]
        positions = np.concatenate(indices) if len(indices) > 1 else indices[0]
        cells[column] = (chunks.chunk(0).dictionary.to_pylist(), positions)
    return CsvCells(cells)


def batch_of_cells(
    con: duckdb.DuckDBPyConnection,
    read: CsvCells,
    maps: dict[str, tuple[str, str]],
    figures: list[tuple[str, str]],
) -> Batch | None:
    """A batch from cells read by `csv_cells`: every distinct cell is parsed once (the ids and
    figures of the distinct cells, checked there) and the rows take the result by position.
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
    if not ids_usable(ids["area"], ids["crime"], ids["part"]):
        return None
    # The ids of the distinct cells, shifted into their bit fields (small arrays), gathered per row.
    area, crime, part = (read.cells[maps[d][0]][1] for d in ("area", "crime", "part"))
    # Arrow builds each dictionary from the cells of the file: every cell in it is used by a row.
    used = {dimension: np.unique(ids[dimension]) for dimension in ("area", "crime", "part")}
    packed = (
        (ids["area"] << (CRIME_BITS + MEASURE_BITS + PART_BITS))[area]
        | (ids["crime"] << (MEASURE_BITS + PART_BITS))[crime]
        | ids["part"][part]
    )
    values = []
    for column, expression in figures:
        got = parsed(column, f"{expression} AS value")
        null = np.ma.getmaskarray(got)
        value = np.where(null, 0, np.asarray(np.ma.getdata(got), dtype=np.int64))
        if bool((value < 0).any()):
            return None  # a figure that is not a whole, non-negative number
        positions = read.cells[column][1]
        values.append((value[positions], null[positions]))
    return Batch(packed, values, used)


def rows_checked(
    con: duckdb.DuckDBPyConnection,
    batches: list[Batch],
    measure_ids: list[int],
    sizes: tuple[int, int, int],
    keys: str,
) -> tuple[int, DenseRows] | None:
    """The fast path's check of the encoded rows (one batch per input, with the figures of the
    measure with id `measure_ids[i]` at `figures[i]`); returns the number of rows read and the
    rows. None when the rows need the general path: an input without rows, a cell not known, a
    figure not whole or negative (below 0), or a key twice. Otherwise the rows sorted on their
    key, and the ids no row uses are deleted from `keys` (the TEMP table of `core_keys`)."""
    import numpy as np

    crimes, measures, parts = sizes
    if crimes >= 1 << CRIME_BITS or measures >= 1 << MEASURE_BITS or parts >= 1 << PART_BITS:
        return None  # far beyond any table: the general path
    pieces: list[tuple[np.ndarray, ...]] = []
    read = 0
    for batch in batches:
        if len(batch) == 0:
            return None  # an empty input
        read += len(batch)
        for measure_id, (value, null) in zip(measure_ids, batch.figures, strict=True):
            pieces.append(
                (batch.packed | (measure_id << PART_BITS) if measure_id else batch.packed, value, null)
            )
    packed, value, null = (np.concatenate(c) if len(pieces) > 1 else c[0] for c in zip(*pieces, strict=True))
    if not bool((packed[1:] > packed[:-1]).all()):  # not in key order (or a duplicate): sort
        order = np.argsort(packed, kind="stable")
        packed, value, null = packed[order], value[order], null[order]
        if bool((packed[1:] == packed[:-1]).any()):
            return None  # a type, area and period twice in one input
    # The ids in use; the keys of every other id are dropped.
    used = {d: np.unique(np.concatenate([b.used[d] for b in batches])) for d in ("area", "crime", "part")}
    rows = DenseRows(packed, value, null, used)
    for dimension, ids in used.items():
        con.execute(
            f"DELETE FROM {keys} WHERE dimension = '{dimension}' AND id NOT IN (SELECT unnest(?))",
            [ids.astype(np.int64).tolist()],
        )
    return read, rows


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
    if len(value) and int(value.max()) * max(len(linked), 1) >= 2**53:
        return None
    null = rows.null[chosen]
    cells = len(linked) * width
    figures: np.ndarray
    reporting: np.ndarray
    present: np.ndarray | None
    if full:
        # Every municipality has every cell (a full cube): the rows, sorted and unique, are the
        # matrix as they are.
        figures = value.astype(np.float64).reshape(len(linked), width)
        reporting = (~null).astype(np.float32).reshape(len(linked), width)
        present = None  # every cell of every member: no product needed
    else:
        assert row_area is not None
        flat = (row_area[chosen] * len(used_crimes) + crime_lookup[rows.crime[chosen]]) * measures
        flat = (flat + rows.measure[chosen]) * len(used_parts) + part_lookup[rows.part[chosen]]
        flat_figures = np.zeros(cells, dtype=np.float64)
        flat_reporting = np.zeros(cells, dtype=np.float32)
        flat_present = np.zeros(cells, dtype=np.float32)
        flat_figures[flat] = value
        flat_reporting[flat] = ~null
        flat_present[flat] = 1
        figures = flat_figures.reshape(len(linked), width)
        reporting = flat_reporting.reshape(len(linked), width)
        present = flat_present.reshape(len(linked), width)
    membership = np.zeros((len(plan.targets), len(linked)), dtype=np.float32)
    for region, area_id in links:
        membership[region, lookup[area_id]] = 1
    sums = membership.astype(np.float64) @ figures
    counts = membership @ reporting
    if present is None:  # a full cube: every member of a region has every cell
        found = np.repeat(membership.sum(axis=1, keepdims=True), width, axis=1)
    else:
        found = membership @ present
    target, cell = np.nonzero(found > 0)  # row-major: region (code order), crime, measure, part
    count = counts[target, cell].astype(np.int32)
    part_ids = used_parts[cell % len(used_parts)]
    out = {
        "target": target.astype(np.int32),
        "crime_id": used_crimes[cell // (measures * len(used_parts))].astype(np.int32),
        "measure_id": (cell // len(used_parts) % measures).astype(np.int32),
        "part_id": part_ids.astype(np.int32),
        "value_count": np.rint(sums[target, cell]).astype(np.int64),
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
