"""The pages, driven in a real headless chromium, each checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

HEADER_USER = "header .ivp-nav a[href$='/accounts/me/']"
LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button[type=submit]"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NOT_ALLOWED = re.compile(r"Niet toegestaan|Not allowed")


def dutch_int(text: str) -> int:
    """'3.338.110' -> 3338110 (Dutch thousands separator)."""
    digits = text.strip().replace(".", "").replace("\u00a0", "").replace(" ", "")
    assert re.fullmatch(r"\d+", digits), f"not a Dutch-formatted whole number: {text!r}"
    return int(digits)


def submit_and_wait_for_new_page(page: Any, submit: Any) -> None:
    """Run `submit` (which starts a full page load) and wait until the new page has loaded.

    Typing in the search box also fires htmx requests; waiting for "a response" or for
    "load" could return while the old page is still shown, so the old page is marked and
    we wait until a page without the mark has loaded.
    """
    page.evaluate("() => { window.__ivpOldPage = true; }")
    submit()
    page.wait_for_function("() => window.__ivpOldPage === undefined && document.readyState === 'complete'")


def search_submit(page: Any, query: str) -> None:
    """Type the query in the search box and press Enter; wait for the results page."""
    box = page.locator("#search-q")
    box.fill("")
    box.press_sequentially(query)
    submit_and_wait_for_new_page(page, lambda: box.press("Enter"))
    assert f"q={query.split()[0]}" in page.url


def result_links(page: Any) -> Any:
    return page.locator("#search-results ul.ivp-results a")


def focused(page: Any, expression: str) -> Any:
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def tab_until(page: Any, predicate: str, limit: int = 40) -> None:
    """Press Tab until the focused element satisfies the JS predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, predicate):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_search_by_typing_and_enter_finds_maasgouw_and_its_page_shows_its_regions(
    page: Any, site: str, axe_check: Any
) -> None:
    page.goto(f"{site}/")
    axe_check(page)

    search_submit(page, "Maasgouw")
    link = result_links(page).filter(has_text=re.compile(r"^Maasgouw$"))
    assert link.count() == 1
    assert link.get_attribute("href") == "/areas/GM1641/"
    axe_check(page)

    with page.expect_navigation():
        link.click()
    assert page.url == f"{site}/areas/GM1641/"
    assert "Maasgouw" in page.locator("h1").inner_text()
    facts = page.locator("dl.ivp-facts")
    assert "GM1641" in facts.inner_text()
    assert "Limburg" in facts.inner_text()  # the province
    population = facts.locator("dd").nth(2).inner_text()
    assert dutch_int(population.split("(")[0]) > 20_000  # about 24.000 inhabitants

    regions = {
        row.locator("td").nth(2).inner_text().strip(): row.locator("td").nth(1).inner_text().strip()
        for row in page.locator("table[aria-labelledby=regions-heading] tbody tr").all()
    }
    assert regions["RE10"] == "Limburg"  # police unit
    assert regions["VR23"] == "Limburg-Noord"  # safety region
    assert regions["PV31"] == "Limburg"  # province
    axe_check(page)


@pytest.mark.parametrize(
    ("query", "expected_name", "expected_code"),
    [
        ("sudwest fryslan", "Súdwest-Fryslân", "GM1900"),
        ("Den Haag", "'s-Gravenhage", "GM0518"),
    ],
)
def test_search_ignores_accents_and_knows_aliases(
    page: Any, site: str, query: str, expected_name: str, expected_code: str
) -> None:
    page.goto(f"{site}/")
    search_submit(page, query)
    names = [t.strip() for t in result_links(page).all_inner_texts()]
    assert expected_name in names, f"{query!r} found {names}"
    link = result_links(page).filter(has_text=re.compile(f"^{re.escape(expected_name)}$"))
    assert link.get_attribute("href") == f"/areas/{expected_code}/"


def test_every_one_of_the_342_municipalities_is_linked_from_the_home_page_by_province(
    page: Any, site: str, axe_check: Any
) -> None:
    page.goto(f"{site}/")
    assert page.locator("details.ivp-details").count() == 12
    hrefs = page.eval_on_selector_all(
        "details.ivp-details a[href]", "els => els.map(a => a.getAttribute('href'))"
    )
    municipalities = {h for h in hrefs if re.fullmatch(r"/areas/GM\d{4}/", h)}
    assert len(municipalities) == 342
    # With every province opened, the lists must be accessible too (axe skips hidden content).
    page.eval_on_selector_all("details.ivp-details", "els => els.forEach(d => { d.open = true; })")
    axe_check(page)


def test_live_search_shows_results_while_typing_without_reloading_the_page(
    page: Any, site: str, axe_check: Any
) -> None:
    page.goto(f"{site}/")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator("#search-q").press_sequentially("Maasg")
    link = result_links(page).filter(has_text=re.compile(r"^Maasgouw$"))
    link.wait_for()
    assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded"
    axe_check(page)


def test_region_page_lists_its_76_municipalities_and_the_total_is_their_sum(
    page: Any, site: str, axe_check: Any
) -> None:
    page.goto(f"{site}/areas/RE02/")
    assert page.locator("h1").inner_text().strip() == "Oost-Nederland"
    rows = page.locator("table#members tbody tr")
    assert rows.count() == 76
    populations = [dutch_int(t) for t in rows.locator("td:nth-of-type(2)").all_inner_texts()]
    total = dutch_int(page.get_by_test_id("population-total").inner_text())
    assert len(populations) == 76
    assert total == sum(populations)
    assert total > 3_000_000
    # The fact list at the top states the same count and total.
    facts = page.locator("dl.ivp-facts dd").all_inner_texts()
    assert "76" in [f.strip() for f in facts]
    assert any(f.strip().startswith(f"{total:,}".replace(",", ".")) for f in facts)
    axe_check(page)


