"""The bulletin pages and the CLI preview (figures from the demonstration store)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ivp.bulletins.models import Sending
from ivp.cli import main
from ivp.networks.tests.factories import network_world
from ivp.stats.store import StatsStore

from .test_access import _add

pytestmark = pytest.mark.django_db


def test_every_member_sees_any_members_bulletin_page_labelled_as_demonstration_data(
    demo_store: StatsStore,
) -> None:
    world = network_world()
    client = Client()
    client.force_login(world.member_viewer)
    index = client.get(reverse("bulletins:index", args=[world.network.pk])).content.decode()
    assert "Hengelo" in index and "Demonstratiegegevens" in index
    page = client.get(reverse("bulletins:member", args=[world.network.pk, "GM0164"]) + "?month=2023-06")
    text = page.content.decode()
    assert page.status_code == 200
    assert "juni 2023" in text and "januari\u2013juni 2023" in text and "Hengelo" in text
    assert "Demonstratiegegevens" in text
    assert client.get(reverse("bulletins:member", args=[world.network.pk, "GM1641"])).status_code == 404


def test_the_preview_shows_the_recipients_and_one_members_email_without_sending(
    demo_store: StatsStore,
) -> None:
    world = network_world()
    _add(world, "GM0164", "twee@hengelo.example")
    client = Client()
    client.force_login(world.coordinator)
    page = client.get(reverse("bulletins:send", args=[world.network.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hengelo" in text and "[DEMO]" in text and "Verstuur naar 1 abonnee" in text
    assert not Sending.objects.exists()


def test_the_cli_previews_by_default_and_sends_nothing(
    demo_store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    world = network_world()
    _add(world, "GM0164", "twee@hengelo.example")
    assert main(["network", "bulletin", str(world.network.pk), "--month", "2023-06"]) == 0
    out = capsys.readouterr().out
    assert "VOORBEELD" in out or "PREVIEW" in out
    assert "Hengelo" in out and "juni 2023" in out
    assert not Sending.objects.exists()
