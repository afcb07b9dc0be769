"""The statistics status pages in a real browser, with axe-core."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded_site(site: str, settings: Any, tmp_path: Path) -> str:
    from ivp.stats.services import bundled_sources_load, classification_load
    from ivp.stats.store import StatsStore

    settings.VAR_DIR = tmp_path
    classification_load(data_dir=settings.DATA_DIR)
    bundled_sources_load(store=StatsStore(tmp_path / "stats"))
    return site


def test_the_data_page_lists_sources_with_periods_and_dates_and_links_each_load(
    page: Any, loaded_site: str, axe_check: Any
) -> None:
    page.goto(f"{loaded_site}/data/")
    table = page.locator("#sources")
    assert "47025NED" in table.inner_text() and "2012-01" in table.inner_text()
    assert table.locator("tbody tr").count() >= 5
    axe_check(page)
    page.get_by_role("link").filter(has_text=" 20").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith(("Laadronde van", "Load of"))
    axe_check(page)


def test_the_data_page_says_when_nothing_is_loaded(
    page: Any, site: str, settings: Any, tmp_path: Path, axe_check: Any
) -> None:
    settings.VAR_DIR = tmp_path
    shutil.rmtree(tmp_path / "stats", ignore_errors=True)
    page.goto(f"{site}/data/")
    assert page.locator(".utrecht-alert").count() == 1
    axe_check(page)
