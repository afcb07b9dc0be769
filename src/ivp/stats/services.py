"""Writes on the statistics: the classifications and tracked loads into the store."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ivp.areas.constants import OFFICIAL_REGION_KINDS, AreaKind
from ivp.areas.models import Area, AreaMembership
from ivp.core.errors import DataFileError, FileProblem

from . import dense
from .constants import Classification, RunMode, RunStatus
from .models import CrimeType, IngestRun, process_host, process_started
from .schema import core_view_sql
from .sources.base import (
    MERGERS_FILE,
    LoadContext,
    RawShapeError,
    Source,
    SourceInput,
    first_undecodable_row,
    prepare_context_tables,
)
from .sources.registry import source_get
from .store import TEMP_DIR, Encoded, StatsStore, default_store, duckdb_connect, encode_logical

ProgressCallback = Callable[[str, int], None]

CLASSIFICATION_FILES = {
    Classification.POLITIE: "bernasco_staat_van_de_misdaad/data/SoortMisdrijf.csv",
    Classification.OVERLAST: "bernasco_staat_van_de_misdaad/data/Overlast.csv",
    Classification.CBS: "matthijsvz88_dashboard_crime_nl/data/misdrijf_meta.csv",
}
TOTAL_CODES = {"0.0.0", "T001161"}


def _read_classification(path: Path, classification: Classification) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = [
        FileProblem(str(path.name), n, field, "empty")
        for n, row in enumerate(rows, start=2)
        for field in ("Key", "Title")
        if not (row.get(field) or "").strip()
    ]
    if problems:
        raise DataFileError(problems)
    result = []
    number_to_code: dict[str, str] = {}
    for order, row in enumerate(rows):
        code, published = row["Key"].strip(), row["Title"].strip()
        title = published[len(code) :].strip() if published.startswith(code + " ") else published
        parent = (
            "" if code in TOTAL_CODES else ("0.0.0" if classification != Classification.CBS else "T001161")
        )
        if classification == Classification.CBS:
            match = re.match(r"^(\d+)\s", published)
            if match:
                number = match.group(1)
                number_to_code[number] = code
                parent = number_to_code.get(number[:-1], "T001161") if len(number) > 1 else "T001161"
        result.append(
            {
                "code": code,
                "title": title,
                "published_title": published,
                "description": (row.get("Description") or "").replace("\r", "").strip(),
                "parent_code": parent,
                "is_total": code in TOTAL_CODES,
                "sort_order": order,
            }
        )
    return result


@transaction.atomic
def classification_load(*, data_dir: Path) -> int:
    """Load the three crime/nuisance classifications from the bundled files. Idempotent."""
    changed = 0
    for classification, name in CLASSIFICATION_FILES.items():
        for values in _read_classification(data_dir / name, classification):
            code = values.pop("code")
            obj, created = CrimeType.objects.get_or_create(
                classification=classification, code=code, defaults=values
            )
            if not created and any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.save()
                changed += 1
            changed += int(created)
    return changed


def read_mergers(data_dir: Path) -> tuple[dict[str, str], set[str]]:
    """Municipal mergers (old code -> current code) and split municipalities (no single successor)."""
    mergers: dict[str, str] = {}
    split: set[str] = set()
    path = data_dir / MERGERS_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            old, new, kind = row["old_code"].strip(), row["new_code"].strip(), row["kind"].strip()
            if kind == "split":
                split.add(old)
            elif kind == "merged" and re.fullmatch(r"GM\d{4}", new):
                mergers[old] = new
            else:
                raise DataFileError.single(MERGERS_FILE, number, "kind", f"cannot read '{kind}' / '{new}'")
    return mergers, split


def load_context(*, source: Source, data_dir: Path) -> LoadContext:
    mergers, split = read_mergers(data_dir)
    codes = set(CrimeType.objects.filter(classification=source.classification).values_list("code", flat=True))
    areas = dict(Area.objects.values_list("code", "kind"))
    current = {code for code, kind in areas.items() if kind == AreaKind.MUNICIPALITY}
    return LoadContext(
        crime_codes=codes,
        mergers=mergers,
        dropped_areas=split,
        current_municipalities=current,
        known_areas=set(areas),
    )


def _official_memberships() -> list[tuple[str, str]]:
    return list(
        AreaMembership.objects.filter(region__kind__in=OFFICIAL_REGION_KINDS).values_list(
            "region__code", "member__code"
        )
    )


def _process_alive(pid: int, started: int | None) -> bool:
    """Whether the process `pid` of this machine still runs (and is the one that started then)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    now = process_started(pid)
    return started is None or now is None or now == started


