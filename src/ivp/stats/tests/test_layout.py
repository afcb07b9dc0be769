"""The lean store layout (ADR 0008): the fast path of a load stores exactly what the general path
stores, falls back to the full validation on anything it does not know, and versions written in
the layout before are still read and converted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.conf import settings

from ivp.core.errors import DataFileError
from ivp.stats import services
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures
from ivp.stats.services import source_load
from ivp.stats.store import KEYS_DIR, StatsStore, encode_logical
from ivp.stats.synthetic import cube_generate

pytestmark = pytest.mark.django_db
FEW = ["GM0363", "GM1641", "GM0088"]
HEADER = '"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1"\n'


def content(store: StatsStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = store.connect()
    return (
        con.execute("SELECT * EXCLUDE (data_date) FROM core_observations ORDER BY ALL").fetchall(),
        con.execute("SELECT * FROM out_region_series ORDER BY ALL").fetchall(),
    )


def paths_taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    taken: list[str] = []
    fast, checked = services._encode_fast, services._encode_checked

    def spy_fast(*args: Any) -> Any:
        found = fast(*args)
        taken.append("fast" if found else "fast refused")
        return found

    def spy_checked(*args: Any) -> Any:
        taken.append("general")
        return checked(*args)

    monkeypatch.setattr(services, "_encode_fast", spy_fast)
    monkeypatch.setattr(services, "_encode_checked", spy_checked)
    return taken


def test_the_fast_path_stores_the_same_rows_as_the_general_path(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(cube_generate(municipalities=FEW, first_year=2023, last_year=2023, out=tmp_path / "cube.csv",
                              data_dir=settings.DATA_DIR))  # fmt: skip
    taken = paths_taken(monkeypatch)
    fast_run = source_load(source_key="demo_cube", files=[path], store=store)
    assert taken == ["fast"]
    fast = content(store)
    assert fast[0] and fast[1]
    assert {r[9] for r in fast[0]} != {None}  # figures
    assert any(r[10] for r in fast[0])  # and suppressed cells (NULL, never 0)
    monkeypatch.setattr(services, "_encode_fast", lambda *args: None)
    general_run = source_load(source_key="demo_cube", files=[path], store=store)
    assert content(store) == fast
    assert (fast_run.rows_read, fast_run.rows_loaded) == (general_run.rows_read, general_run.rows_loaded)
    assert (store.current_folder() or Path()).joinpath(KEYS_DIR, "demo_cube.parquet").exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('"1.1.1 ";"GM0363    ";"2023MM02";"veel"', "not a whole, non-negative number"),
        ('"1.1.1 ";"GM0363    ";"2023MM02";"-1"', "not a whole, non-negative number"),
        ('"1.1.1 ";"GM0363    ";"2023MM01";"5"', "appears more than once"),
        ('"9.9.9 ";"GM0363    ";"2023MM02";"5"', "not a known politie code"),
        ('"1.1.1 ";"GM0363    ";"2023MM14";"5"', "not a CBS period code"),
    ],
)
def test_the_fast_path_leaves_anything_it_does_not_know_to_the_full_validation(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: str, message: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + '"1.1.1 ";"GM0363    ";"2023MM01";"3"\n' + row + "\n", encoding="utf-8")
    taken = paths_taken(monkeypatch)
    with pytest.raises(DataFileError) as caught:
        source_load(source_key="demo_cube", files=[path], store=store)
    assert taken == ["fast refused", "general"]
    assert any(p.path == "export.csv" and p.row == 3 and message in p.message for p in caught.value.problems)
    assert store.manifest() is None


def test_a_valid_cell_the_reference_data_does_not_know_is_loaded_by_the_general_path(
    store: StatsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        HEADER + '"1.1.1 ";"GM0363    ";"2023MM01";"3"\n"1.1.1 ";"LD01";"2023MM01";"7"\n', encoding="utf-8"
    )
    taken = paths_taken(monkeypatch)
    source_load(source_key="demo_cube", files=[path], store=store)
    assert taken == ["fast refused", "general"]
    rows = (
        store.connect().execute("SELECT area_code, value_count FROM core_observations ORDER BY 1").fetchall()
    )
    assert rows == [("GM0363", 3), ("LD01", 7)]


def test_a_version_in_the_layout_before_is_read_and_converted_by_the_next_load(
    bundled_store: StatsStore,
) -> None:
    before = content(bundled_store)
    month = figures(area_codes=["GM0363", "NL01"], crime_codes=["1.1.1"], first=parse_bound("2023-01"),
                    last=parse_bound("2023-03"), grain=Grain.MONTH, store=bundled_store)  # fmt: skip
    # Rewrite the current version in the layout before ADR 0008: every row in full, no keys.
    folder = bundled_store.current_folder()
    assert folder is not None
    old = bundled_store.versions_dir / "20000101T000000-old"
    shutil.copytree(folder, old)
    shutil.rmtree(old / KEYS_DIR)
    con = bundled_store.connect()
    for table in ("core_observations", "out_region_series"):
        for file in (old / table).glob("*.parquet"):
            file.unlink()
            con.execute(
                f"COPY (SELECT * FROM {table} WHERE source_key = '{file.stem}') TO '{file}' (FORMAT parquet)"
            )
    manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = old.name
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    bundled_store.current_file.write_text(old.name + "\n", encoding="utf-8")
    assert content(bundled_store) == before
    again = figures(area_codes=["GM0363", "NL01"], crime_codes=["1.1.1"], first=parse_bound("2023-01"),
                    last=parse_bound("2023-03"), grain=Grain.MONTH, store=bundled_store)  # fmt: skip
    assert again.rows == month.rows
    source_load(source_key="politie_47018", store=bundled_store)
    converted = bundled_store.current_folder()
    assert converted is not None and converted.name != old.name
    assert sorted(f.stem for f in (converted / KEYS_DIR).glob("*.parquet")) == sorted(
        f.stem for f in (converted / "core_observations").glob("*.parquet")
    )
    assert content(bundled_store) == before


def test_stored_rows_are_suppressed_exactly_when_they_have_no_figure() -> None:
    con = duckdb.connect()
    row = (
        "SELECT 's' AS source_key, 't' AS table_id, 'politie' AS classification, 'GM0363' AS area_code, "
        "'1.1.1' AS crime_code, 'registered_crimes' AS measure, '2023MM01' AS period_code, 'month' AS period_grain, "
        "DATE '2023-01-01' AS period_start_date, {value} AS value_count, {suppressed} AS is_suppressed, "
        "false AS is_provisional, false AS is_incomplete, false AS is_demo, 'f' AS origin, "
        "DATE '2024-01-01' AS data_date"
    )
    encode_logical(con, row.format(value="NULL", suppressed="true"))
    with pytest.raises(ValueError, match="is_suppressed"):
        encode_logical(con, row.format(value="0", suppressed="true"))
