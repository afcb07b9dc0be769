"""`ivp backup` / `ivp restore`: a round trip on the configured database (SQLite or PostgreSQL),
and refusals of damaged or altered archives that leave everything as it was."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import translation

from ivp import cli
from ivp.core.audit import audit_record
from ivp.ops.backup import DATABASE, MANIFEST, BackupError, backup_create, backup_restore
from ivp.plans.tests.factories import plan_world
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures
from ivp.stats.services import source_load

EXPORT = Path(__file__).resolve().parents[2] / "stats" / "tests" / "fixtures" / "47013NED_export.csv"
KEEP = {"django_content_type", "auth_permission", "django_migrations"}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _dump() -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"],
        natural_foreign=True, stdout=out,
    )  # fmt: skip
    return sorted(json.loads(out.getvalue()), key=lambda r: (r["model"], str(r.get("pk"))))


def _figures() -> list[tuple[Any, ...]]:
    result = figures(area_codes=["GM1641", "GM0363"], crime_codes=["0.0.0", "1.1.1"], first=parse_bound("2023-01"),
                     last=parse_bound("2023-03"), grain=Grain.MONTH)  # fmt: skip
    return [(r.area_code, r.crime_code, r.period.code, r.count, r.status) for r in result.rows]


def _empty_database() -> None:
    """Delete every row but the ones `migrate` makes, inside the test's transaction.

    On PostgreSQL the rows the fixture wrote leave deferred foreign-key checks pending until the
    end of the transaction, and TRUNCATE refuses a table with pending trigger events; checking the
    constraints now (SET CONSTRAINTS ALL IMMEDIATE) runs them first.
    """
    connection.check_constraints()
    tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t not in KEEP]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)


@pytest.fixture
def installation(tmp_path: Path, settings: Any) -> dict[str, Any]:
    settings.VAR_DIR = tmp_path / "var"
    world = plan_world()
    audit_record(actor=world.editor, app="networks", action="decided", object_type="decision",
                 object_label="Aanpak ondermijning", organisation=world.organisation)  # fmt: skip
    source_load(source_key="politie_47013", files=[EXPORT])
    return {"dump": _dump(), "figures": _figures(), "var": settings.VAR_DIR}


def test_a_backup_restores_into_an_empty_database_exactly(
    installation: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "ivp-backup.tar"
    info = backup_create(output=archive)
    assert info.rows == len(installation["dump"]) and info.store_files > 0
    assert any(r["model"] == "plans.planrevision" for r in installation["dump"])
    assert any(r["model"] == "core.auditevent" for r in installation["dump"])
    _empty_database()
    shutil.rmtree(installation["var"] / "stats")
    assert _dump() == []
    restored = backup_restore(archive_path=archive)
    assert restored.rows == info.rows
    assert _dump() == installation["dump"]
    assert _figures() == installation["figures"] and installation["figures"]


def test_restore_refuses_a_database_that_is_not_empty(installation: dict[str, Any], tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    backup_create(output=archive)
    with pytest.raises(BackupError, match="only be restored into an empty database"):
        backup_restore(archive_path=archive)
    assert _dump() == installation["dump"]


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy an archive member by member; `change(name, data)` returns new data or None to drop."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            handle = old.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _altered_row(name: str, data: bytes) -> bytes:
    return data.replace(b"Aanpak ondermijning", b"Aanpak ondermijnin_") if name == DATABASE else data


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("altered", "the checksum of database.json does not match"),
        ("truncated", "cannot be read as an archive|is damaged"),
        ("not_a_tar", "cannot be read as an archive"),
        ("no_manifest", "no readable manifest"),
        ("escaping_path", "not a plain file inside the archive"),
        ("missing_member", "does not match its manifest"),
    ],
)
def test_a_damaged_or_altered_archive_is_refused_and_nothing_changes(
    installation: dict[str, Any], tmp_path: Path, damage: str, message: str
) -> None:
    good = tmp_path / "good.tar"
    backup_create(output=good)
    bad = tmp_path / "bad.tar"
    if damage == "altered":
        _rewrite(good, bad, _altered_row)
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "not_a_tar":
        bad.write_bytes(b"PK\x03\x04 not a tar file at all")
    elif damage == "no_manifest":
        _rewrite(good, bad, lambda name, data: None if name == MANIFEST else data)
    elif damage == "escaping_path":
        _rewrite(good, bad, lambda name, data: data)
        with tarfile.open(bad, "a") as archive:
            info = tarfile.TarInfo("../../etc/evil")
            info.size = 4
            archive.addfile(info, io.BytesIO(b"evil"))
    elif damage == "missing_member":
        _rewrite(good, bad, lambda name, data: None if name.startswith("stats/") else data)
    _empty_database()
    shutil.rmtree(installation["var"] / "stats")
    with pytest.raises(BackupError, match=message) as caught:
        backup_restore(archive_path=bad)
    assert str(caught.value).endswith("Nothing was changed.")
    assert _dump() == []
    assert not (installation["var"] / "stats").exists()


def test_the_cli_reports_a_refused_archive_and_exits_with_2(
    installation: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    archive = tmp_path / "cli.tar"
    assert cli.main(["backup", "-o", str(archive)]) == 0
    assert str(archive) in capsys.readouterr().out
    assert cli.main(["restore", str(archive)]) == 2  # the CLI speaks IVP_LANGUAGE, Dutch by default
    assert "kan alleen in een lege database worden teruggezet" in capsys.readouterr().err


def test_a_backup_keeps_every_microsecond_of_a_time(installation: dict[str, Any], tmp_path: Path) -> None:
    import datetime as dt

    from ivp.plans.models import PlanRevision

    revision = PlanRevision.objects.order_by("pk").first()
    assert revision is not None
    exact = dt.datetime(2025, 3, 4, 5, 6, 7, 456, tzinfo=dt.UTC)  # below a millisecond
    PlanRevision.objects.filter(pk=revision.pk).update(created_at=exact)
    archive = tmp_path / "ivp-backup.tar"
    backup_create(output=archive)
    _empty_database()
    shutil.rmtree(installation["var"] / "stats")
    backup_restore(archive_path=archive)
    assert PlanRevision.objects.get(pk=revision.pk).created_at == exact
