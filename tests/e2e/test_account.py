"""The account page in a real browser: making and replacing the API token by keyboard, the key
shown once with focus on it, and axe-core (WCAG 2.1 AA) on every state."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

CREATE_BUTTON = "form[action$='/accounts/me/token/'] button[type=submit]"
REPLACE_BOX = "#id_replace-confirm"


def _focused(page: Any, expression: str) -> Any:
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def _tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def _press_enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _shown_key(page: Any) -> str:
    key = page.locator("#api-token-key")
    assert key.count() == 1, "the new key is not shown"
    assert _focused(page, "el.id") == "api-token-key", "the focus is not on the new key"
    # Announced: the key sits in a status region, its label and help text tied to it.
    assert page.locator("[role=status] #api-token-key").count() == 1
    assert page.locator("label[for=api-token-key]").inner_text().strip() == "API-token"
    assert key.get_attribute("aria-describedby") == "api-token-key-help"
    assert key.get_attribute("readonly") is not None
    value = key.input_value()
    assert len(value) >= 40
    return str(value)


def test_the_api_token_is_made_and_replaced_by_keyboard_and_the_page_is_accessible(
    site: str, page: Any, login: Any, axe_check: Any
) -> None:
    login(page, site, "raadslid")  # a viewer: viewers may make their own token too
    page.goto(f"{site}/accounts/me/")
    assert "U hebt geen API-token." in page.content()
    axe_check(page)

    # Make a token with the keyboard: Tab to the button, Enter.
    _tab_to(page, CREATE_BUTTON)
    _press_enter_and_wait(page)
    first = _shown_key(page)
    axe_check(page)

    # Shown once: the account page afterwards shows only its first characters.
    page.goto(f"{site}/accounts/me/")
    assert page.locator("#api-token-key").count() == 0 and first not in page.content()
    assert first[:8] in page.locator("section[aria-labelledby=api-token]").inner_text()

    # Replacing without the tick is refused; the error summary gets the focus and is announced.
    _tab_to(page, f"form:has({REPLACE_BOX}) button[type=submit]")
    _press_enter_and_wait(page)
    assert _focused(page, "el.getAttribute('role')") == "alert"
    alert = page.locator("[role=alert]")
    assert "Vink het vakje aan" in alert.inner_text()
    assert alert.locator(f"a[href='{REPLACE_BOX}']").count() == 1  # the error links to the box
    axe_check(page)

    # Tick with the space bar, then the button: a new key, shown once, with the focus on it.
    _tab_to(page, REPLACE_BOX)
    page.keyboard.press("Space")
    assert page.locator(REPLACE_BOX).is_checked()
    _tab_to(page, f"form:has({REPLACE_BOX}) button[type=submit]")
    _press_enter_and_wait(page)
    second = _shown_key(page)
    assert second != first
    axe_check(page)