def abandoned_runs_fail() -> int:
    """Mark failed the runs still "running" whose process is gone (killed, crashed, the machine
    restarted): a run records its host, pid and the start of that process. Runs of other hosts
    cannot be checked and are left as they are. Returns how many runs were marked."""
    host, marked = process_host(), 0
    for run in IngestRun.objects.filter(status=RunStatus.RUNNING, host=host, pid__isnull=False):
        assert run.pid is not None
        if _process_alive(run.pid, run.pid_started):
            continue
        updated = IngestRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            message=(
                f"Abandoned: the process of this load (pid {run.pid} on {run.host}) ended without "
                f"finishing it (killed or crashed) during the stage '{run.stage or 'start'}'. Nothing "
                "of it was stored; the store kept its previous version. Load again."
            ),
        )
        marked += updated
    return marked


def _storable(text: str) -> str:
    """Text a database can hold: a NUL character (quoted from a cell of a broken file) is written
    as `\\x00` (PostgreSQL refuses NUL in text and JSON)."""
    return text.replace("\x00", "\\x00")


class _Run:
    """Keeps an IngestRun up to date and passes progress to the caller (e.g. a progress bar)."""

    def __init__(self, run: IngestRun, callback: ProgressCallback | None) -> None:
        self.run = run
        self.callback = callback

    def progress(self, stage: str, pct: int) -> None:
        self.run.stage, self.run.progress_pct = stage, max(0, min(100, pct))
        self.run.save(update_fields=["stage", "progress_pct"])
        if self.callback:
            self.callback(stage, self.run.progress_pct)

    def finish(self, status: RunStatus, **fields: Any) -> IngestRun:
        for key, value in fields.items():
            setattr(self.run, key, value)
        self.run.status = status
        self.run.finished_at = timezone.now()
        if status == RunStatus.SUCCEEDED:
            self.run.progress_pct = 100
        self.run.save()
        return self.run


