from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ivp.stats.services import bundled_sources_load
from ivp.stats.store import StatsStore
from ivp.stats.synthetic import demo_cube_load


@pytest.fixture(scope="session")
def demo_var_dir(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Path:
    """A var folder whose store holds the bundled sources and the demonstration cube (loaded
    once per session; the veiligheidsbeeld only reads it)."""
    var_dir = tmp_path_factory.mktemp("veiligheidsbeeld-var")
    store = StatsStore(var_dir / "stats")
    with django_db_blocker.unblock():
        bundled_sources_load(store=store)
        demo_cube_load(store=store)
    return var_dir


@pytest.fixture
def demo_store(demo_var_dir: Path, settings: Any, db: Any) -> StatsStore:
    settings.VAR_DIR = demo_var_dir
    return StatsStore(demo_var_dir / "stats")
