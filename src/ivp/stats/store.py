"""The statistics store: Parquet files under `var/stats`, queried with DuckDB.

Layout::

    var/stats/CURRENT                       name of the version readers use
    var/stats/versions/<version>/manifest.json
    var/stats/versions/<version>/core_observations/<source_key>.parquet
    var/stats/versions/<version>/out_region_series.parquet

One writer at a time (a file lock) builds a complete new version in a scratch folder, reusing
unchanged files by hard link, and then swaps `CURRENT` atomically. A load that fails or is killed
half-way leaves `CURRENT` and the version it names untouched. Readers open the version named in
`CURRENT` once and read only; they never see a half-written version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
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
KEEP_VERSIONS = 2


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
        """An in-memory DuckDB connection with read-only views over the current version."""
        con = duckdb.connect(":memory:")
        attach_views(con, self.current_folder())
        return con

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
                    out_file = previous / f"{OUT_REGION_SERIES.name}.parquet"
                    if out_file.exists():
                        os.link(out_file, scratch / out_file.name)
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
        self.con = duckdb.connect(":memory:")
        self.changed = False

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
        order = ", ".join(CORE_OBSERVATIONS.sort_key)
        (con or self.con).execute(
            f"COPY (SELECT {CORE_OBSERVATIONS.select_list()} FROM ({select_sql}) ORDER BY {order}) "
            f"TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 500000)"
        )
        if target.exists():
            target.unlink()  # a hard link shared with the previous version: unlink, never overwrite
        tmp.rename(target)
        rows = self.con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
        count = int(rows[0]) if rows else 0
        self.manifest.sources[source_key] = {**info, "rows": count}
        self.changed = True
        return count

    def remove_source(self, *, source_key: str) -> bool:
        path = self.source_path(source_key)
        existed = path.exists()
        if existed:
            path.unlink()
        self.manifest.sources.pop(source_key, None)
        self.changed = self.changed or existed
        return existed

    def set_memberships(self, memberships: list[tuple[str, str]]) -> None:
        """The official regions' members (region_code, municipality_code) for the region sums."""
        self._memberships = memberships

    def finish(self) -> None:
        if self.changed or not (self.folder / f"{OUT_REGION_SERIES.name}.parquet").exists():
            self._rebuild_region_series()
        self.con.close()

    def _rebuild_region_series(self) -> None:
        target = self.folder / f"{OUT_REGION_SERIES.name}.parquet"
        if target.exists():
            target.unlink()
        memberships = getattr(self, "_memberships", [])
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE region_member (region_code VARCHAR, area_code VARCHAR)"
        )
        if memberships:
            self.con.executemany("INSERT INTO region_member VALUES (?, ?)", memberships)
        files = sorted((self.folder / CORE_DIR).glob("*.parquet"))
        if files:
            source = f"read_parquet({[str(f) for f in files]!r})"
        else:
            source = f"(SELECT * FROM ({_empty_select(CORE_OBSERVATIONS)}) WHERE false)"
        order = ", ".join(OUT_REGION_SERIES.sort_key)
        self.con.execute(
            f"""
            COPY (SELECT {OUT_REGION_SERIES.select_list()} FROM (
              WITH sizes AS (SELECT region_code, count(*) AS members_count FROM region_member GROUP BY 1)
              SELECT m.region_code, o.source_key, o.table_id, o.classification, o.crime_code, o.measure,
                     o.period_code, o.period_grain, o.period_start_date,
                     sum(o.value_count) AS value_count,
                     any_value(s.members_count) AS members_count,
                     count(o.value_count) AS reporting_count,
                     bool_or(o.is_provisional) AS is_provisional,
                     bool_or(o.is_incomplete) AS is_incomplete,
                     bool_or(o.is_demo) AS is_demo
              FROM {source} o
              JOIN region_member m ON m.area_code = o.area_code
              JOIN sizes s ON s.region_code = m.region_code
              GROUP BY ALL
            ) ORDER BY {order}) TO '{target}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 500000)
            """
        )


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
    out_file = folder / f"{OUT_REGION_SERIES.name}.parquet" if folder else None
    if out_file and out_file.exists():
        con.execute(
            f"CREATE OR REPLACE VIEW {OUT_REGION_SERIES.name} AS SELECT * FROM read_parquet('{out_file}')"
        )
    else:
        con.execute(
            f"CREATE OR REPLACE VIEW {OUT_REGION_SERIES.name} AS "
            f"SELECT * FROM ({_empty_select(OUT_REGION_SERIES)}) WHERE false"
        )


def default_store() -> StatsStore:
    from django.conf import settings

    return StatsStore(Path(settings.VAR_DIR) / "stats")
