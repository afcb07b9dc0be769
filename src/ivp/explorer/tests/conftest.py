from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ivp.stats.store import StatsStore

from .data import demo_unit_load


@pytest.fixture(scope="session")
def demo_template(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Path:
    """The demonstration cube of one police unit, loaded once per session; tests get a copy."""
    root = tmp_path_factory.mktemp("explorer") / "stats"
    with django_db_blocker.unblock():
        demo_unit_load(store=StatsStore(root))
    return root


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path, settings: Any, db: Any) -> StatsStore:
    """A copy of the demo store, used by default_store() too."""
    settings.VAR_DIR = tmp_path
    shutil.copytree(demo_template, tmp_path / "stats")
    return StatsStore(tmp_path / "stats")
