"""The plan editor in a real headless chromium: an editor writes a priority and an indicator with
a target, enters values and sees the indicator's status; a viewer cannot change anything.
Every page is checked with axe-core (WCAG 2.1 AA); the theme form is filled by keyboard only."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PLAN_TITLE = "Integraal Veiligheidsplan Maasgouw 2024-2027"


def focused(page: Any, expression: str) -> Any:
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def tab_to(page: Any, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element with this id has the keyboard focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, "el && el.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def type_lines(page: Any, lines: list[str]) -> None:
    for number, line in enumerate(lines):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def submit(page: Any) -> None:
    with page.expect_navigation():
        page.locator("main form.ivp-editor-form button[type=submit]").click()


def screenshot(page: Any, name: str, tmp_path: Path) -> None:
    """Written to docs/screenshots/ with IVP_SCREENSHOTS=1, elsewhere to a temporary folder."""
    out = SCREENSHOT_DIR if os.environ.get("IVP_SCREENSHOTS") == "1" else tmp_path
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def create_plan(page: Any, site: str, axe_check: Any) -> str:
    """Through the plan list and the new-plan form; returns the overview's URL."""
    page.goto(f"{site}/")
    with page.expect_navigation():
        page.locator("header nav a", has_text="Plannen").click()
    assert page.locator("h1").inner_text().strip() == "Integrale veiligheidsplannen"
    axe_check(page)
    with page.expect_navigation():
        page.locator("main a", has_text="Nieuw plan").click()
    axe_check(page)
    page.select_option("#id_organisation", label="Gemeente Maasgouw")
    page.fill("#id_title", PLAN_TITLE)
    page.fill("#id_start_year", "2024")
    page.fill("#id_end_year", "2027")
    submit(page)
    assert page.locator("h1").inner_text().strip() == PLAN_TITLE
    return str(page.url)


def test_an_editor_writes_a_priority_and_an_indicator_with_a_target_and_sees_its_status(
    page: Any, site: str, login: Any, axe_check: Any, tmp_path: Path
) -> None:
    from django.urls import NoReverseMatch, reverse

    from ivp.plans.models import Indicator, IndicatorValue, Plan, Theme

    login(page, site, "demo")
    overview = create_plan(page, site, axe_check)
    plan = Plan.objects.get(title=PLAN_TITLE)
    assert page.locator(".ivp-status-badge").first.inner_text().strip() == "Concept"
    axe_check(page)

    # Theme 5.2 becomes a priority, by keyboard only.
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Wijzigen thema 5.2 Ondermijning en georganiseerde criminaliteit"
        ).click()
    axe_check(page)
    tab_to(page, "id_is_priority")
    page.keyboard.press("Space")
    tab_to(page, "id_problem")
    type_lines(page, ["Drugsafval in het buitengebied", "Witwassen via vastgoed"])
    tab_to(page, "id_approach_basis")
    type_lines(page, ["Barrièremodel met de partners"])
    tab_to(page, "id_approach_focus")
    type_lines(page, ["Integrale controles op bedrijventerreinen"])
    tab_to(page, "id_goals")
    type_lines(page, ["Meer meldingen van ondermijning", "Weerbare ondernemers"])
    for _ in range(20):  # on past the council input to the Save button
        page.keyboard.press("Tab")
        if focused(page, "el.tagName") == "BUTTON":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(overview)
    theme = Theme.objects.get(plan=plan, code="5.2")
    assert theme.is_priority and theme.problem == ["Drugsafval in het buitengebied", "Witwassen via vastgoed"]
    priority = page.locator("article.ivp-priority")
    assert "5.2 Ondermijning" in priority.locator("h3").inner_text()
    assert "Weerbare ondernemers" in priority.inner_text()
    assert page.locator("tr.ivp-priority-row .ivp-priority-badge").count() == 1
    page.goto(f"{site}{reverse('plans:item-edit', args=[plan.pk, 'themes', theme.pk])}")
    assert page.input_value("#id_goals") == "Meer meldingen van ondermijning\nWeerbare ondernemers"
    screenshot(page, "plan-edit", tmp_path)

    # An indicator with a target; first a refusal with the error summary, then the fix.
    page.goto(f"{overview}")
    with page.expect_navigation():
        page.locator("main a", has_text="Indicator toevoegen").click()
    page.fill("#id_code", "I1")
    page.select_option("#id_source", value="survey")
    page.fill("#id_source_detail", "Inwonerspanel")
    page.select_option("#id_unit", value="mark")
    page.fill("#id_baseline_value", "7,1")
    page.fill("#id_baseline_year", "2023")
    page.select_option("#id_target_comparator", value="at_least")
    page.fill("#id_target_value", "7,5")
    page.select_option("#id_direction", value="up")
    submit(page)  # no name
    summary = page.locator("#error-summary")
    assert "Naam: Dit veld is vereist." in summary.inner_text()
    assert focused(page, "el.id") == "error-summary"
    axe_check(page)
    summary.locator("a", has_text="Naam").click()  # an in-page link to the field
    assert focused(page, "el.id") == "id_name"
    page.keyboard.type("Rapportcijfer veiligheid in de buurt")
    submit(page)
    indicator = Indicator.objects.get(plan=plan, code="I1")
    row = page.locator("#indicator-table tr[data-code=I1]")
    assert "ten minste 7,5 in 2027" in row.inner_text()

    # A value for 2025 (below the path from 7,1 to 7,5), then a correction that is on the path.
    with page.expect_navigation():
        row.get_by_role("link", name=re.compile("^Waarden")).click()
    axe_check(page)
    for value in ("7,0", "7,4"):
        page.fill("#id_year", "2025")
        page.fill("#id_value", value)
        page.fill("#id_source", "Inwonerspanel 2025")
        submit(page)
    assert [str(v.value.normalize()) for v in IndicatorValue.objects.filter(indicator=indicator)] == [
        "7",
        "7.4",
    ]
    history = page.locator("#values-table tbody tr")
    assert history.count() == 2
    assert "vervangen door een latere invoer" in history.nth(1).inner_text()
    axe_check(page)

    try:
        report = reverse("reports:annual", kwargs={"plan_id": plan.pk, "year": 2025})
    except NoReverseMatch:  # without the reports app: the overview shows the value that counts
        page.goto(overview)
        assert "7,4 (2025)" in page.locator("#indicator-table tr[data-code=I1]").inner_text()
    else:
        page.goto(f"{site}{report}")
        status = page.locator("#indicator-table tr[data-indicator=I1] .ivp-status")
        assert "ivp-status--on_track" in (status.get_attribute("class") or "")

    page.goto(overview)
    screenshot(page, "plan", tmp_path)

    # The other kinds of form: radio buttons (status), checkboxes (portfolio holder), a deletion.
    for path in (f"/plans/{plan.pk}/status/", f"/plans/{plan.pk}/holders/new/",
                 f"/plans/{plan.pk}/indicators/{indicator.pk}/delete/"):  # fmt: skip
        page.goto(f"{site}{path}")
        axe_check(page)
    page.goto(f"{site}/plans/{plan.pk}/status/")
    page.check("#id_status_1")  # adopted
    submit(page)  # without a date
    assert (
        "Vastgesteld op: Een vastgesteld plan heeft de datum" in page.locator("#error-summary").inner_text()
    )
    axe_check(page)
    page.goto(overview)

    # The history names the change and shows the earlier version.
    with page.expect_navigation():
        page.locator("main a", has_text="Geschiedenis").click()
    assert "is_priority" not in page.content()
    assert "prioriteit" in page.locator("#history-table").inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.locator("#history-table a", has_text="Versie 1").click()
    assert "alleen-lezen" in page.locator("main").inner_text()
    assert page.locator("article.ivp-priority").count() == 0  # version 1 had no priority yet
    axe_check(page)


