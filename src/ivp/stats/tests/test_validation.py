"""Refusals of broken exports in the real format (the 47013NED export, ';', padded codes) and
loads whose process was killed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from ivp.core.errors import DataFileError
from ivp.core.tests.test_cli import run as run_cli
from ivp.stats.constants import RunStatus
from ivp.stats.models import IngestRun, process_started
from ivp.stats.selectors import store_status
from ivp.stats.services import source_load
from ivp.stats.store import StatsStore

EXPORT = Path(__file__).parent / "fixtures" / "47013NED_export.csv"
LINES = EXPORT.read_text(encoding="utf-8").splitlines()
pytestmark = pytest.mark.django_db


def _problems(store: StatsStore, path: Path) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(DataFileError) as caught:
        source_load(source_key="politie_47013", files=[path], store=store)
    assert store.manifest() is None  # nothing stored
    return [(p.path, p.row, p.field, p.message) for p in caught.value.problems]


def test_invalid_utf8_in_a_row_is_refused_naming_the_file_and_the_row(
    store: StatsStore, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    data = EXPORT.read_bytes()
    at = data.index(b"GM0363")  # first on row 12 of the file
    path.write_bytes(data[:at] + b"GM\xe90363" + data[at + 6 :])
    row = data[:at].count(b"\n") + 1
    [(name, found_row, _field, message)] = _problems(store, path)
    assert (name, found_row) == ("latin1.csv", row)
    assert "not UTF-8" in message and "0xe9" in message


def test_invalid_utf8_in_the_header_is_refused_naming_the_file(store: StatsStore, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(EXPORT.read_bytes().replace(b"RegioS", b"Regi\xf6S", 1))
    [(name, row, _field, message)] = _problems(store, path)
    assert (name, row) == ("header.csv", 1) and "not UTF-8" in message


def test_an_export_with_only_its_header_is_refused_naming_the_file(store: StatsStore, tmp_path: Path) -> None:
    path = tmp_path / "leeg.csv"
    path.write_text(LINES[0] + "\n", encoding="utf-8")
    assert _problems(store, path) == [("leeg.csv", None, None, "holds no rows")]


@pytest.mark.parametrize("figure", ["1.5", "3,5", "1e3", "1_000", "0x1F", " 2.0 "])
def test_a_figure_that_is_not_written_as_a_whole_number_is_refused(
    store: StatsStore, tmp_path: Path, figure: str
) -> None:
    rows = [line.split(";") for line in LINES]
    rows[5][4] = f'"{figure}"'
    path = tmp_path / "export.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    assert _problems(store, path) == [
        (
            "export.csv",
            6,
            "GeregistreerdeMisdrijven_1",
            f"'{figure.strip()}' is not a whole, non-negative number",
        )
    ]


def test_a_fraction_in_a_file_that_needs_the_general_path_is_refused(
    store: StatsStore, tmp_path: Path
) -> None:
    """A merged municipality sends a load past the fast path; the fraction is refused there too."""
    rows = [line.split(";") for line in LINES]
    rows[3][2] = '"GM0003    "'  # Appingedam, merged into Eemsdelta
    rows[7][5] = '"1.5"'
    path = tmp_path / "export.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    assert _problems(store, path) == [
        ("export.csv", 8, "Aangiften_2", "'1.5' is not a whole, non-negative number")
    ]


def test_whole_figures_with_spaces_and_a_sign_are_still_read(store: StatsStore, tmp_path: Path) -> None:
    rows = [line.split(";") for line in LINES]
    rows[1][4], rows[2][4] = '" 41 "', '"+3"'
    path = tmp_path / "export.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    assert source_load(source_key="politie_47013", files=[path], store=store).status == RunStatus.SUCCEEDED
    con = store.connect()
    got = con.execute(
        "SELECT crime_code, value_count FROM core_observations WHERE area_code = 'GM1641' "
        "AND period_code = '2023MM01' AND measure = 'registered_crimes' AND crime_code IN ('0.0.0', '1.1.1') "
        "ORDER BY 1"
    ).fetchall()
    assert got == [("0.0.0", 41), ("1.1.1", 3)]


def _killed_run() -> IngestRun:
    """A run as a load leaves it when its process is killed (SIGKILL) half-way."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = process_started(process.pid)
        run = IngestRun.objects.create(
            source_key="politie_47013", mode="file", inputs=["export.csv"], pid=process.pid,
            pid_started=started, stage="write store", progress_pct=70,
        )  # fmt: skip
        store_status()
        assert IngestRun.objects.get(pk=run.pk).status == RunStatus.RUNNING  # alive: left alone
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    time.sleep(0.05)
    return run


def test_a_load_whose_process_was_killed_is_marked_failed_on_the_next_status(
    store: StatsStore, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    source_load(source_key="politie_47013", files=[EXPORT], store=store)
    run = _killed_run()
    code, out, _err = run_cli(capsys, "data", "status")
    assert code == 0
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert f"pid {run.pid}" in run.message and "write store" in run.message and "killed" in run.message
    assert "Abandoned" in out and "politie_47013" in out
    client.cookies["django_language"] = "en"  # English only when chosen (the language switch)
    body = client.get(f"/data/runs/{run.pk}/").content.decode()
    assert "Abandoned" in body and "Running" not in body
    assert not IngestRun.objects.filter(status=RunStatus.RUNNING).exists()


def test_a_load_whose_process_was_killed_is_marked_failed_by_the_next_load(store: StatsStore) -> None:
    run = _killed_run()
    assert source_load(source_key="politie_47013", files=[EXPORT], store=store).status == RunStatus.SUCCEEDED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "Abandoned" in run.message


def test_a_run_of_this_process_is_left_running(store: StatsStore) -> None:
    run = IngestRun.objects.create(source_key="politie_47013", mode="file", inputs=["export.csv"])
    store_status()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.pid is not None and run.host


def test_a_nul_character_in_a_cell_is_refused_and_recorded_as_text_a_database_can_hold(
    store: StatsStore, tmp_path: Path
) -> None:
    rows = [line.split(";") for line in LINES]
    rows[2][5] = "\x00"
    path = tmp_path / "export.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    assert [p[:3] for p in _problems(store, path)] == [("export.csv", 3, "Aangiften_2")]
    run = IngestRun.objects.get(status=RunStatus.FAILED)
    assert "\x00" not in run.message and "\\x00" in run.message
    assert "\x00" not in str(run.error_report) and "\\x00" in run.error_report[0]["message"]
