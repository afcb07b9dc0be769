"""The monthly bulletin in a real browser: the coordinator adds a subscriber, previews and sends
through a real SMTP server on loopback, and reads the log; axe-core on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ivp.bulletins.tests.conftest import Inbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bulletin_site(site: str, settings: Any, tmp_path: Path) -> str:
    """The live site with the demonstration cube (monthly figures per municipality)."""
    from ivp.stats.services import classification_load
    from ivp.stats.store import StatsStore
    from ivp.stats.synthetic import demo_cube_load

    settings.VAR_DIR = tmp_path
    classification_load(data_dir=settings.DATA_DIR)
    demo_cube_load(store=StatsStore(tmp_path / "stats"))
    return site


@pytest.fixture
def network_id(bulletin_site: str) -> int:
    from ivp.accounts.models import Organisation, User
    from ivp.accounts.services import DEMO_NETWORK
    from ivp.areas.selectors import area_get
    from ivp.networks.services import network_create

    network = network_create(actor=User.objects.get(username="demo"),
                             organisation=Organisation.objects.get(name=DEMO_NETWORK), name=DEMO_NETWORK,
                             region=area_get(code_or_name="RE10"), start_year=2025, end_year=2028)  # fmt: skip
    return network.pk


def test_the_coordinator_adds_a_subscriber_previews_and_sends_the_bulletin(
    page: Any, bulletin_site: str, network_id: int, login: Any, axe_check: Any, settings: Any
) -> None:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
    settings.IVP_SITE_URL = bulletin_site  # the unsubscribe links point at this live server
    try:
        login(page, bulletin_site, "demo")
        base = f"{bulletin_site}/networks/{network_id}/bulletin/"
        page.goto(base)
        assert "Maandbulletin van Veiligheidsnetwerk Limburg (demo)" in page.locator("h1").inner_text()
        assert page.locator("#bulletin-members tbody tr").count() == 31
        axe_check(page)
        page.get_by_role("link", name="Maasgouw").click()
        page.wait_for_url("**/bulletin/GM1641/**")
        assert page.locator("h1").inner_text() == "Maandbulletin Maasgouw, december 2023"
        assert "Demonstratiegegevens" in page.locator("main").inner_text()
        axe_check(page)

        page.goto(base + "subscribers/")
        page.fill("#id_email", "veiligheid@maasgouw.example")
        page.select_option("#id_area", label="Maasgouw")
        page.get_by_role("button", name="Toevoegen").click()
        page.wait_for_url(base + "subscribers/")
        assert page.locator("#bulletin-subscribers tbody tr").count() == 1
        axe_check(page)

        page.goto(base + "send/")
        assert "Maasgouw" in page.locator(".ivp-bulletin-envelope").inner_text()
        axe_check(page)
        page.get_by_role("button", name="Verstuur naar 1 abonnee").click()
        page.wait_for_url("**/bulletin/sendings/*/")
        assert page.locator("[data-figure=sent]").inner_text() == "1"
        assert page.locator("tr[data-status=sent]").count() == 1
        axe_check(page)
        page.goto(base + "sendings/")
        axe_check(page)
    finally:
        controller.stop()
    assert [rcpt for rcpt, _message in inbox.messages] == [["veiligheid@maasgouw.example"]]
    assert "Maasgouw" in inbox.messages[0][1]["Subject"]

    # The recipient's own unsubscribe link, opened without logging in: it asks first (axe-core),
    # the button (by keyboard) unsubscribes.
    link = str(inbox.messages[0][1]["List-Unsubscribe"]).strip().strip("<>")
    assert link.startswith(f"{bulletin_site}/networks/bulletin/unsubscribe/")
    context = page.context.browser.new_context(locale="nl-NL")
    try:
        reader = context.new_page()
        reader.goto(link)
        assert reader.locator("h1").inner_text() == "Afmelden voor het bulletin"
        assert "veiligheid@maasgouw.example" in reader.locator("main").inner_text()
        axe_check(reader)
        reader.get_by_role("button", name="Afmelden").focus()
        with reader.expect_navigation():
            reader.keyboard.press("Enter")
        assert "ontvangt het bulletin van Maasgouw niet meer" in reader.locator("#unsubscribed").inner_text()
        axe_check(reader)
    finally:
        context.close()
    from ivp.bulletins.models import Subscriber

    assert not Subscriber.objects.filter(email="veiligheid@maasgouw.example").exists()
