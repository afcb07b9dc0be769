"""The statistics store: Parquet files under `var/stats`, queried with DuckDB.

Layout::

    var/stats/CURRENT                       name of the version readers use
    var/stats/versions/<version>/manifest.json
    var/stats/versions/<version>/core_observations/<source_key>.parquet  a source's rows (ids, figure)
    var/stats/versions/<version>/core_keys/<source_key>.parquet          the codes and parts of its ids
    var/stats/versions/<version>/out_region_series/<source_key>.parquet  the region sums per source
    var/stats/versions/<version>/out_region_series.members               digest of the memberships

The files hold the lean layout of `schema.py` (ADR 0008); the views `core_observations` and
`out_region_series` join the keys back. A source file without a keys file (a version written before
ADR 0008) holds the rows of `core_observations` as they are and is read as such.

One writer at a time (a file lock) builds a complete new version in a scratch folder, reusing
unchanged files by hard link, and then swaps `CURRENT` atomically. A load that fails or is killed
half-way leaves `CURRENT` and the version it names untouched. Readers open the version named in
`CURRENT` once and read only; they never see a half-written version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ivp.core.errors import IvpError

from . import dense
from .dense import DenseRows
from .schema import (
    CORE_FACTS,
    CORE_KEYS,
    CORE_OBSERVATIONS,
    OUT_REGION_FACTS,
    OUT_REGION_SERIES,
    core_view_sql,
    region_view_sql,
)

MANIFEST = "manifest.json"
CORE_DIR = CORE_OBSERVATIONS.name
KEYS_DIR = CORE_KEYS.name
OUT_DIR = OUT_REGION_SERIES.name  # one file of region sums per source
OUT_FILE = f"{OUT_REGION_SERIES.name}.parquet"  # the single file of versions written before OUT_DIR
MEMBERS_FILE = f"{OUT_REGION_SERIES.name}.members"  # digest of the memberships the sums were made with
KEEP_VERSIONS = 2
TEMP_DIR = ".duckdb-tmp"  # under the store's root: where large loads spill
# Row groups of DuckDB's default size: written in parallel, and small enough for the min/max
# statistics of the sorted files to skip most of a file when one area is asked for.
ROW_GROUP_SIZE = 122880
PARQUET = f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
# The region sums are read a region at a time (8,500 rows of a monthly cube): smaller groups.
OUT_PARQUET = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 32768"


# Reader databases per (process, version folder); see StatsStore.connect.
_READERS: dict[tuple[int, str], duckdb.DuckDBPyConnection] = {}
_READERS_LOCK = threading.Lock()
KEEP_READERS = 4


def duckdb_connect(temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for writing. What does not fit in memory spills to `temp_dir`; the
    environment variable IVP_DUCKDB_MEMORY_LIMIT (e.g. `4GB`) caps its memory (DuckDB's default
    is 80 % of the machine's), and IVP_DUCKDB_THREADS its threads."""
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")  # ivp shows its own progress
    if temp_dir is not None:
        temp_dir.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{temp_dir}'")
    limit = os.environ.get("IVP_DUCKDB_MEMORY_LIMIT", "").strip()
    if limit:
        con.execute("SET memory_limit = ?", [limit])
    threads = os.environ.get("IVP_DUCKDB_THREADS", "").strip()
    if threads.isdigit() and int(threads) > 0:
        con.execute(f"SET threads = {int(threads)}")
    return con


class StoreBusy(IvpError):
    """Another load is writing to the store."""


