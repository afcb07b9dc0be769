"""The statistics store: Parquet files under `var/stats`, queried with DuckDB.

Layout::

    var/stats/CURRENT                       name of the version readers use
    var/stats/versions/<version>/manifest.json
    var/stats/versions/<version>/core_observations/<source_key>.parquet
    var/stats/versions/<version>/out_region_series/<source_key>.parquet   the region sums per source
    var/stats/versions/<version>/out_region_series.members                 digest of the memberships

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
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ivp.core.errors import IvpError

from .schema import CORE_OBSERVATIONS, OUT_REGION_SERIES

MANIFEST = "manifest.json"
CORE_DIR = CORE_OBSERVATIONS.name
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
                if previous:
                    for file in (previous / CORE_DIR).glob("*.parquet"):
                        os.link(file, scratch / CORE_DIR / file.name)
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


class VersionWriter:
    """Changes one scratch version. Use through `StatsStore.writer()`."""

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self.con = duckdb_connect(folder.parent.parent / TEMP_DIR)
        self.changed = False
        self.changed_sources: set[str] = set()

    def source_path(self, source_key: str) -> Path:
        return self.folder / CORE_DIR / f"{source_key}.parquet"

    def replace_source(
        self,
        *,
        source_key: str,
        select_sql: str,
        info: dict[str, Any],
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> int:
        """Write a source's core rows (a SELECT on `con`, any column order) and record it in the
        manifest."""
        target = self.source_path(source_key)
        tmp = target.with_suffix(".parquet.part")
        # The file holds one source, so `source_key` (the first sort column) need not be sorted on.
        order = ", ".join(k for k in CORE_OBSERVATIONS.sort_key if k != "source_key")
        (con or self.con).execute(
            f"COPY (SELECT {CORE_OBSERVATIONS.select_list()} FROM ({select_sql}) ORDER BY {order}) "
            f"TO '{tmp}' ({PARQUET})"
        )
        if target.exists():
            target.unlink()  # a hard link shared with the previous version: unlink, never overwrite
        tmp.rename(target)
        rows = self.con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
        count = int(rows[0]) if rows else 0
        self.manifest.sources[source_key] = {**info, "rows": count}
        self.changed = True
        self.changed_sources.add(source_key)
        return count

    def remove_source(self, *, source_key: str) -> bool:
        path = self.source_path(source_key)
        existed = path.exists()
        if existed:
            path.unlink()
        self.manifest.sources.pop(source_key, None)
        self.changed = self.changed or existed
        self.changed_sources.add(source_key)
        return existed

    def set_memberships(self, memberships: list[tuple[str, str]]) -> None:
        """The official regions' members (region_code, municipality_code) for the region sums."""
        self._memberships = memberships

    def finish(self) -> None:
        if self.changed or not (self.folder / OUT_DIR).is_dir():
            self._rebuild_region_series()
        self.con.close()

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
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE region_member (region_code VARCHAR, area_code VARCHAR)"
        )
        if memberships:
            self.con.execute(
                "INSERT INTO region_member SELECT unnest(?), unnest(?)",
                [[r for r, _a in memberships], [a for _r, a in memberships]],
            )
        files = {f.stem: f for f in sorted((self.folder / CORE_DIR).glob("*.parquet"))}
        reuse = digest_file.exists() and digest_file.read_text(encoding="utf-8").strip() == digest
        for stale in out_dir.glob("*.parquet"):
            if not reuse or stale.stem not in files or stale.stem in self.changed_sources:
                stale.unlink()  # hard links shared with the previous version: unlink, never overwrite
        order = ", ".join(k for k in OUT_REGION_SERIES.sort_key if k != "source_key")
        for key, core in files.items():
            target = out_dir / f"{key}.parquet"
            if target.exists():
                continue
            tmp = target.with_suffix(".parquet.part")
            self.con.execute(
                f"COPY (SELECT {OUT_REGION_SERIES.select_list()} FROM ({self._region_sums([core])}) "
                f"ORDER BY {order}) TO '{tmp}' ({OUT_PARQUET})"
            )
            tmp.rename(target)
        if digest_file.exists():
            digest_file.unlink()
        digest_file.write_text(digest + "\n", encoding="utf-8")

    def _region_sums(self, files: list[Path]) -> str:
        """SELECT of the region sums over some core files (columns named as in the schema).

        A source with municipal rows is summed per official region over its municipalities. A
        source published per buurt only (codes `BU…`, the municipality being the four digits
        after `BU`) is summed per municipality over its buurten and per official region over the
        buurten of its municipalities; its members are then the buurten it holds.

        For speed the sums are grouped on small integer ids of region, crime type, measure and
        source x period; the text columns are joined back to the (few) sums afterwards.
        """
        source = f"read_parquet({[str(f) for f in files]!r})"
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE region_period AS "
            "SELECT *, CAST(row_number() OVER () AS INTEGER) AS pi FROM (SELECT DISTINCT source_key, table_id, "
            f"classification, period_code, period_grain, period_start_date FROM {source})"
        )
        unique = con.execute(
            "SELECT count(*) = count(DISTINCT (source_key, period_code)) FROM region_period"
        ).fetchone()
        period_keys = (
            ["source_key", "period_code"]
            if unique and unique[0]
            else [
                "source_key",
                "table_id",
                "classification",
                "period_code",
                "period_grain",
                "period_start_date",
            ]
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE region_crime AS SELECT crime_code, "
            f"CAST(row_number() OVER () AS INTEGER) AS ci FROM (SELECT DISTINCT crime_code FROM {source})"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE region_measure AS SELECT measure, "
            f"CAST(row_number() OVER () AS INTEGER) AS mi FROM (SELECT DISTINCT measure FROM {source})"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE region_id AS SELECT region_code, area_code, "
            "CAST(dense_rank() OVER (ORDER BY region_code) AS INTEGER) AS ri FROM region_member"
        )
        municipal = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT source_key FROM {source} WHERE area_code >= 'GM' AND area_code < 'GN'"
            ).fetchall()
        ]
        buurt = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT source_key FROM {source} WHERE area_code >= 'BU' AND area_code < 'BV'"
            ).fetchall()
            if r[0] not in municipal
        ]
        join_period = " AND ".join(f"p.{k} = o.{k}" for k in period_keys)
        ids = f"""
            SELECT o.area_code, c.ci, m.mi, p.pi, o.value_count, o.is_provisional, o.is_incomplete, o.is_demo
            FROM {source} o
            JOIN region_crime c ON c.crime_code = o.crime_code
            JOIN region_measure m ON m.measure = o.measure
            JOIN region_period p ON {join_period}
        """
        flags = """bool_or(is_provisional) AS is_provisional, bool_or(is_incomplete) AS is_incomplete,
                   bool_or(is_demo) AS is_demo"""
        parts = []
        if municipal:
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE region_sum_municipal AS
                SELECT r.ri, o.ci, o.mi, o.pi, sum(o.value_count) AS value_count,
                       count(o.value_count) AS reporting_count, {flags}
                FROM ({ids} WHERE o.source_key IN (SELECT unnest(?))) o
                JOIN region_id r ON r.area_code = o.area_code
                GROUP BY r.ri, o.ci, o.mi, o.pi
                """,
                [municipal],
            )
            parts.append(
                """
                SELECT z.region_code, s.ci, s.mi, s.pi, s.value_count, z.members_count, s.reporting_count,
                       s.is_provisional, s.is_incomplete, s.is_demo
                FROM region_sum_municipal s
                JOIN (SELECT ri, any_value(region_code) AS region_code, count(*) AS members_count
                      FROM region_id GROUP BY ri) z ON z.ri = s.ri
                """
            )
        if buurt:
            # Per municipality first (the buurten of one municipality), then per region.
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE region_sum_gm AS
                SELECT 'GM' || substr(o.area_code, 3, 4) AS gm, o.ci, o.mi, o.pi, sum(o.value_count) AS value_count,
                       count(o.value_count) AS reporting_count, {flags}
                FROM ({ids} WHERE o.source_key IN (SELECT unnest(?)) AND o.area_code LIKE 'BU%') o
                GROUP BY ALL
                """,
                [buurt],
            )
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE region_buurten AS
                SELECT source_key, 'GM' || substr(area_code, 3, 4) AS gm, count(DISTINCT area_code) AS buurten
                FROM {source} WHERE source_key IN (SELECT unnest(?)) AND area_code LIKE 'BU%'
                GROUP BY ALL
                """,
                [buurt],
            )
            parts.append(
                """
                SELECT s.gm AS region_code, s.ci, s.mi, s.pi, s.value_count, b.buurten AS members_count,
                       s.reporting_count, s.is_provisional, s.is_incomplete, s.is_demo
                FROM region_sum_gm s
                JOIN region_period p ON p.pi = s.pi
                JOIN region_buurten b ON b.source_key = p.source_key AND b.gm = s.gm
                """
            )
            parts.append(
                f"""
                SELECT r.region_code, s.ci, s.mi, s.pi, s.value_count, z.members_count, s.reporting_count,
                       s.is_provisional, s.is_incomplete, s.is_demo
                FROM (
                    SELECT r.ri, s.ci, s.mi, s.pi, sum(s.value_count) AS value_count,
                           sum(s.reporting_count) AS reporting_count, {flags}
                    FROM region_sum_gm s JOIN region_id r ON r.area_code = s.gm
                    GROUP BY ALL
                ) s
                JOIN region_period p ON p.pi = s.pi
                JOIN (SELECT ri, any_value(region_code) AS region_code FROM region_id GROUP BY ri) r ON r.ri = s.ri
                JOIN (SELECT b.source_key, r.ri, sum(b.buurten) AS members_count
                      FROM region_buurten b JOIN region_id r ON r.area_code = b.gm GROUP BY ALL) z
                  ON z.source_key = p.source_key AND z.ri = s.ri
                """
            )
        if not parts:
            return f"SELECT * FROM ({_empty_select(OUT_REGION_SERIES)}) WHERE false"
        union = " UNION ALL ".join(f"({part})" for part in parts)
        return f"""
            SELECT s.region_code, p.source_key, p.table_id, p.classification, c.crime_code, m.measure,
                   p.period_code, p.period_grain, p.period_start_date, s.value_count, s.members_count,
                   s.reporting_count, s.is_provisional, s.is_incomplete, s.is_demo
            FROM ({union}) s
            JOIN region_period p ON p.pi = s.pi
            JOIN region_crime c ON c.ci = s.ci
            JOIN region_measure m ON m.mi = s.mi
        """


def _empty_select(table: Any) -> str:
    return "SELECT " + ", ".join(f"CAST(NULL AS {c.duck_type}) AS {c.name}" for c in table.columns)


def attach_views(con: duckdb.DuckDBPyConnection, folder: Path | None) -> None:
    """Create the views `core_observations` and `out_region_series` over a version's files."""
    core_files = sorted((folder / CORE_DIR).glob("*.parquet")) if folder else []
    if core_files:
        con.execute(
            f"CREATE OR REPLACE VIEW {CORE_OBSERVATIONS.name} AS "
            f"SELECT * FROM read_parquet({[str(f) for f in core_files]!r})"
        )
    else:
        con.execute(
            f"CREATE OR REPLACE VIEW {CORE_OBSERVATIONS.name} AS "
            f"SELECT * FROM ({_empty_select(CORE_OBSERVATIONS)}) WHERE false"
        )
    out_files = sorted((folder / OUT_DIR).glob("*.parquet")) if folder and (folder / OUT_DIR).is_dir() else []
    if not out_files and folder and (folder / OUT_FILE).exists():
        out_files = [folder / OUT_FILE]  # a version written before the sums were kept per source
    if out_files:
        con.execute(
            f"CREATE OR REPLACE VIEW {OUT_REGION_SERIES.name} AS "
            f"SELECT * FROM read_parquet({[str(f) for f in out_files]!r})"
        )
    else:
        con.execute(
            f"CREATE OR REPLACE VIEW {OUT_REGION_SERIES.name} AS "
            f"SELECT * FROM ({_empty_select(OUT_REGION_SERIES)}) WHERE false"
        )


def table_sql(folder: Path | None, table: str, source_keys: list[str]) -> str:
    """FROM-clause text reading `table` (`core_observations` or `out_region_series`) for some
    sources only: their own files, so that the files of other (perhaps very large) sources are
    not even opened. The view itself when a file is not there (e.g. an older layout)."""
    directory = {CORE_OBSERVATIONS.name: CORE_DIR, OUT_REGION_SERIES.name: OUT_DIR}[table]
    files = [folder / directory / f"{key}.parquet" for key in sorted(set(source_keys))] if folder else []
    if not files or not all(f.exists() for f in files):
        return table
    return f"read_parquet({[str(f) for f in files]!r})"


def default_store() -> StatsStore:
    from django.conf import settings

    return StatsStore(Path(settings.VAR_DIR) / "stats")