def source_load(
    *,
    source_key: str,
    files: list[Path] | None = None,
    inputs: list[SourceInput] | None = None,
    mode: RunMode = RunMode.FILE,
    merge: bool = False,
    store: StatsStore | None = None,
    data_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    fingerprint: str | None = None,
) -> IngestRun:
    """Load a source into the store as one tracked run.

    `files` are CSV exports in the table's own shape; without files or inputs the source's
    bundled files are loaded. Every row is checked first; any problem fails the run with an error
    report (file, row, field) and leaves the store exactly as it was. With `merge`, area-periods not
    in the input keep their stored rows (an update adds new periods and revises re-delivered ones).
    `fingerprint`: the inputs' `inputs_fingerprint`, when the caller has it (the bundled files),
    recorded so that an unchanged bundled file is not loaded again.
    """
    source = source_get(source_key)
    store = store or default_store()
    data_dir = data_dir or Path(settings.DATA_DIR)
    abandoned_runs_fail()
    if inputs is None:
        if files:
            inputs = [
                SourceInput(name=f.name, path=f, data_date=dt.date.fromtimestamp(f.stat().st_mtime))
                for f in files
            ]
        else:
            inputs = source.bundled_inputs(data_dir)
    run = _Run(
        IngestRun.objects.create(source_key=source.key, mode=mode, inputs=[i.name for i in inputs]),
        progress,
    )
    # The Arrow read of a CSV export (the fast path's first and longest step) starts at once, in a
    # thread, while the parser's maps are made; it is dropped if the fast path is not taken.
    reader = ThreadPoolExecutor(max_workers=1)
    on_arrays = dense.fits_arrays([i.path for i in inputs if i.path is not None])  # one size check
    reads = {
        n: reader.submit(source.csv_read, item)
        for n, item in enumerate(inputs)
        if item.path is not None and on_arrays
    }
    con = duckdb_connect(store.root / TEMP_DIR)
    try:
        if not inputs:
            raise DataFileError.single(source.key, None, None, "no input: this source has no bundled files")
        prepare_context_tables(con, load_context(source=source, data_dir=data_dir))
        titles = list(
            CrimeType.objects.filter(classification=source.classification).values_list(
                "published_title", "code"
            )
        )
        con.execute("CREATE OR REPLACE TEMP TABLE crime_title (title VARCHAR, code VARCHAR)")
        if titles:  # one statement, not one per row
            con.execute(
                "INSERT INTO crime_title SELECT unnest(?), unnest(?)",
                [[t for t, _c in titles], [c for _t, c in titles]],
            )
        encoded = _encode_fast(source, con, inputs, run, reads)
        reads.clear()  # the cells read by Arrow are not kept while the general path runs
        if encoded is None:  # the general path: land the raw rows, validate them, then encode
            encoded = _encode_checked(source, con, inputs, run)
        rows, run.run.rows_read = encoded
        run.progress("write store", 70)
        with store.writer() as writer:
            previous = writer.source_sql(source.key)
            if merge and previous:
                fresh = core_view_sql(
                    f"(SELECT {rows.ids_select()}, value_count FROM {rows.rows})", rows.keys
                )
                rows = encode_logical(
                    con,
                    f"WITH fresh AS ({fresh}) SELECT * FROM fresh UNION ALL SELECT * FROM ({previous}) "
                    "WHERE (period_code, area_code) NOT IN (SELECT DISTINCT period_code, area_code FROM fresh)",
                )
            writer.set_memberships(_official_memberships())
            dates = [i.data_date for i in inputs if i.data_date]
            info: dict[str, Any] = {
                "table_id": source.table_id,
                "title": source.title,
                "classification": str(source.classification),
                "is_demo": source.is_demo,
                "origin": [i.name for i in inputs],
                "mode": str(mode),
                "data_date": max(dates).isoformat() if dates else None,
                "loaded_at": timezone.now().isoformat(timespec="seconds"),
                "run_id": run.run.pk,
            }
            loaded = writer.replace_source(con=con, source_key=source.key, encoded=rows, info=info)
            writer.manifest.sources[source.key]["fingerprint"] = fingerprint
            run.progress("sum regions", 85)
        manifest = store.manifest()
        return run.finish(
            RunStatus.SUCCEEDED, rows_loaded=loaded, store_version=manifest.version if manifest else ""
        )
    except DataFileError as exc:
        run.finish(
            RunStatus.FAILED,
            rows_invalid=len({(p.path, p.row) for p in exc.problems}),
            message=_storable(str(exc))[:2000],
            error_report=[
                {
                    "file": _storable(p.path),
                    "row": p.row,
                    "field": _storable(p.field) if p.field is not None else None,
                    "message": _storable(p.message),
                }
                for p in exc.problems
            ],
        )
        raise
    except BaseException as exc:
        run.finish(RunStatus.FAILED, message=_storable(f"{type(exc).__name__}: {exc}")[:2000])
        raise
    finally:
        reader.shutdown(wait=True, cancel_futures=True)
        con.close()


