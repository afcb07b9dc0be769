from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ivp.stats.services import bundled_sources_load
from ivp.stats.store import StatsStore


@pytest.fixture
def crime_types(db: Any) -> None:
    """The classifications are loaded once per session by the root conftest."""


@pytest.fixture
def store(tmp_path: Path, settings: Any, db: Any) -> StatsStore:
    """An empty store in a temporary folder, used by default_store() too."""
    settings.VAR_DIR = tmp_path
    return StatsStore(tmp_path / "stats")


@pytest.fixture(scope="session")
def bundled_template(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Path:
    """The bundled sources loaded once per session; tests get a copy."""
    root = tmp_path_factory.mktemp("bundled") / "stats"
    with django_db_blocker.unblock():
        bundled_sources_load(store=StatsStore(root))
    return root


@pytest.fixture
def bundled_store(bundled_template: Path, tmp_path: Path, settings: Any, db: Any) -> StatsStore:
    settings.VAR_DIR = tmp_path
    shutil.copytree(bundled_template, tmp_path / "stats")
    return StatsStore(tmp_path / "stats")
