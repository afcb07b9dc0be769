"""The safety network in a real headless chromium: the coordinator reads the dashboard (members on
the map, plans, network priorities), records scores in the priority-setting round and reads the
governance page and the decision memo; a member municipality's viewer sees the network but no
forms. Every page is checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _screenshot(page: Any, name: str, tmp_path: Path) -> None:
    """Written to docs/screenshots/ with IVP_SCREENSHOTS=1, elsewhere to a temporary folder."""
    out = SCREENSHOT_DIR if os.environ.get("IVP_SCREENSHOTS") == "1" else tmp_path
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


@pytest.fixture
def demo(site: str, settings: Any) -> Any:
    from ivp.networks.demo import demo_network_create
    from ivp.plans.importing import example_plans_load
    from ivp.stats.services import classification_load

    classification_load(data_dir=settings.DATA_DIR)  # the plans' indicators link to crime codes
    example_plans_load(data_dir=settings.DATA_DIR)
    return demo_network_create(data_dir=settings.DATA_DIR)


def test_the_coordinator_reads_the_dashboard_and_scores_in_the_round(
    page: Any, site: str, demo: Any, login: Any, axe_check: Any, tmp_path: Path
) -> None:
    login(page, site, "demo")
    page.goto(f"{site}/networks/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Veiligheidsnetwerk Limburg (demo)").click()
    assert page.locator("h1").inner_text() == "Veiligheidsnetwerk Limburg (demo)"
    maasgouw = page.locator("#members-table tr[data-member=GM1641]").inner_text()
    assert "Integraal Veiligheidsplan Maasgouw 2024-2027" in maasgouw and "Zorg en veiligheid" in maasgouw
    assert page.locator("#network-priorities tbody tr").count() == 5
    assert "Ondermijning en georganiseerde criminaliteit" in page.locator("#network-priorities").inner_text()
    page.locator(".ivp-map .ivp-chart__canvas svg").wait_for()
    assert page.locator(".ivp-map .ivp-chart__canvas svg path").count() >= 31
    axe_check(page)
    _screenshot(page, "network", tmp_path)

    with page.expect_navigation():
        page.get_by_role("link", name="Regionale prioriteiten 2025-2028").click()
    assert "31 van de 31 leden" in page.locator("main").inner_text()
    assert page.locator("#ranking-table tbody tr").first.get_attribute("data-theme") == "5.2"
    axe_check(page)
    score = page.get_by_label("Score van Ondermijning en georganiseerde criminaliteit: Is het urgent?")
    score.fill("0")
    score.press("Enter")  # submits the scores form from the keyboard
    page.wait_for_load_state()
    assert (
        "De scores van Voorzitter stuurgroep (demo) zijn opgeslagen."
        in page.locator(".ivp-messages").inner_text()
    )
    assert (
        page.get_by_label(
            "Score van Ondermijning en georganiseerde criminaliteit: Is het urgent?"
        ).input_value()
        == "0"
    )
    axe_check(page)

    page.goto(f"{site}/networks/{demo.network.pk}/governance/")
    assert "Expertteam ondermijning" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_label("Mijlpaal", exact=True).last.select_option(label="Vaststelling regionale strategie")
    page.get_by_label("Nieuwe status").select_option(label="Vertraagd")
    with page.expect_navigation():
        page.get_by_role("button", name="Status wijzigen").click()
    assert "Vertraagd" in page.locator("#milestone ~ .utrecht-table__container").first.inner_text()

    page.goto(f"{site}/networks/rounds/{demo.round.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Conceptprioriteiten voorleggen aan de DVO").click()
    north = page.locator("form", has=page.get_by_role("heading", name="Limburg-Noord"))
    north.get_by_label("Standpunt").first.select_option(label="Steun met opmerkingen")
    north.get_by_label("Opmerkingen").first.fill("Graag aandacht voor het buitengebied")
    with page.expect_navigation():
        north.get_by_role("button", name="Standpunten van Limburg-Noord opslaan").click()
    overview = page.locator("#consultation-overview").inner_text()
    assert "Steun met opmerkingen: Graag aandacht voor het buitengebied" in overview
    axe_check(page)  # the consultation, adjustment and strategy forms
    with page.expect_navigation():
        page.goto(f"{site}/networks/rounds/{demo.round.pk}/memo/")
    assert page.locator("h1").inner_text() == "Besluitnotitie: Regionale prioriteiten 2025-2028"
    axe_check(page)


def test_a_member_municipalitys_viewer_sees_the_network_but_no_forms(
    page: Any, site: str, demo: Any, login: Any, axe_check: Any
) -> None:
    login(page, site, "raadslid")  # a viewer of Gemeente Maasgouw, a member
    page.goto(f"{site}/networks/{demo.network.pk}/")
    assert page.locator("h1").inner_text() == "Veiligheidsnetwerk Limburg (demo)"
    assert page.get_by_role("button", name="Nieuwe ronde starten").count() == 0
    page.goto(f"{site}/networks/rounds/{demo.round.pk}/")
    assert page.get_by_role("button", name="Scores opslaan").count() == 0
    assert page.get_by_role("button", name="Uploaden").count() == 0
    axe_check(page)
