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

import itertools
from dataclasses import dataclass
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


def available() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:  # pragma: no cover - numpy comes with the bench extra and duckdb's numpy support
        return False
    return True


@dataclass(frozen=True)
class DenseRows:
    """Encoded rows as arrays, sorted on their key (`key`: the ids packed into bit fields, in the
    order of `store.Encoded`'s key) and split into their ids (`core_facts`); `value` holds 0
    where `null` (suppressed)."""

    key: np.ndarray
    area: np.ndarray
    crime: np.ndarray
    measure: np.ndarray
    part: np.ndarray
    value: np.ndarray
    null: np.ndarray

    def __len__(self) -> int:
        return len(self.key)

    def register(self, con: duckdb.DuckDBPyConnection, sizes: tuple[int, int, int]) -> str:
        """The arrays as a relation on `con`, in key order: `key` (of `store.Encoded`, from the
        ids and `sizes`), the ids and value_count."""
        crimes, measures, parts = sizes
        name = f"dense_rows_{next(_NAMES)}"
        con.register(
            name,
            {"area_id": self.area, "crime_id": self.crime, "measure_id": self.measure,
             "part_id": self.part, "value": self.value, "is_null": self.null},
        )  # fmt: skip
        return (
            f"(SELECT ((CAST(area_id AS BIGINT) * {crimes} + crime_id) * {measures} + measure_id) * {parts} "
            "+ part_id AS key, area_id, crime_id, measure_id, part_id, "
            f"CASE WHEN is_null THEN NULL ELSE value END AS value_count FROM {name})"
        )


def rows_checked(
    con: duckdb.DuckDBPyConnection,
    selects: list[str],
    measure_ids: list[int],
    sizes: tuple[int, int, int],
    keys: str,
) -> tuple[int, DenseRows] | None:
    """The fast path's check of the encoded rows, read straight into arrays (`selects`: one
    SELECT per input with the columns `area_id`, `crime_id`, `part_id` (NULL: a cell not known)
    and `value_<i>`, the figure of the measure with id `measure_ids[i]`); returns the number of
    rows read and the rows. None when the rows need the general path: an input without rows, a
    cell not known, a figure not whole or negative (-1 or below), or a key twice. Otherwise the
    rows sorted on their key, and the ids no row uses are deleted from `keys` (the TEMP table of
    `core_keys`)."""
    import numpy as np

    crimes, measures, parts = sizes
    if crimes >= 1 << CRIME_BITS or measures >= 1 << MEASURE_BITS or parts >= 1 << PART_BITS:
        return None  # far beyond any table: the general path
    pieces: list[tuple[np.ndarray, ...]] = []
    read = 0
    values = ", ".join(f"value_{i}" for i in range(len(measure_ids)))
    for select in selects:
        got = con.execute(
            "SELECT coalesce(area_id, -1) AS area_id, coalesce(crime_id, -1) AS crime_id, "
            f"coalesce(part_id, -1) AS part_id, {values} FROM ({select})"
        ).fetchnumpy()
        area, crime, part = (np.asarray(got[c], dtype=np.int64) for c in ("area_id", "crime_id", "part_id"))
        if len(area) == 0 or min(int(area.min()), int(crime.min()), int(part.min())) < 0:
            return None  # an empty input, or a cell outside the known ones
        if int(area.max()) >= 1 << AREA_BITS:
            return None
        read += len(area)
        # The ids packed into one integer in the order of the key (area, crime, measure, part):
        # sorting it sorts the rows, and the ids come back out with shifts (no division).
        packed = (
            (area << (CRIME_BITS + MEASURE_BITS + PART_BITS)) | (crime << (MEASURE_BITS + PART_BITS)) | part
        )
        for i, measure_id in enumerate(measure_ids):
            column = got[f"value_{i}"]
            null = np.ma.getmaskarray(column)
            value = np.asarray(np.ma.getdata(column), dtype=np.int64)
            if bool((value[~null] < 0).any()):
                return None  # a figure that is not a whole, non-negative number
            pieces.append((packed | (measure_id << PART_BITS), np.where(null, 0, value), null))
    packed, value, null = (np.concatenate(c) if len(pieces) > 1 else c[0] for c in zip(*pieces, strict=True))
    if not bool((packed[1:] > packed[:-1]).all()):  # not in key order (or a duplicate): sort
        order = np.argsort(packed, kind="stable")
        packed, value, null = packed[order], value[order], null[order]
        if bool((packed[1:] == packed[:-1]).any()):
            return None  # a type, area and period twice in one input
    mask = (1 << PART_BITS) - 1
    columns = [
        (packed >> (CRIME_BITS + MEASURE_BITS + PART_BITS)).astype(np.int32),
        ((packed >> (MEASURE_BITS + PART_BITS)) & ((1 << CRIME_BITS) - 1)).astype(np.int32),
        ((packed >> PART_BITS) & ((1 << MEASURE_BITS) - 1)).astype(np.int32),
        (packed & mask).astype(np.int32),
    ]
    columns = [packed, *columns, value, null]
    rows = DenseRows(*columns)
    # The ids in use; the keys of every other id are dropped.
    used = {
        "area": rows.area[np.concatenate(([True], rows.area[1:] != rows.area[:-1]))],
        "crime": np.flatnonzero(np.bincount(rows.crime, minlength=crimes)),
        "part": np.flatnonzero(np.bincount(rows.part, minlength=parts)),
    }
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


