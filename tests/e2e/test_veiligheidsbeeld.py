"""The veiligheidsbeeld page in a real browser: charts drawn, keyboard path, axe-core."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo_site(site: str, settings: Any, tmp_path: Path) -> str:
    """The live site with the bundled statistics and the demonstration cube."""
    from ivp.stats.services import bundled_sources_load, classification_load
    from ivp.stats.store import StatsStore
    from ivp.stats.synthetic import demo_cube_load

    settings.VAR_DIR = tmp_path
    classification_load(data_dir=settings.DATA_DIR)
    store = StatsStore(tmp_path / "stats")
    bundled_sources_load(store=store)
    demo_cube_load(store=store)
    return site


def test_the_veiligheidsbeeld_of_maasgouw_draws_its_charts_and_passes_axe(
    page: Any, demo_site: str, axe_check: Any, tmp_path: Path
) -> None:
    page.goto(f"{demo_site}/areas/GM1641/")
    page.get_by_role("link", name="Veiligheidsbeeld van Maasgouw").click()
    page.wait_for_load_state()
    page.goto(f"{demo_site}/veiligheidsbeeld/GM1641/?period=2023")
    assert page.locator("h1").inner_text() == "Veiligheidsbeeld Maasgouw 2023"
    # Every chart is drawn by vega-embed (an SVG inside each chart's canvas).
    page.wait_for_function("() => document.querySelectorAll('.ivp-chart__canvas svg').length === 3")
    assert "Demonstratiegegevens" in page.locator(".ivp-vb-demo").inner_text()
    assert page.locator("#vb-findings + ul li").count() >= 1
    axe_check(page)
    # The form changes the period; the memo opens by keyboard.
    page.select_option("#vb-period", "2023-H1")
    page.locator("form.ivp-vb-controls button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**period=2023-H1**")
    assert "Halfjaarrapportage" in page.locator("h1").inner_text()
    page.wait_for_function("() => document.querySelectorAll('.ivp-chart__canvas svg').length === 3")
    axe_check(page)
    page.goto(f"{demo_site}/veiligheidsbeeld/GM1641/?period=2023")
    page.wait_for_function("() => document.querySelectorAll('.ivp-chart__canvas svg').length === 3")
    out = SCREENSHOT_DIR if os.environ.get("IVP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "veiligheidsbeeld.png"), full_page=True)
    assert (out / "veiligheidsbeeld.png").stat().st_size > 10_000


def test_the_index_page_passes_axe(page: Any, demo_site: str, axe_check: Any) -> None:
    page.goto(f"{demo_site}/veiligheidsbeeld/")
    axe_check(page)
    page.select_option("#vb-area", "GM1641")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/veiligheidsbeeld/GM1641/**")
    assert page.locator("h1").inner_text().startswith("Veiligheidsbeeld Maasgouw")