def _encode_fast(
    source: Source,
    con: duckdb.DuckDBPyConnection,
    inputs: list[SourceInput],
    run: _Run,
    reads: dict[int, Future[dense.CsvCells | None]] | None = None,
) -> tuple[Encoded, int] | None:
    """Encode CSV exports straight from the files, without landing and validating the raw rows
    first, when every cell is one known to pass the checks (see `Source.encode`); None otherwise."""
    streams = []
    for item in inputs:
        if item.path is None or not item.path.exists():
            return None
        try:
            rows = source.plain_file_rows(item)
        except RawShapeError:
            return None  # the general path reports it
        if rows is None:
            return None
        streams.append((item, rows))
    run.progress(f"read {', '.join(i.name for i in inputs)}", 0)
    try:
        return source.encode(con, streams, fast=True, reads=reads)
    except duckdb.Error:
        return None  # e.g. a file DuckDB cannot read: the general path reports it


def _encode_checked(
    source: Source, con: duckdb.DuckDBPyConnection, inputs: list[SourceInput], run: _Run
) -> tuple[Encoded, int]:
    """Land every input's raw rows, validate them (an error report naming file, row and field
    on any problem) and encode them."""
    problems: list[FileProblem] = []
    raws: list[tuple[SourceInput, str]] = []
    run.run.rows_read = 0
    for number, item in enumerate(inputs):
        raw = f"raw_{number}"
        run.progress(f"read {item.name}", int(60 * number / len(inputs)))
        try:
            if item.path is not None and not item.path.exists():
                raise RawShapeError([FileProblem(item.name, None, None, "file not found")])
            source.land(con, item, raw)
        except RawShapeError as exc:
            problems += exc.problems
            continue
        except duckdb.Error as exc:
            undecodable = first_undecodable_row(item.path) if item.path is not None else None
            if undecodable is not None:
                problems.append(FileProblem(item.name, undecodable.row, None, undecodable.message))
            else:
                problems.append(FileProblem(item.name, None, None, f"cannot be read: {exc}"))
            continue
        count = con.execute(f"SELECT count(*) FROM {raw}").fetchone()
        run.run.rows_read += int(count[0]) if count else 0
        problems += source.problems(con, raw, name=item.name)
        raws.append((item, raw))
    if problems:
        raise DataFileError(problems)
    found = source.encode(con, raws)
    assert found is not None  # only the fast path gives up
    return found[0], run.run.rows_read


def source_remove(*, source_key: str, store: StatsStore | None = None) -> bool:
    store = store or default_store()
    with store.writer() as writer:
        writer.set_memberships(_official_memberships())
        return writer.remove_source(source_key=source_key)


def inputs_fingerprint(inputs: list[SourceInput]) -> str | None:
    """SHA-256 over the input files (None for live records): tells whether a reload would change anything."""
    digest = hashlib.sha256()
    for item in inputs:
        if item.path is None or not item.path.exists():
            return None
        digest.update(item.name.encode())
        file_digest = hashlib.sha256()
        with item.path.open("rb") as handle:  # in blocks: a large export is never held in memory
            for block in iter(lambda: handle.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(file_digest.digest())
    return digest.hexdigest()


def bundled_sources_load(
    *, force: bool = False, progress: ProgressCallback | None = None, store: StatsStore | None = None
) -> list[IngestRun]:
    """Load every source that has bundled files (what `ivp setup` does); sources whose files have
    not changed since their last load are left as they are unless `force`."""
    from .sources.registry import source_list

    data_dir = Path(settings.DATA_DIR)
    store = store or default_store()
    classification_load(data_dir=data_dir)
    manifest = store.manifest()
    runs = []
    for source in source_list():
        inputs = source.bundled_inputs(data_dir)
        if not inputs:
            continue
        stored = manifest.sources.get(source.key, {}) if manifest else {}
        fingerprint = inputs_fingerprint(inputs)
        if not force and stored.get("fingerprint") and stored["fingerprint"] == fingerprint:
            continue
        runs.append(
            source_load(
                source_key=source.key, inputs=inputs, store=store, progress=progress, fingerprint=fingerprint
            )
        )
    return runs
