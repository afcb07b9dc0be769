"""The funding pages of a network in a real browser: set up a scheme, a scenario, the budget and
in-kind contributions as the demo coordinator, by keyboard where it matters; axe-core on every
page; the screenshot for docs/funding.md."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def network_id(site: str) -> int:
    """The demo coordinator's network: Veiligheidsnetwerk Limburg (demo), members RE10."""
    from ivp.accounts.models import Organisation, User
    from ivp.accounts.services import DEMO_NETWORK
    from ivp.areas.selectors import area_get
    from ivp.networks.services import network_create

    region = area_get(code_or_name="RE10")
    network = network_create(
        actor=User.objects.get(username="demo"), organisation=Organisation.objects.get(name=DEMO_NETWORK),
        name=DEMO_NETWORK, region=region, start_year=2025, end_year=2028,
        partners=[(Organisation.objects.get(kind="police", area=region), "Politie-eenheid Limburg"),
                  (Organisation.objects.get(kind="public_prosecutor"), "Openbaar Ministerie")],
    )  # fmt: skip
    return network.pk


def test_the_coordinator_sets_up_funding_and_every_page_passes_axe(
    page: Any, site: str, network_id: int, login: Any, axe_check: Any, tmp_path: Path
) -> None:
    login(page, site, "demo")
    base = f"{site}/networks/{network_id}/funding/"
    page.goto(base)
    assert page.locator("h1").inner_text() == "Financiering van Veiligheidsnetwerk Limburg (demo)"
    axe_check(page)
    page.get_by_role("link", name="Financieringsregeling instellen").click()
    page.wait_for_url("**/funding/scheme/")
    axe_check(page)
    page.fill("#id_rate_eur", "0,0725")
    page.select_option("#id_population_year", "2024")
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(base)
    total = page.locator("[data-figure=members-total]").inner_text()
    rows = page.locator("#funding-members-table tbody tr")
    assert rows.count() == 31
    amounts = [
        float(text.replace(".", "").replace(",", "."))
        for text in page.locator("#funding-members-table tbody tr td:last-child").all_inner_texts()
    ]
    assert round(sum(amounts), 2) == float(total.replace(".", "").replace(",", "."))
    axe_check(page)

    # A scenario with another rate, side by side.
    page.fill("#id_scenario-name", "Vijf cent")
    page.fill("#id_scenario-rate_eur", "0,05")
    page.select_option("#id_scenario-population_year", "2022")
    page.get_by_role("button", name="Scenario toevoegen").click()
    page.wait_for_url(base + "#funding-scenarios")
    headers = page.locator("#funding-scenarios-table thead th").all_inner_texts()
    assert headers == ["Regeling", "Vijf cent"]

    # The budget: more planned than contributed shows a negative balance.
    page.get_by_role("link", name="Begroting wijzigen").click()
    page.wait_for_url("**/funding/budget/")
    axe_check(page)
    for year in range(2025, 2029):
        page.get_by_label(f"Coördinatie {year}", exact=True).fill("150.000")
        page.get_by_label(f"Projecten {year}", exact=True).fill("50.000")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.locator(".ivp-error-summary").count() == 0, page.locator("main").inner_text()
    page.wait_for_url(base + "#funding-budget")
    balance = page.locator("#funding-budget-table [data-row=balance] td").last.inner_text()
    assert balance.startswith("-")

    # In kind: the police unit puts in half an fte and a meeting room.
    page.get_by_role("link", name="Bijdragen in natura wijzigen").click()
    page.wait_for_url("**/funding/in-kind/")
    axe_check(page)
    page.locator("fieldset", has_text="Politie-eenheid Limburg").get_by_label("Personeel (fte)").fill("0,5")
    page.locator("fieldset", has_text="Politie-eenheid Limburg").get_by_label("Faciliteiten").fill(
        "Vergaderruimte"
    )
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(base + "#funding-in-kind")
    assert "Vergaderruimte" in page.locator("section[aria-labelledby=funding-in-kind]").inner_text()
    axe_check(page)

    out = SCREENSHOT_DIR if os.environ.get("IVP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    page.goto(base)
    page.screenshot(path=str(out / "funding.png"), full_page=True)
    assert (out / "funding.png").stat().st_size > 10_000

    # The XLSX download works from the page.
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_a_viewer_of_a_member_sees_the_funding_read_only(
    page: Any, site: str, network_id: int, login: Any, axe_check: Any
) -> None:
    from ivp.accounts.models import User
    from ivp.funding.services import scheme_save
    from ivp.networks.models import Network

    scheme_save(actor=User.objects.get(username="demo"), network=Network.objects.get(pk=network_id),
                rate_eur="0.07", population_year=2024, first_year=2025, last_year=2028)  # fmt: skip
    login(page, site, "raadslid")  # viewer of Gemeente Maasgouw, a member
    page.goto(f"{site}/networks/{network_id}/funding/")
    assert page.locator("#funding-members-table tbody tr").count() == 31
    assert page.get_by_role("link", name="Begroting wijzigen").count() == 0
    assert page.locator("#id_scenario-name").count() == 0
    axe_check(page)
