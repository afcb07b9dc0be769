"""Backup and restore: the whole database and the statistics store in one archive.

An archive is a tar file holding

    manifest.json     format, ivp version, when, database vendor, the applied migrations,
                      and the size and SHA-256 of every other member
    database.json     every row of every app (Django `dumpdata`, natural foreign keys, primary
                      keys kept), without content types, permissions, sessions and login attempts
    stats/...         the statistics store (`<IVP_VAR_DIR>/stats`) as files

`backup_create` writes it to a temporary name and renames it when complete. `backup_restore`
first checks everything (manifest, member list, sizes, checksums, no paths outside the archive,
same migrations as this installation, an empty database and an empty store) and only then
writes: the database rows in one transaction, the store unpacked beside its final place and
moved there when the rows are in. Any problem: `BackupError`, and nothing has changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

import ivp
from ivp.core.errors import IvpError

FORMAT = "ivp-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
STATS_PREFIX = "stats"
# Not part of a backup: derived (content types, permissions: made by `migrate`), short-lived
# (sessions), or security logs that belong to the running installation (login attempts).
EXCLUDED_MODELS = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
)
# Files in the statistics store that are locks or scratch space, never data.
STORE_SKIP_NAMES = (".write.lock",)
STORE_SKIP_PREFIXES = (".tmp-", ".duckdb-tmp", ".CURRENT-")
CHUNK = 1 << 20


class BackupError(IvpError):
    """A backup could not be made, or an archive was refused; nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    rows: int
    store_files: int
    size_bytes: int


def _stats_root() -> Path:
    return Path(settings.VAR_DIR) / "stats"


def _digest(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def _store_files(root: Path) -> list[Path]:
    """The store's files, pointer files (at the root) first: a version named by a pointer was
    complete before the pointer was written, so copying pointers first never names a version
    that is missing from the copy."""
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(STORE_SKIP_PREFIXES))
        for name in sorted(filenames):
            if name in STORE_SKIP_NAMES or name.startswith(STORE_SKIP_PREFIXES):
                continue
            found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: (p.parent != root, str(p)))