@dataclass
class Manifest:
    version: str
    created_at: str
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return cls(version=data["version"], created_at=data["created_at"], sources=data["sources"])

    def write(self, folder: Path) -> None:
        payload = {"version": self.version, "created_at": self.created_at, "sources": self.sources}
        path = folder / MANIFEST
        path.write_text(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False), encoding="utf-8")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StatsStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions_dir = root / "versions"
        self.current_file = root / "CURRENT"

    # --- reading -------------------------------------------------------------------------

    def current_folder(self) -> Path | None:
        try:
            name = self.current_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        folder = self.versions_dir / name
        return folder if (folder / MANIFEST).exists() else None

    def manifest(self) -> Manifest | None:
        folder = self.current_folder()
        return Manifest.read(folder) if folder else None

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with read-only views over the current version.

        A version never changes once written, so one in-memory database with its views (and
        DuckDB's cache of the Parquet footers) serves every reader of that version in this
        process; each call gets its own cursor on it (cheap, and safe to use in its own thread).
        Close it when done; create only TEMP objects on it.
        """
        return self.reader(self.current_folder())

    def reader(self, folder: Path | None) -> duckdb.DuckDBPyConnection:
        """`connect`, for a version folder read once by the caller (None: an empty store)."""
        key = (os.getpid(), str(folder))
        with _READERS_LOCK:
            base = _READERS.get(key)
            if base is None:
                base = duckdb.connect(":memory:")
                base.execute("SET enable_object_cache = true")
                base.execute("SET enable_progress_bar = false")
                attach_views(base, folder)
                _READERS[key] = base
                while len(_READERS) > KEEP_READERS:
                    _READERS.pop(next(iter(_READERS))).close()
            return base.cursor()

    # --- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self) -> Iterator[VersionWriter]:
        """Build a new version; it becomes current only if the block ends without an error."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        lock_path = self.root / ".write.lock"
        with lock_path.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreBusy("Another load is writing to the statistics store; try again later.") from exc
            previous = self.current_folder()
            version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
            scratch = self.versions_dir / f".tmp-{version}"
            scratch.mkdir()
            try:
                manifest = Manifest.read(previous) if previous else Manifest(version, "")
                manifest.version = version
                (scratch / CORE_DIR).mkdir()
                (scratch / KEYS_DIR).mkdir()
                if previous:
                    for directory in (CORE_DIR, KEYS_DIR):
                        if (previous / directory).is_dir():
                            for file in (previous / directory).glob("*.parquet"):
                                os.link(file, scratch / directory / file.name)
                    if (previous / OUT_DIR).is_dir():
                        (scratch / OUT_DIR).mkdir()
                        for file in (previous / OUT_DIR).glob("*.parquet"):
                            os.link(file, scratch / OUT_DIR / file.name)
                        if (previous / MEMBERS_FILE).exists():
                            os.link(previous / MEMBERS_FILE, scratch / MEMBERS_FILE)
                writer = VersionWriter(scratch, manifest)
                yield writer
                writer.finish()
                manifest.created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                manifest.write(scratch)
                final = self.versions_dir / version
                scratch.rename(final)
                _fsync_dir(self.versions_dir)
                pointer = self.root / f".CURRENT-{version}"
                pointer.write_text(version + "\n", encoding="utf-8")
                with pointer.open("rb") as handle:
                    os.fsync(handle.fileno())
                os.replace(pointer, self.current_file)
                _fsync_dir(self.root)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise
            self._prune(keep={version, previous.name if previous else ""})

    def _prune(self, *, keep: set[str]) -> None:
        versions = sorted(p for p in self.versions_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
        for old in versions[:-KEEP_VERSIONS]:
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
        for stale in self.versions_dir.glob(".tmp-*"):
            # left by a killed writer; safe to remove because we hold the write lock
            shutil.rmtree(stale, ignore_errors=True)


# --- the lean layout: encoding -------------------------------------------------------------------

# The columns of a part (see schema.CORE_KEYS) and the order of its ids.
PART_COLUMNS = (
    "source_key", "table_id", "classification", "period_code", "period_grain", "period_start_date",
    "is_provisional", "is_incomplete", "is_demo", "origin", "data_date",
)  # fmt: skip
PART_ORDER = (
    "period_start_date, period_grain, code, source_key, table_id, classification, origin, data_date, "
    "is_provisional, is_incomplete, is_demo"
)
DIMENSIONS = ("area", "crime", "measure")
_ENCODINGS = itertools.count()


@dataclass(frozen=True)
class Encoded:
    """A source's rows in the lean layout, as TEMP tables on a DuckDB connection: `rows`
    (key BIGINT, value_count BIGINT) and `keys` (the columns of `core_keys`). A row's key is
    ((area_id x crimes + crime_id) x measures + measure_id) x parts + part_id: one integer to sort
    on, in the order of the codes."""

    rows: str
    keys: str
    crimes: int
    measures: int
    parts: int
    # The same rows as arrays sorted on their key (the fast path, `dense.rows_checked`): written
    # and summed from these, without a sort or a pass over `rows`.
    dense: DenseRows | None = None

    def ids_select(self, key: str = "key") -> str:
        """`key` split into the id columns of `core_facts`."""
        crimes, measures, parts = self.crimes, self.measures, self.parts
        return (
            f"CAST({key} // {crimes * measures * parts} AS INTEGER) AS area_id, "
            f"CAST({key} // {measures * parts} % {crimes} AS INTEGER) AS crime_id, "
            f"CAST({key} // {parts} % {measures} AS INTEGER) AS measure_id, "
            f"CAST({key} % {parts} AS INTEGER) AS part_id"
        )


def key_sql(area: str, crime: str, measure: str, part: str, sizes: tuple[int, int, int]) -> str:
    """The BIGINT key of a row from its ids (see `Encoded`); `sizes` = (crimes, measures, parts)."""
    crimes, measures, parts = sizes
    return f"((CAST({area} AS BIGINT) * {crimes} + {crime}) * {measures} + {measure}) * {parts} + {part}"


def keys_table(con: duckdb.DuckDBPyConnection, prefix: str) -> tuple[int, int, int]:
    """`{prefix}_keys` (the columns of `core_keys`) from the TEMP tables `{prefix}_area`,
    `{prefix}_crime`, `{prefix}_measure` (code, id) and `{prefix}_part` (id, code and the other
    part columns); returns the numbers of crime, measure and part ids (the key's radixes)."""
    parts = [f"SELECT '{d}' AS dimension, id, code FROM {prefix}_{d}" for d in DIMENSIONS] + [
        f"SELECT 'part' AS dimension, id, code, * EXCLUDE (id, code) FROM {prefix}_part"
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {prefix}_keys AS SELECT {CORE_KEYS.select_list()} FROM "
        f"({' UNION ALL BY NAME '.join(f'({p})' for p in parts)})"
    )
    found = con.execute(
        "SELECT "
        + ", ".join(
            f"(SELECT coalesce(max(id), 0) + 1 FROM {prefix}_{d})" for d in ("crime", "measure", "part")
        )
    ).fetchone()
    assert found is not None
    return int(found[0]), int(found[1]), int(found[2])


def encode_logical(con: duckdb.DuckDBPyConnection, select_sql: str, prefix: str | None = None) -> Encoded:
    """Encode any SELECT with the columns of `core_observations` (used for merges, conversions of
    older versions and tests; a load encodes its raw rows directly, see `Source.encode`). Each
    call gets TEMP tables of its own (a writer keeps them until the version is finished)."""
    prefix = prefix or f"enc_logical_{next(_ENCODINGS)}"
    logical = f"{prefix}_rows_in"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {logical} AS SELECT {CORE_OBSERVATIONS.select_list()} FROM ({select_sql})"
    )
    wrong = con.execute(
        f"SELECT count(*) FROM {logical} WHERE is_suppressed IS DISTINCT FROM (value_count IS NULL)"
    ).fetchone()
    if wrong and wrong[0]:
        raise ValueError("core rows must have is_suppressed exactly when value_count is NULL")
    for dimension, column in zip(DIMENSIONS, ("area_code", "crime_code", "measure"), strict=True):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {prefix}_{dimension} AS SELECT code, "
            f"CAST(row_number() OVER (ORDER BY code) - 1 AS INTEGER) AS id "
            f"FROM (SELECT DISTINCT {column} AS code FROM {logical})"
        )
    others = ", ".join(c for c in PART_COLUMNS if c != "period_code")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {prefix}_part AS SELECT "
        f"CAST(row_number() OVER (ORDER BY {PART_ORDER}) - 1 AS INTEGER) AS id, code, {others} "
        f"FROM (SELECT DISTINCT period_code AS code, {others} FROM {logical})"
    )
    sizes = keys_table(con, prefix)
    same = " AND ".join(
        f"p.{'code' if c == 'period_code' else c} IS NOT DISTINCT FROM l.{c}" for c in PART_COLUMNS
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {prefix}_rows AS
        SELECT {key_sql("a.id", "c.id", "m.id", "p.id", sizes)} AS key, l.value_count
        FROM {logical} l
        JOIN {prefix}_area a ON a.code = l.area_code
        JOIN {prefix}_crime c ON c.code = l.crime_code
        JOIN {prefix}_measure m ON m.code = l.measure
        JOIN {prefix}_part p ON {same}
        """
    )
    con.execute(f"DROP TABLE {logical}")
    return Encoded(f"{prefix}_rows", f"{prefix}_keys", *sizes)


class VersionWriter:
    """Changes one scratch version. Use through `StatsStore.writer()`."""

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self._con: duckdb.DuckDBPyConnection | None = None  # opened when first needed
        self.changed = False
        self.changed_sources: set[str] = set()
        # Rows written in this version, still in memory: their region sums are made from them.
        self._fresh: dict[str, tuple[duckdb.DuckDBPyConnection, Encoded]] = {}
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._dense_sums: dict[str, Future[Path | None]] = {}

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The writer's own DuckDB connection (a load brings its own; conversions and region
        sums of files use this one)."""
        if self._con is None:
            self._con = duckdb_connect(self.folder.parent.parent / TEMP_DIR)
        return self._con

    def source_path(self, source_key: str) -> Path:
        return self.folder / CORE_DIR / f"{source_key}.parquet"

    def keys_path(self, source_key: str) -> Path:
        return self.folder / KEYS_DIR / f"{source_key}.parquet"

    def source_sql(self, source_key: str) -> str | None:
        """SELECT of a source's rows in this version (the columns of `core_observations`)."""
        if not self.source_path(source_key).exists():
            return None
        return source_select(self.folder, source_key, CORE_OBSERVATIONS.name)

    def replace_source(
        self,
        *,
        source_key: str,
        info: dict[str, Any],
        select_sql: str | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
        encoded: Encoded | None = None,
    ) -> int:
        """Write a source's core rows and record it in the manifest: either `encoded` rows (TEMP
        tables on `con`), or a SELECT on `con` with the columns of `core_observations` (any order)."""
        con = con or self.con
        if encoded is None:
            if select_sql is None:
                raise ValueError("replace_source needs select_sql or encoded rows")
            encoded = encode_logical(con, select_sql)
        targets = {self.keys_path(source_key): None, self.source_path(source_key): None}
        keys_tmp, facts_tmp = (path.with_suffix(".parquet.part") for path in targets)
        # One integer to sort on; the ids are split from it as the file is written. Rows of the
        # fast path are already sorted (arrays, in order): written as they are.
        if encoded.dense is None:
            rows_sql = f"SELECT {encoded.ids_select()}, value_count FROM {encoded.rows} ORDER BY key"
        else:
            rows_sql = f"SELECT area_id, crime_id, measure_id, part_id, value_count FROM {encoded.rows}"
            # The region sums of rows in arrays are made (NumPy) while DuckDB writes the rows.
            sizes = (encoded.crimes, encoded.measures, encoded.parts)
            plan = dense.region_plan(con, encoded.keys, sizes, getattr(self, "_memberships", []))
            if plan is not None:
                part = self.folder / f".{source_key}.regions.parquet.part"
                self._dense_sums[source_key] = self._pool.submit(
                    _dense_region_file, con.cursor(), encoded.dense, plan, part
                )
        con.execute(
            f"COPY (SELECT {CORE_KEYS.select_list()} FROM {encoded.keys} ORDER BY dimension, id) "
            f"TO '{keys_tmp}' (FORMAT parquet, COMPRESSION zstd)"
        )
        con.execute(
            f"COPY (SELECT {CORE_FACTS.select_list()} FROM ({rows_sql})) TO '{facts_tmp}' ({PARQUET})"
        )
        for target, tmp in zip(targets, (keys_tmp, facts_tmp), strict=True):
            if target.exists():
                target.unlink()  # a hard link shared with the previous version: unlink, never overwrite
            tmp.rename(target)
        if encoded.dense is not None:
            count = len(encoded.dense)
        else:
            rows = con.execute(f"SELECT count(*) FROM {encoded.rows}").fetchone()
            count = int(rows[0]) if rows else 0
        self.manifest.sources[source_key] = {**info, "rows": count}
        self.changed = True
        self.changed_sources.add(source_key)
        self._fresh[source_key] = (con, encoded)
        return count

    def remove_source(self, *, source_key: str) -> bool:
        path = self.source_path(source_key)
        existed = path.exists()
        for file in (path, self.keys_path(source_key)):
            if file.exists():
                file.unlink()
        self.manifest.sources.pop(source_key, None)
        self._fresh.pop(source_key, None)
        self._dense_sums.pop(source_key, None)
        self.changed = self.changed or existed
        self.changed_sources.add(source_key)
        return existed

    def set_memberships(self, memberships: list[tuple[str, str]]) -> None:
        """The official regions' members (region_code, municipality_code) for the region sums."""
        self._memberships = memberships

    def finish(self) -> None:
        # Files of a version written before the lean layout are converted once.
        for file in sorted((self.folder / CORE_DIR).glob("*.parquet")):
            if not self.keys_path(file.stem).exists():
                info = self.manifest.sources.get(file.stem, {})
                self.replace_source(
                    source_key=file.stem, info=info, select_sql=f"SELECT * FROM read_parquet('{file}')"
                )
        if self.changed or not (self.folder / OUT_DIR).is_dir():
            self._rebuild_region_series()
        self._pool.shutdown(wait=True)
        for unused in self.folder.glob(".*.regions.parquet.part"):  # of a source removed again
            unused.unlink()
        if self._con is not None:
            self._con.close()

    def _rebuild_region_series(self) -> None:
        """Sum the municipal rows per official region into `out_region_series`, one file per
        source. Only the sources changed in this version are summed again; the files of the
        others are kept (hard links) when they were made with the same memberships (a digest of
        them is kept next to them)."""
        out_dir = self.folder / OUT_DIR
        out_dir.mkdir(exist_ok=True)
        digest_file = self.folder / MEMBERS_FILE
        memberships = sorted(getattr(self, "_memberships", []))
        digest = hashlib.sha256(json.dumps(memberships).encode()).hexdigest()
        files = {f.stem: f for f in sorted((self.folder / CORE_DIR).glob("*.parquet"))}
        reuse = digest_file.exists() and digest_file.read_text(encoding="utf-8").strip() == digest
        for stale in out_dir.glob("*.parquet"):
            if not reuse or stale.stem not in files or stale.stem in self.changed_sources:
                stale.unlink()  # hard links shared with the previous version: unlink, never overwrite
        prepared: set[int] = set()
        for key, core in files.items():
            target = out_dir / f"{key}.parquet"
            if target.exists():
                continue
            fresh = self._fresh.get(key)  # (the writer's own connection only when needed)
            con, encoded = fresh if fresh is not None else (self.con, None)
            if id(con) not in prepared:
                prepared.add(id(con))
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE region_member (region_code VARCHAR, area_code VARCHAR)"
                )
                if memberships:
                    con.execute(
                        "INSERT INTO region_member SELECT unnest(?), unnest(?)",
                        [[r for r, _a in memberships], [a for _r, a in memberships]],
                    )
            made = self._dense_sums.get(key) if encoded is not None else None
            written = made.result() if made is not None else None
            if written is not None:  # summed and written while the rows were written
                written.rename(target)
                continue
            tmp = target.with_suffix(".parquet.part")
            sums = self._region_sums(con, core, self.keys_path(key), encoded)
            con.execute(
                f"COPY (SELECT {OUT_REGION_FACTS.select_list()} FROM ({sums})) TO '{tmp}' ({OUT_PARQUET})"
            )
            tmp.rename(target)
        if digest_file.exists():
            digest_file.unlink()
        digest_file.write_text(digest + "\n", encoding="utf-8")

    def _region_sums(
        self, con: duckdb.DuckDBPyConnection, core: Path, keys: Path, encoded: Encoded | None
    ) -> str:
        """SELECT of the region sums of one source's files (the columns of `out_region_facts`,
        sorted).

        A source with municipal rows is summed per official region over its municipalities. A
        source published per buurt only (codes `BU…`, the municipality being the four digits
        after `BU`) is summed per municipality over its buurten and per official region over the
        buurten of its municipalities; its members are then the buurten it holds.

        The rows are summed per region x crime type x measure x part on one integer key (fast);
        the parts of one period (several inputs) are then summed together on the few sums. Rows
        just encoded (`encoded`, on `con`) are read from memory, others from their file.
        """
        source = encoded.keys if encoded else f"read_parquet('{keys}')"
        con.execute(f"CREATE OR REPLACE TEMP TABLE region_keys AS SELECT * FROM {source}")
        found = con.execute(
            "SELECT (SELECT coalesce(max(id), 0) + 1 FROM region_keys WHERE dimension = 'crime'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM region_keys WHERE dimension = 'measure'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM region_keys WHERE dimension = 'part'), "
            "EXISTS (SELECT 1 FROM region_keys WHERE dimension = 'area' AND code LIKE 'GM%'), "
            "EXISTS (SELECT 1 FROM region_keys WHERE dimension = 'area' AND code LIKE 'BU%')"
        ).fetchone()
        assert found is not None
        crimes, measures, parts, municipal, buurt = found
        if encoded:
            crimes, measures, parts = encoded.crimes, encoded.measures, encoded.parts
        rest = crimes * measures * parts  # the key of a sum: target x rest + (crime, measure, part)
        # Targets: the official regions and, for a buurt source, its municipalities; in code order.
        gm_of_buurt = "'GM' || substr(code, 3, 4)"
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE region_target AS
            SELECT code, CAST(row_number() OVER (ORDER BY code) - 1 AS BIGINT) AS ti FROM (
                SELECT DISTINCT region_code AS code FROM region_member
                UNION SELECT DISTINCT {gm_of_buurt} FROM region_keys
                      WHERE {bool(buurt and not municipal)} AND dimension = 'area' AND code LIKE 'BU%'
            )
            """
        )
        member = (
            "SELECT t.ti, m.area_code FROM region_member m JOIN region_target t ON t.code = m.region_code"
        )
        # The rows as (area id, the rest of their key, figure).
        facts = (
            f"(SELECT key // {rest} AS area_id, key % {rest} AS rest, value_count FROM {encoded.rows})"
            if encoded
            else f"(SELECT area_id, (crime_id * {measures} + measure_id) * {parts} + part_id AS rest, value_count "
            f"FROM read_parquet('{core}'))"
        )
        flags = (
            "bool_or(p.is_provisional) AS is_provisional, bool_or(p.is_incomplete) AS is_incomplete, "
            "bool_or(p.is_demo) AS is_demo"
        )
        if municipal:
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE region_link AS
                SELECT m.ti, a.id AS area_id FROM ({member}) m
                JOIN region_keys a ON a.dimension = 'area' AND a.code = m.area_code
                """
            )
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE region_size AS
                SELECT t.ti, CAST(count(*) AS INTEGER) AS members_count
                FROM region_member m JOIN region_target t ON t.code = m.region_code GROUP BY ALL
                """
            )
            sums = f"""
                SELECT l.ti * {rest} + f.rest AS key,
                       sum(f.value_count) AS value_count, count(f.value_count) AS reporting_count
                FROM {facts} f JOIN region_link l ON l.area_id = f.area_id
                GROUP BY key
            """
        elif buurt:
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE region_link AS
                SELECT t.ti, a.id AS area_id FROM region_keys a JOIN region_target t ON t.code = 'GM' || substr(a.code, 3, 4)
                WHERE a.dimension = 'area' AND a.code LIKE 'BU%'
                """
            )
            # Members: a municipality's buurten in this source; a region's, those of its municipalities.
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE region_size AS
                WITH gm AS (SELECT ti, CAST(count(*) AS INTEGER) AS members_count FROM region_link GROUP BY ti)
                SELECT * FROM gm
                UNION ALL
                SELECT m.ti, CAST(sum(gm.members_count) AS INTEGER)
                FROM ({member}) m JOIN region_target t ON t.code = m.area_code JOIN gm ON gm.ti = t.ti
                GROUP BY m.ti
                """
            )
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE region_gm_sum AS
                SELECT l.ti * {rest} + f.rest AS key,
                       sum(f.value_count) AS value_count, count(f.value_count) AS reporting_count
                FROM {facts} f JOIN region_link l ON l.area_id = f.area_id
                GROUP BY key
                """
            )
            sums = f"""
                SELECT * FROM region_gm_sum
                UNION ALL
                SELECT m.ti * {rest} + s.key % {rest} AS key, sum(s.value_count), sum(s.reporting_count)
                FROM region_gm_sum s
                JOIN region_target t ON t.ti = s.key // {rest}
                JOIN ({member}) m ON m.area_code = t.code
                GROUP BY 1
            """
        else:
            return f"SELECT * FROM ({_empty_select(OUT_REGION_FACTS)}) WHERE false"
        # The parts of one period (inputs) are summed together under the period's first part.
        return f"""
            WITH part AS (
                SELECT id, is_provisional, is_incomplete, is_demo,
                       min(id) OVER (PARTITION BY source_key, table_id, classification, code, period_grain,
                                     period_start_date) AS first_id
                FROM region_keys WHERE dimension = 'part'
            ),
            summed AS (
                SELECT s.key // {rest} AS ti, s.key % {rest} // {parts} AS cm, p.first_id,
                       sum(s.value_count) AS value_count, sum(s.reporting_count) AS reporting_count, {flags}
                FROM ({sums}) s JOIN part p ON p.id = s.key % {parts}
                GROUP BY ALL
            )
            SELECT t.code AS region_code, CAST(s.cm // {measures} AS INTEGER) AS crime_id,
                   CAST(s.cm % {measures} AS INTEGER) AS measure_id, CAST(s.first_id AS INTEGER) AS part_id,
                   s.value_count, z.members_count, CAST(s.reporting_count AS INTEGER) AS reporting_count,
                   s.is_provisional, s.is_incomplete, s.is_demo
            FROM summed s JOIN region_target t ON t.ti = s.ti JOIN region_size z ON z.ti = s.ti
            ORDER BY s.ti, s.cm, s.first_id
        """