def region_arrays(rows: DenseRows, plan: RegionPlan) -> dict[str, np.ndarray] | None:
    """The region sums of a source's rows as arrays (the columns of `out_region_facts`, with
    `target` for the region and `no_value` for a NULL sum), in their order; None when the dense
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
    lookup = np.full(max(int(rows.area.max()) + 1 if len(rows) else 1, linked[-1] + 1), -1, dtype=np.int64)
    lookup[linked] = np.arange(len(linked))
    row_area = lookup[rows.area]
    every = bool((row_area >= 0).all())
    chosen = slice(None) if every else row_area >= 0
    used_crimes = np.flatnonzero(np.bincount(rows.crime, minlength=crimes))
    used_parts = np.flatnonzero(np.bincount(rows.part, minlength=parts))
    crime_lookup = np.zeros(crimes, dtype=np.int64)
    crime_lookup[used_crimes] = np.arange(len(used_crimes))
    part_lookup = np.zeros(parts, dtype=np.int64)
    part_lookup[used_parts] = np.arange(len(used_parts))
    width = len(used_crimes) * measures * len(used_parts)
    if len(linked) * width > MAX_DENSE_CELLS:
        return None
    value = rows.value[chosen]
    if len(value) and int(value.max()) * max(len(linked), 1) >= 2**53:
        return None
    null = rows.null[chosen]
    cells = len(linked) * width
    figures: np.ndarray
    reporting: np.ndarray
    present: np.ndarray
    if every and len(rows) == cells:
        # Every municipality has every cell (a full cube): the rows, sorted and unique, are the
        # matrix as they are.
        figures = value.astype(np.float64).reshape(len(linked), width)
        reporting = (~null).astype(np.float32).reshape(len(linked), width)
        present = np.ones((len(linked), width), dtype=np.float32)
    else:
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
    return {**out, "region_code": np.asarray(plan.targets, dtype=object)[target]}


def region_relation(con: duckdb.DuckDBPyConnection, sums: dict[str, np.ndarray]) -> str:
    """`region_arrays` as a relation on `con` with the columns of `out_region_facts`, in order."""
    name = f"dense_sums_{next(_NAMES)}"
    con.register(name, sums)
    return f"""
        SELECT region_code, crime_id, measure_id, part_id,
               CASE WHEN no_value THEN NULL ELSE value_count END AS value_count,
               members_count, reporting_count, is_provisional, is_incomplete, is_demo
        FROM {name}
    """