def test_keyboard_only_skip_link_first_then_search_and_open_a_result(page: Any, site: str) -> None:
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    assert focused(page, "el.getAttribute('href')") == "#main", "the first Tab stop is not the skip link"
    assert focused(page, "el.getBoundingClientRect().height > 0"), "the skip link does not appear on focus"
    page.keyboard.press("Enter")
    assert focused(page, "el.id") == "main"

    tab_until(page, "el.id === 'search-q'")
    page.keyboard.type("GM1641")
    submit_and_wait_for_new_page(page, lambda: page.keyboard.press("Enter"))
    assert "q=GM1641" in page.url

    tab_until(page, "el.closest('#search-results') && el.getAttribute('href') === '/areas/GM1641/'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{site}/areas/GM1641/"


def test_login_shows_the_user_in_the_header_and_logout_removes_it(
    page: Any, site: str, login: Any, axe_check: Any
) -> None:
    page.goto(f"{site}/accounts/login/")
    axe_check(page)
    login(page, site, "demo")
    assert page.locator(HEADER_USER).inner_text().strip() == "demo"
    axe_check(page)

    with page.expect_navigation():
        page.locator(LOGOUT_BUTTON).click()
    assert page.locator(HEADER_USER).count() == 0
    assert page.locator("header .ivp-nav a[href*='/accounts/login/']").count() == 1


def test_wrong_password_shows_an_error_and_keeps_the_user_logged_out(
    page: Any, site: str, axe_check: Any
) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "wrong")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("main [role=alert]").count() == 1
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
    assert page.locator(HEADER_USER).count() == 0
    axe_check(page)


def test_viewer_is_refused_the_new_group_form_and_nothing_is_created(
    page: Any, site: str, login: Any, axe_check: Any
) -> None:
    from ivp.areas.models import Area

    login(page, site, "raadslid")
    response = page.goto(f"{site}/areas/groups/new/")
    assert response is not None
    assert response.status == 403
    assert NOT_ALLOWED.search(page.locator("h1").inner_text())
    assert page.locator("form[method=post] select, form[method=post] #id_name").count() == 0
    axe_check(page)
    assert Area.objects.filter(kind="group").count() == 0


def test_editor_creates_a_group_and_sees_its_three_municipalities(
    page: Any, site: str, login: Any, axe_check: Any
) -> None:
    from ivp.areas.models import Area

    members = ["Beesel", "Maasgouw", "Roerdalen"]
    login(page, site, "demo")
    page.goto(f"{site}/areas/groups/new/")
    axe_check(page)

    page.select_option("#id_owner", label="Gemeente Maasgouw")
    page.fill("#id_name", "Vergelijkbare gemeenten")
    options = page.locator("#id_members option")
    values = [options.filter(has_text=re.compile(rf"^{name}\b")).get_attribute("value") for name in members]
    page.select_option("#id_members", value=values)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.locator("h1").inner_text().strip() == "Vergelijkbare gemeenten"
    rows = page.locator("table#members tbody tr th a")
    assert sorted(t.strip() for t in rows.all_inner_texts()) == members
    assert "Gemeente Maasgouw" in page.locator("dl.ivp-facts").inner_text()
    assert page.locator("main [role=status]").count() == 1  # "group was created" message
    axe_check(page)

    group = Area.objects.get(kind="group")
    assert group.name == "Vergelijkbare gemeenten"
    assert page.url == f"{site}/areas/{group.code}/"
    assert sorted(group.members.values_list("name", flat=True)) == members


def test_english_button_switches_the_interface_language(page: Any, site: str, axe_check: Any) -> None:
    page.goto(f"{site}/areas/GM1641/")
    assert page.locator("html").get_attribute("lang") == "nl"
    with page.expect_navigation():
        page.locator("header button", has_text="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == f"{site}/areas/GM1641/"  # back on the same page
    assert page.locator("h1").inner_text().strip() == "Municipality Maasgouw"
    assert page.locator("header button", has_text="Nederlands").count() == 1
    axe_check(page)


def test_an_english_browser_gets_dutch_until_the_user_chooses_english_with_the_keyboard(
    browser: Any, site: str, axe_check: Any
) -> None:
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{site}/areas/GM1641/")
        assert page.locator("html").get_attribute("lang") == "nl"  # the browser's language is no choice
        assert page.locator("h1").inner_text().strip() == "Gemeente Maasgouw"
        switch = page.get_by_role("button", name="English")
        assert switch.get_attribute("lang") == "en"  # read out in English by a screen reader
        switch.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text().strip() == "Municipality Maasgouw"
        page.goto(f"{site}/")  # the choice holds on the next page
        assert page.locator("html").get_attribute("lang") == "en"
        back = page.get_by_role("button", name="Nederlands")
        back.focus()
        with page.expect_navigation():
            page.keyboard.press("Space")
        assert page.locator("html").get_attribute("lang") == "nl"
        axe_check(page)
    finally:
        context.close()


def test_screenshots_of_the_main_pages(page: Any, site: str, tmp_path: Any) -> None:
    """Full-page screenshots. Written to docs/screenshots/ only with IVP_SCREENSHOTS=1,
    so that normal runs leave the tree clean; otherwise to a temporary directory."""
    out = SCREENSHOT_DIR if os.environ.get("IVP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for name, path in [
        ("home", "/"),
        ("municipality", "/areas/GM1641/"),
        ("region", "/areas/RE02/"),
        ("login", "/accounts/login/"),
    ]:
        page.goto(f"{site}{path}")
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        target = out / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