def _dense_region_file(
    con: duckdb.DuckDBPyConnection, rows: dense.DenseRows, plan: dense.RegionPlan, path: Path
) -> Path | None:
    """The region sums of rows in arrays (`dense.region_arrays`), written to `path` on `con` (a
    cursor of its own: this runs in a thread while the rows file is written); None when the
    arrays cannot make them (the SQL sums do then)."""
    try:
        arrays = dense.region_arrays(rows, plan)
        if arrays is None:
            return None
        con.execute(
            f"COPY (SELECT {OUT_REGION_FACTS.select_list()} FROM ({dense.region_relation(con, *arrays)})) "
            f"TO '{path}' ({OUT_PARQUET})"
        )
        return path
    finally:
        con.close()


def _empty_select(table: Any) -> str:
    return "SELECT " + ", ".join(f"CAST(NULL AS {c.duck_type}) AS {c.name}" for c in table.columns)


def _parquet(path: Path) -> str:
    return f"read_parquet('{path}')"


def source_select(folder: Path, source_key: str, table: str) -> str:
    """SELECT of one source's rows of `table` (`core_observations` or `out_region_series`, their
    columns in order) in a version folder: its lean files with their keys joined back, or (a
    version written before the lean layout) the file as it is."""
    keys = folder / KEYS_DIR / f"{source_key}.parquet"
    if table == CORE_OBSERVATIONS.name:
        facts = folder / CORE_DIR / f"{source_key}.parquet"
        if keys.exists():
            return core_view_sql(_parquet(facts), _parquet(keys))
        return f"SELECT * FROM {_parquet(facts)}"
    facts = folder / OUT_DIR / f"{source_key}.parquet"
    if keys.exists():
        return region_view_sql(_parquet(facts), _parquet(keys))
    return f"SELECT * FROM {_parquet(facts)}"


