from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ivp.stats.services import bundled_sources_load, source_load
from ivp.stats.store import StatsStore, StoreBusy

pytestmark = pytest.mark.django_db


def content(store: StatsStore) -> list[tuple[object, ...]]:
    return store.connect().execute("SELECT * FROM core_observations ORDER BY ALL").fetchall()


def region_content(store: StatsStore) -> list[tuple[object, ...]]:
    return store.connect().execute("SELECT * FROM out_region_series ORDER BY ALL").fetchall()


def test_loading_the_same_input_twice_gives_an_identical_store(bundled_store: StatsStore) -> None:
    before, regions = content(bundled_store), region_content(bundled_store)
    first = bundled_store.manifest()
    runs = bundled_sources_load(store=bundled_store, force=True)
    assert runs and all(r.status == "succeeded" for r in runs)
    assert content(bundled_store) == before
    assert region_content(bundled_store) == regions
    second = bundled_store.manifest()
    assert first and second and first.version != second.version
    strip = {"loaded_at", "run_id"}
    assert {k: {f: v for f, v in i.items() if f not in strip} for k, i in first.sources.items()} == {
        k: {f: v for f, v in i.items() if f not in strip} for k, i in second.sources.items()
    }


def test_unchanged_bundled_files_are_not_loaded_again(bundled_store: StatsStore) -> None:
    version = bundled_store.manifest()
    assert bundled_sources_load(store=bundled_store) == []
    assert bundled_store.manifest() == version


def test_a_failed_load_leaves_the_previous_store_untouched(bundled_store: StatsStore, tmp_path: Path) -> None:
    before, version = content(bundled_store), bundled_store.manifest()
    broken = tmp_path / "broken.csv"
    broken.write_text(
        '"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1"\n"1.1.1 ";"XX";"2023MM01";"1"\n'
    )
    with pytest.raises(Exception, match="not a CBS region code"):
        source_load(source_key="politie_47025", files=[broken], store=bundled_store)
    assert bundled_store.manifest() == version
    assert content(bundled_store) == before


def test_a_load_killed_half_way_leaves_the_previous_store_readable_and_unchanged(
    bundled_store: StatsStore,
) -> None:
    before, version = content(bundled_store), bundled_store.manifest()
    assert version is not None
    # A real process is killed (SIGKILL) while it is writing a new version of the store.
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from ivp.stats.store import StatsStore
        store = StatsStore(Path({str(bundled_store.root)!r}))
        with store.writer() as writer:
            writer.remove_source(source_key="politie_47025")
            writer.replace_source(source_key="half", select_sql="SELECT * FROM core_observations", info={{}},
                                  con=store.connect())
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert list(bundled_store.versions_dir.glob(".tmp-*")), "the killed writer left its scratch folder"
    assert bundled_store.manifest() == version
    assert content(bundled_store) == before
    # The next writer cleans up after the killed one.
    source_load(source_key="politie_47018", store=bundled_store)
    assert not list(bundled_store.versions_dir.glob(".tmp-*"))
    assert content(bundled_store) == before


def test_only_one_writer_at_a_time(store: StatsStore) -> None:
    with store.writer(), pytest.raises(StoreBusy), store.writer():
        pass


def test_readers_keep_their_snapshot_while_a_new_version_is_written(bundled_store: StatsStore) -> None:
    reader = bundled_store.connect()
    count = reader.execute("SELECT count(*) FROM core_observations").fetchone()
    from ivp.stats.services import source_remove

    source_remove(source_key="politie_mik", store=bundled_store)
    assert reader.execute("SELECT count(*) FROM core_observations").fetchone() == count
    assert bundled_store.connect().execute("SELECT count(*) FROM core_observations").fetchone() != count
    assert os.path.exists(bundled_store.current_folder() or "")
