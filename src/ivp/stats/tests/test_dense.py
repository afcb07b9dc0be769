"""The fast path on arrays (`dense.py`): the same rows and region sums as the general path (SQL),
for a sparse export in the real format with several measures, suppressed and missing members."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ivp.core.errors import DataFileError
from ivp.stats import dense, services
from ivp.stats.services import source_load
from ivp.stats.store import CORE_DIR, KEYS_DIR, StatsStore

from .test_layout import content, paths_taken

EXPORT = Path(__file__).parent / "fixtures" / "47013NED_export.csv"
pytestmark = pytest.mark.django_db


def _same_on_both_paths(store: StatsStore, path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    taken = paths_taken(monkeypatch)
    fast_run = source_load(source_key="politie_47013", files=[path], store=store)
    assert taken == ["fast"]
    fast = content(store)
    monkeypatch.setattr(services, "_encode_fast", lambda *args: None)
    general_run = source_load(source_key="politie_47013", files=[path], store=store)
    general = content(store)
    for n in range(2):
        assert (
            sorted(set(general[n]) - set(fast[n]), key=str)[:5]
            == sorted(set(fast[n]) - set(general[n]), key=str)[:5]
        )
    assert general == fast
    assert (fast_run.rows_read, fast_run.rows_loaded) == (general_run.rows_read, general_run.rows_loaded)
    return fast


def _export_without_restated(tmp_path: Path) -> Path:
    """The real-format export without Weesp (merged) and Haaren (split), which take the general
    path: a file the fast path reads."""
    path = tmp_path / "export.csv"
    lines = [
        line
        for line in EXPORT.read_text(encoding="utf-8").splitlines()
        if "GM0457" not in line and "GM0788" not in line
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_real_export_with_three_measures_gives_the_same_rows_and_sums_on_arrays(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _export_without_restated(tmp_path)
    rows, sums = _same_on_both_paths(store, path, monkeypatch)
    assert len({r[5] for r in rows}) == 3  # measures
    assert any(r[9] is None for r in sums)  # a region whose only reporting member is suppressed


def test_regions_with_suppressed_and_missing_members_are_summed_alike_on_arrays(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Amsterdam (GM0363) and Amstelveen (GM0362) share police unit RE05; rows out of key order,
    a cell only one of them has, one suppressed, one figure of 0."""
    lines = [
        EXPORT.read_text(encoding="utf-8").splitlines()[0],
        '0;"1.1.1 ";"GM0362    ";"2023MM02";"4";"1";"0"',
        '1;"1.1.1 ";"GM0363    ";"2023MM01";"10";"8";"2"',
        '2;"1.1.1 ";"GM0362    ";"2023MM01";;"3";"0"',
        '3;"0.0.0 ";"GM0363    ";"2023MM01";"0";"0";"0"',
        '4;"1.4.1 ";"GM0362    ";"2023MM03";;;',
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _rows, sums = _same_on_both_paths(store, path, monkeypatch)
    unit = {
        (r[4], r[6], r[5]): (r[9], r[10], r[11])
        for r in sums
        if r[0] == "RE05" and r[5] == "registered_crimes"
    }
    members = unit[("1.1.1", "2023MM01", "registered_crimes")][1]
    assert unit[("1.1.1", "2023MM01", "registered_crimes")] == (10, members, 1)  # Amstelveen suppressed
    assert unit[("1.1.1", "2023MM02", "registered_crimes")] == (4, members, 1)  # Amsterdam missing
    assert unit[("0.0.0", "2023MM01", "registered_crimes")] == (0, members, 1)
    assert unit[("1.4.1", "2023MM03", "registered_crimes")] == (None, members, 0)  # only suppressed


def _arrow_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each CSV read by the fast path was read by Arrow (False: Arrow refused it)."""
    reads: list[bool] = []
    read = dense.csv_cells

    def spy(*args: Any) -> Any:
        found = read(*args)
        reads.append(found is not None)
        return found

    monkeypatch.setattr(dense, "csv_cells", spy)
    return reads


def _keys_match_rows(store: StatsStore, source_key: str) -> None:
    """The keys file of a source holds exactly the areas, crime types and parts its rows use."""
    folder = store.current_folder()
    assert folder is not None
    con = store.connect()
    for dimension, column in (("area", "area_id"), ("crime", "crime_id"), ("part", "part_id")):
        keys = con.execute(
            f"SELECT id FROM read_parquet('{folder / KEYS_DIR / source_key}.parquet') "
            f"WHERE dimension = '{dimension}' ORDER BY id"
        ).fetchall()
        used = con.execute(
            f"SELECT DISTINCT {column} FROM read_parquet('{folder / CORE_DIR / source_key}.parquet') ORDER BY 1"
        ).fetchall()
        assert keys == used, dimension


def test_a_plain_export_is_read_by_arrow_and_keeps_only_the_keys_its_rows_use(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _export_without_restated(tmp_path)
    reads = _arrow_reads(monkeypatch)
    assert source_load(source_key="politie_47013", files=[path], store=store).status == "succeeded"
    assert reads == [True]
    _keys_match_rows(store, "politie_47013")


def test_a_file_arrow_refuses_is_read_by_duckdb_with_the_same_rows(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row of another length: Arrow refuses the file, DuckDB pads it (its figures suppressed) on
    the fast path as on the general path."""
    lines = [
        EXPORT.read_text(encoding="utf-8").splitlines()[0],
        '0;"1.1.1 ";"GM0362    ";"2023MM02";"4";"1";"0"',
        '1;"1.1.1 ";"GM0363    ";"2023MM01";"10"',
        '2;"0.0.0 ";"GM0363    ";"2023MM01";"12";"7";"1"',
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reads = _arrow_reads(monkeypatch)
    rows, _sums = _same_on_both_paths(store, path, monkeypatch)
    assert reads and not any(reads)  # (the general path of the comparison starts a read too)
    assert len(rows) == 9  # three rows x three measures, the two missing figures suppressed
    _keys_match_rows(store, "politie_47013")


@pytest.mark.parametrize("grid", [True, False], ids=["placed in the grid", "sorted"])
def test_rows_placed_in_their_cells_or_sorted_give_the_same_store(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grid: bool
) -> None:
    """The rows of an export are put in key order either by placing each in its cell of the grid
    of the ids in use (not much larger than the rows) or by sorting (a sparse export): both give
    the rows of the general path."""
    monkeypatch.setattr(dense, "GRID_CELLS_PER_ROW", 1_000_000 if grid else 0)
    path = _export_without_restated(tmp_path)
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, *reversed(lines)]) + "\n", encoding="utf-8")  # not in key order
    taken = paths_taken(monkeypatch)
    assert source_load(source_key="politie_47013", files=[path], store=store).status == "succeeded"
    assert taken == ["fast"]
    folder = store.current_folder()
    assert folder is not None
    ids = (
        store.connect()
        .execute(
            f"SELECT area_id, crime_id, measure_id, part_id FROM read_parquet('{folder / CORE_DIR}/politie_47013.parquet')"
        )
        .fetchall()
    )
    assert len(ids) > 30
    assert ids == sorted(ids)  # the rows file in key order
    rows, _sums = _same_on_both_paths(store, path, monkeypatch)
    assert rows


@pytest.mark.parametrize("grid", [True, False], ids=["placed in the grid", "sorted"])
def test_a_row_twice_is_refused_whether_placed_or_sorted(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grid: bool
) -> None:
    monkeypatch.setattr(dense, "GRID_CELLS_PER_ROW", 1_000_000 if grid else 0)
    path = _export_without_restated(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="appears more than once"):
        source_load(source_key="politie_47013", files=[path], store=store)
    assert store.manifest() is None