def lean_files(folder: Path, source_key: str) -> tuple[Path, Path, Path] | None:
    """A source's files in the lean layout (rows, keys, region sums); None if not all there."""
    files = (
        folder / CORE_DIR / f"{source_key}.parquet",
        folder / KEYS_DIR / f"{source_key}.parquet",
        folder / OUT_DIR / f"{source_key}.parquet",
    )
    return files if all(f.exists() for f in files) else None


def _union(selects: list[str], table: Any) -> str:
    if not selects:
        return f"SELECT * FROM ({_empty_select(table)}) WHERE false"
    return " UNION ALL ".join(f"({s})" for s in selects)


def attach_views(con: duckdb.DuckDBPyConnection, folder: Path | None) -> None:
    """Create the views `core_observations` and `out_region_series` over a version's files."""
    core_files = sorted((folder / CORE_DIR).glob("*.parquet")) if folder else []
    core = [source_select(folder, f.stem, CORE_OBSERVATIONS.name) for f in core_files if folder]
    con.execute(f"CREATE OR REPLACE VIEW {CORE_OBSERVATIONS.name} AS {_union(core, CORE_OBSERVATIONS)}")
    out_files = sorted((folder / OUT_DIR).glob("*.parquet")) if folder and (folder / OUT_DIR).is_dir() else []
    regions = [source_select(folder, f.stem, OUT_REGION_SERIES.name) for f in out_files if folder]
    if not out_files and folder and (folder / OUT_FILE).exists():
        regions = [f"SELECT * FROM {_parquet(folder / OUT_FILE)}"]  # before the sums were kept per source
    con.execute(f"CREATE OR REPLACE VIEW {OUT_REGION_SERIES.name} AS {_union(regions, OUT_REGION_SERIES)}")


def table_sql(folder: Path | None, table: str, source_keys: list[str]) -> str:
    """FROM-clause text reading `table` (`core_observations` or `out_region_series`) for some
    sources only: their own files, so that the files of other (perhaps very large) sources are
    not even opened. The view itself when a file is not there (e.g. an older layout)."""
    directory = {CORE_OBSERVATIONS.name: CORE_DIR, OUT_REGION_SERIES.name: OUT_DIR}[table]
    keys = sorted(set(source_keys))
    files = [folder / directory / f"{key}.parquet" for key in keys] if folder else []
    if not folder or not files or not all(f.exists() for f in files):
        return table
    return "(" + " UNION ALL ".join(f"({source_select(folder, key, table)})" for key in keys) + ")"


def default_store() -> StatsStore:
    from django.conf import settings

    return StatsStore(Path(settings.VAR_DIR) / "stats")