def test_a_viewer_sees_the_plan_but_has_no_edit_controls_and_a_forced_post_is_refused(
    page: Any, site: str, login: Any, axe_check: Any
) -> None:
    from ivp.accounts.models import Organisation, User
    from ivp.areas.selectors import area_get
    from ivp.plans.models import Theme
    from ivp.plans.services import plan_create

    editor = User.objects.get(username="demo")
    plan = plan_create(actor=editor, organisation=Organisation.objects.get(name="Gemeente Maasgouw"),
                       title=PLAN_TITLE, start_year=2024, end_year=2027,
                       municipalities=[area_get(code_or_name="GM1641")])  # fmt: skip
    theme = Theme.objects.get(plan=plan, code="5.2")

    login(page, site, "raadslid")
    page.goto(f"{site}/plans/{plan.pk}/")
    assert page.locator("h1").inner_text().strip() == PLAN_TITLE
    main = page.locator("main")
    assert main.locator("form").count() == 0
    assert main.locator("a[href*='/edit/'], a[href*='/new/'], a[href*='/status/']").count() == 0
    assert main.get_by_text("Wijzigen").count() == 0
    axe_check(page)

    response = page.goto(f"{site}/plans/{plan.pk}/themes/{theme.pk}/")
    assert response is not None and response.status == 403
    status = page.evaluate(
        """async (url) => {
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const body = new URLSearchParams({csrfmiddlewaretoken: token, version: "1", field: "5",
                                              code: "5.2", name: "Gekaapt", is_priority: "on"});
            const r = await fetch(url, {method: "POST", body, credentials: "same-origin"});
            return r.status;
        }""",
        f"{site}/plans/{plan.pk}/themes/{theme.pk}/",
    )
    assert status == 403
    theme.refresh_from_db()
    assert not theme.is_priority and theme.name.startswith("Ondermijning")
