"""The yearly council report in a real headless chromium: an editor explains the off-track
indicator, writes the introduction and finalises; a viewer reads it and the plan at a glance but
changes nothing. Every page is checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "jaarrapportage-2025"


def _screenshot(page: Any, name: str, tmp_path: Path) -> None:
    """Written to docs/screenshots/ with IVP_SCREENSHOTS=1, elsewhere to a temporary folder."""
    out = SCREENSHOT_DIR if os.environ.get("IVP_SCREENSHOTS") == "1" else tmp_path
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


@pytest.fixture
def world(site: str, settings: Any, tmp_path: Path) -> Any:
    from ivp.reports.tests.factories import report_world

    settings.VAR_DIR = tmp_path  # an empty statistics store: every value here is entered by hand
    made = report_world()
    for user in (made.editor, made.viewer):
        user.set_password(PASSWORD)
        user.save()
    return made


def test_an_editor_explains_the_off_track_indicator_and_finalises_the_report(
    page: Any, site: str, world: Any, login: Any, axe_check: Any, tmp_path: Path
) -> None:
    page.set_default_timeout(30_000)  # PDF-sized pages with charts; slow when the machine is busy
    login(page, site, world.editor.username, PASSWORD)
    report_url = f"{site}/plans/{world.plan.pk}/report/2025/"
    page.goto(report_url)
    assert page.locator("h1").inner_text().startswith("Jaarrapportage 2025")
    table = page.locator("#indicator-table")
    assert "niet op koers" in table.locator("tr[data-indicator=I2]").inner_text()
    assert "18,2%" in table.locator("tr[data-indicator=I1]").inner_text()
    page.locator(".ivp-chart__canvas svg").first.wait_for()
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Teksten en toelichtingen bewerken, definitief maken").click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Rapportage definitief maken").click()
    assert "I2 Woninginbraken" in page.locator(".ivp-messages").inner_text()
    axe_check(page)  # the refusal, with its message
    page.get_by_label("Toelichting bij I2").fill("Een inbraakgolf in het voorjaar; extra preventie in Q4.")
    with page.expect_navigation():
        page.get_by_role("button", name="Toelichting bij I2 opslaan").click()
    page.get_by_label("Inleiding").fill("2025 was een jaar met minder overlast.")
    with page.expect_navigation():
        page.get_by_role("button", name="Inleiding opslaan").click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Rapportage definitief maken").click()

    assert page.url.rstrip("/").endswith("/report/2025")
    assert "Definitief, editie 1" in page.locator(".ivp-facts").inner_text()
    assert (
        "2025 was een jaar met minder overlast."
        in page.locator("#introduction + .ivp-narrative").inner_text()
    )
    assert "Een inbraakgolf" in page.locator("tr[data-indicator=I2]").inner_text()
    page.locator(".ivp-chart__canvas svg").first.wait_for()
    axe_check(page)
    _screenshot(page, "annual-report", tmp_path)


def test_a_viewer_reads_the_report_and_the_plan_at_a_glance_but_cannot_edit(
    page: Any, site: str, world: Any, login: Any, axe_check: Any
) -> None:
    from ivp.plans.constants import PlanStatus
    from ivp.plans.services import plan_status_set

    plan_status_set(actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED,
                    expected_version=world.plan.version, adopted_on=__import__("datetime").date(2024, 3, 12),
                    adopted_by="gemeenteraad")  # fmt: skip
    login(page, site, world.viewer.username, PASSWORD)
    page.goto(f"{site}/plans/{world.plan.pk}/report/2025/")
    assert page.get_by_role("link", name="Teksten en toelichtingen bewerken, definitief maken").count() == 0
    assert page.get_by_role("link", name="Download als pdf").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="Plan in één oogopslag").click()
    assert page.locator("h1").inner_text().startswith("Plan in één oogopslag")
    assert "Minder woninginbraken in de kernen" in page.locator("main").inner_text()
    axe_check(page)
    response = page.goto(f"{site}/plans/{world.plan.pk}/report/2025/edit/")
    assert response is not None and response.status == 403
