"""Real headless-browser tests: Playwright (sync API) driving Debian's chromium.

Never run `playwright install`: the browser is the system chromium (env IVP_CHROMIUM,
default /usr/bin/chromium).

Skip rule: IVP_BROWSER_TESTS=0, or no chromium executable, skips every test in this folder,
with a loud notice at the end of the run. On CI (env CI is "true" or "1") they never skip:
they fail with the reason instead.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django otherwise refuses ORM calls
# from it ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent.parent
AXE_JS = REPO_DIR / "src" / "ivp" / "core" / "static" / "vendor" / "axe" / "axe.min.js"
SCREENSHOT_DIR = REPO_DIR / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
DEMO_PASSWORD = "demo"  # the local demo accounts (ivp.accounts.services.DEMO_ACCOUNTS)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

_skip_reason: str | None = None


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def chromium_path() -> str:
    return os.environ.get("IVP_CHROMIUM", "/usr/bin/chromium")


def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if os.environ.get("IVP_BROWSER_TESTS", "").strip().lower() in {"0", "false", "no", "off"}:
        return "IVP_BROWSER_TESTS=0 switched the browser tests off"
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return f"no chromium executable at {path} (set IVP_CHROMIUM to its path)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    return None


def _is_e2e(item: pytest.Item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(E2E_DIR)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    global _skip_reason
    e2e_items = [item for item in items if _is_e2e(item)]
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    reason = browser_unavailable_reason()
    if not e2e_items or reason is None or _on_ci():
        return  # on CI the `browser` fixture fails with the reason instead
    _skip_reason = reason
    for item in e2e_items:
        item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _skip_reason is None:
        return
    bang = "!" * 78
    for line in (
        bang,
        "BROWSER (E2E) TESTS WERE SKIPPED - the pages were NOT tested in a browser.",
        f"Reason: {_skip_reason}.",
        "Install Debian's chromium (apt-get install chromium) or set IVP_CHROMIUM;",
        "on CI (CI=true) these tests fail instead of skipping.",
        bang,
    ):
        terminalreporter.write_line(line, red=True, bold=True)


# -- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = browser_unavailable_reason()
    if reason is not None:
        # Only reachable on CI: elsewhere the tests were marked skip at collection.
        pytest.fail(f"Browser tests must run on CI (CI={os.environ.get('CI')!r}) but cannot: {reason}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nl-NL", viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# -- the site ------------------------------------------------------------------------------


@pytest.fixture
def site(live_server: Any, transactional_db: None, settings: Any) -> str:
    """The live server with the reference data and the demo accounts; returns its base URL."""
    from ivp.accounts.services import demo_accounts_create, organisations_sync_from_areas
    from ivp.areas.loading import reference_data_load

    reference_data_load(data_dir=settings.DATA_DIR)
    organisations_sync_from_areas()
    demo_accounts_create()
    return str(live_server.url)


def _login(page: Any, site: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form."""
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    header_user = page.locator("header .ivp-nav a[href$='/accounts/me/']")
    header_user.wait_for()
    assert header_user.inner_text().strip() == username


@pytest.fixture
def login() -> Any:
    """`login(page, site, username, password="demo")`: log in through the login form."""
    return _login


# -- accessibility -------------------------------------------------------------------------


def _axe_check(page: Any) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the current page; fail on any violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Loaded from the site itself: the content security policy refuses inline scripts.
        origin = re.match(r"https?://[^/]+", page.url)
        assert origin, page.url
        page.add_script_tag(url=f"{origin.group(0)}/static/vendor/axe/axe.min.js")
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html})),
            }));
        }""",
        AXE_TAGS,
    )
    if not results:
        return
    lines = [f"{len(results)} accessibility violation(s) (WCAG 2.1 AA) on {page.url}:"]
    for v in results:
        lines.append(
            f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s); {v['helpUrl']})"
        )
        for node in v["nodes"][:3]:
            lines.append(f"    target: {json.dumps(node['target'])}")
            lines.append(f"      html: {node['html'][:160]}")
            summary = (node["summary"] or "").replace("\n", " ")
            lines.append(f"      why:  {summary[:300]}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture
def axe_check() -> Any:
    """`axe_check(page)`: fail when axe-core finds WCAG 2.1 A/AA violations on the page."""
    return _axe_check