def _migrations(alias: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _models_with_rows() -> list[str]:
    excluded = {e for e in EXCLUDED_MODELS if "." not in e}
    excluded_models = {e for e in EXCLUDED_MODELS if "." in e}
    busy = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded or label in excluded_models or model._meta.proxy:
            continue
        if model._default_manager.exists():
            busy.append(model._meta.label)
    return busy


def backup_create(*, output: Path) -> BackupInfo:
    """Write a complete backup to `output` (a tar file); returns what it holds."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    root = _stats_root()
    files: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="ivp-backup-") as scratch:
        dump = Path(scratch) / DATABASE
        # One transaction: the rows of every table are read from one consistent state.
        with transaction.atomic():
            call_command(
                "dumpdata",
                exclude=list(EXCLUDED_MODELS),
                natural_foreign=True,
                format="ivp_json",  # Django's JSON with times to the microsecond (ivp.ops.serializer)
                indent=None,
                output=str(dump),
                verbosity=0,
            )
            migrations = _migrations()
        rows = len(json.loads(dump.read_text(encoding="utf-8")))
        try:
            with tarfile.open(partial, "w") as archive:
                with dump.open("rb") as handle:
                    files[DATABASE] = dict(zip(("sha256", "size"), _digest(handle), strict=True))
                archive.add(dump, arcname=DATABASE)
                store_files = _store_files(root)
                for path in store_files:
                    name = f"{STATS_PREFIX}/{path.relative_to(root).as_posix()}"
                    data = path.read_bytes()  # read once: the checksum matches what is archived
                    files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                    info = tarfile.TarInfo(name)
                    info.size, info.mtime, info.mode = len(data), int(path.stat().st_mtime), 0o644
                    archive.addfile(info, io.BytesIO(data))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "ivp_version": getattr(ivp, "__version__", ""),
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "database_vendor": connections[DEFAULT_DB_ALIAS].vendor,
                    "migrations": migrations,
                    "rows": rows,
                    "files": files,
                }
                payload = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(payload), int(dt.datetime.now().timestamp()), 0o644
                archive.addfile(info, io.BytesIO(payload))
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupInfo(path=output, rows=rows, store_files=len(store_files), size_bytes=output.stat().st_size)


# --- restore ----------------------------------------------------------------------------------


def _refuse(message: str) -> BackupError:
    return BackupError(_("The backup %(problem)s Nothing was changed.") % {"problem": message})


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read().decode("utf-8")) if handle else None
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(_("has no readable manifest (%(error)s).") % {"error": exc}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("is not an ivp backup (the manifest names another format)."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            _("has format version %(got)s; this ivp reads version %(want)d.")
            % {"got": manifest.get("format_version"), "want": FORMAT_VERSION}
        )
    if not isinstance(manifest.get("files"), dict) or DATABASE not in manifest["files"]:
        raise _refuse(_("has a manifest without its list of files."))
    return manifest


def _verify(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    listed: dict[str, dict[str, Any]] = manifest["files"]
    members = {m.name: m for m in archive.getmembers() if m.name != MANIFEST}
    for name, member in members.items():
        if not _safe_name(name) or not member.isfile():
            raise _refuse(_("holds %(name)s, which is not a plain file inside the archive.") % {"name": name})
        if name != DATABASE and not name.startswith(f"{STATS_PREFIX}/"):
            raise _refuse(_("holds an unexpected file %(name)s.") % {"name": name})
    extra = sorted(set(members) - set(listed))
    missing = sorted(set(listed) - set(members))
    if extra or missing:
        raise _refuse(
            _("does not match its manifest (not listed: %(extra)s; missing: %(missing)s).")
            % {"extra": ", ".join(extra) or "-", "missing": ", ".join(missing) or "-"}
        )
    for name, member in members.items():
        handle = archive.extractfile(member)
        digest, size = _digest(handle) if handle else ("", -1)
        if size != listed[name].get("size") or digest != listed[name].get("sha256"):
            raise _refuse(
                _("is damaged or was altered: the checksum of %(name)s does not match.") % {"name": name}
            )


def _check_target(manifest: dict[str, Any]) -> None:
    if manifest.get("migrations") != _migrations():
        raise _refuse(
            _(
                "was made with another version of the database schema (other migrations). "
                "Restore it with the ivp version that made it (%(version)s)."
            )
            % {"version": manifest.get("ivp_version") or "?"}
        )
    busy = _models_with_rows()
    if busy:
        raise _refuse(
            _(
                "can only be restored into an empty database; this one holds rows in %(models)s. "
                "Create a new database, run `ivp manage migrate`, and restore into that."
            )
            % {"models": ", ".join(busy[:5]) + (" …" if len(busy) > 5 else "")}
        )
    root = _stats_root()
    if root.is_dir() and any(root.iterdir()):
        raise _refuse(
            _("can only be restored into an empty statistics store; %(path)s is not empty.") % {"path": root}
        )


@dataclass(frozen=True)
class RestoreInfo:
    rows: int
    store_files: int
    created_at: str


@contextlib.contextmanager
def _open(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as exc:
        raise _refuse(
            _("%(file)s cannot be read as an archive (%(error)s).")
            % {"file": path, "error": str(exc).splitlines()[0]}
        ) from exc
    with archive:
        yield archive


def backup_restore(*, archive_path: Path) -> RestoreInfo:
    """Restore a backup into an empty database and an empty statistics store; all or nothing."""
    with _open(archive_path) as archive:
        try:
            manifest = _read_manifest(archive)
            _verify(archive, manifest)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise _refuse(_("is damaged (%(error)s).") % {"error": exc}) from exc
        _check_target(manifest)
        root = _stats_root()
        root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=root.parent) as scratch:
            staged = Path(scratch) / "stats"
            staged.mkdir()
            dump = Path(scratch) / DATABASE
            for member in archive.getmembers():
                if member.name == MANIFEST:
                    continue
                target = dump if member.name == DATABASE else staged / member.name[len(STATS_PREFIX) + 1 :]
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None  # checked by _verify: plain files only
                with target.open("wb") as handle:
                    shutil.copyfileobj(source, handle, CHUNK)
            store_files = sum(1 for _n in manifest["files"] if _n != DATABASE)
            with transaction.atomic():
                try:
                    call_command("loaddata", str(dump), verbosity=0)
                except Exception as exc:
                    raise _refuse(
                        _("could not be loaded into the database (%(error)s).") % {"error": exc}
                    ) from exc
                if root.exists():
                    root.rmdir()  # empty, checked above
                staged.rename(root)  # last step inside the transaction: a failure rolls back the rows
        return RestoreInfo(rows=int(manifest.get("rows", 0)), store_files=store_files,
                           created_at=str(manifest.get("created_at", "")))  # fmt: skip
