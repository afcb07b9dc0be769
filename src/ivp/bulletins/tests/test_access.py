"""Subscribers and sending: the network's coordinator manages all, a member's coordinator only
its own municipality's subscribers, viewers read only, outsiders nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ivp.accounts.models import User
from ivp.areas.selectors import area_get
from ivp.bulletins.models import Subscriber
from ivp.bulletins.services import bulletin_send, subscriber_add, subscriber_delete
from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.networks.tests.factories import NetworkWorld, network_world
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> NetworkWorld:
    return network_world()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add(world: NetworkWorld, code: str, email: str) -> Subscriber:
    area = area_get(code_or_name=code)
    return subscriber_add(actor=world.coordinator, network=world.network, area=area, email=email)


def test_a_members_coordinator_manages_only_its_own_municipalitys_subscribers(world: NetworkWorld) -> None:
    enschede, hengelo = area_get(code_or_name="GM0153"), area_get(code_or_name="GM0164")
    own = subscriber_add(
        actor=world.member_editor, network=world.network, area=enschede, email="Een@Enschede.example"
    )
    assert own.email == "een@enschede.example"
    with pytest.raises(AccessDenied):
        subscriber_add(
            actor=world.member_editor, network=world.network, area=hengelo, email="x@hengelo.example"
        )
    other = _add(world, "GM0164", "twee@hengelo.example")
    with pytest.raises(AccessDenied):
        subscriber_delete(actor=world.member_editor, subscriber=other)
    with pytest.raises(AccessDenied):
        subscriber_add(
            actor=world.member_viewer, network=world.network, area=enschede, email="v@enschede.example"
        )
    with pytest.raises(AccessDenied):
        subscriber_add(actor=world.outsider, network=world.network, area=enschede, email="o@enschede.example")


def test_bad_and_duplicate_addresses_and_non_members_are_refused(world: NetworkWorld) -> None:
    _add(world, "GM0153", "een@enschede.example")
    with pytest.raises(ValidationFailed, match="ontvangt het bulletin van Enschede al"):
        _add(world, "GM0153", "EEN@enschede.example")
    with pytest.raises(ValidationFailed):
        _add(world, "GM0153", "geen-adres")
    with pytest.raises(ValidationFailed, match="Maasgouw"):  # not a member
        _add(world, "GM1641", "m@maasgouw.example")


def test_the_subscribers_page_shows_each_user_only_what_they_may_see_and_change(world: NetworkWorld) -> None:
    _add(world, "GM0153", "een@enschede.example")
    _add(world, "GM0164", "twee@hengelo.example")
    url = reverse("bulletins:subscribers", args=[world.network.pk])
    coordinator = _client(world.coordinator).get(url).content.decode()
    assert "een@enschede.example" in coordinator and "twee@hengelo.example" in coordinator
    editor = _client(world.member_editor).get(url).content.decode()
    assert "een@enschede.example" in editor and "twee@hengelo.example" not in editor
    assert 'name="email"' in editor  # may add for its own municipality
    viewer = _client(world.member_viewer).get(url).content.decode()
    assert "een@enschede.example" in viewer and "twee@hengelo.example" not in viewer
    assert 'name="email"' not in viewer and "subscriber-delete" not in viewer
    assert _client(world.outsider).get(url).status_code == 403


def test_through_the_pages_a_member_editor_cannot_touch_another_members_subscribers(
    world: NetworkWorld,
) -> None:
    other = _add(world, "GM0164", "twee@hengelo.example")
    client = _client(world.member_editor)
    delete = reverse("bulletins:subscriber-delete", args=[world.network.pk, other.pk])
    assert client.post(delete).status_code == 404  # not even visible
    hengelo = area_get(code_or_name="GM0164")
    response = client.post(reverse("bulletins:subscribers", args=[world.network.pk]),
                           {"email": "x@hengelo.example", "area": hengelo.pk})  # fmt: skip
    assert response.status_code == 400  # not a choice for this user
    assert not Subscriber.objects.filter(email="x@hengelo.example").exists()
    own = client.post(reverse("bulletins:subscribers", args=[world.network.pk]),
                      {"email": "nieuw@enschede.example", "area": area_get(code_or_name="GM0153").pk})  # fmt: skip
    assert own.status_code == 302
    assert Subscriber.objects.filter(email="nieuw@enschede.example", area__code="GM0153").exists()


def test_only_the_networks_coordinators_preview_send_and_see_the_log(
    world: NetworkWorld, demo_store: StatsStore
) -> None:
    for user in (world.member_editor, world.member_viewer):
        client = _client(user)
        assert client.get(reverse("bulletins:send", args=[world.network.pk])).status_code == 403
        assert client.post(reverse("bulletins:send", args=[world.network.pk])).status_code == 403
        assert client.get(reverse("bulletins:sendings", args=[world.network.pk])).status_code == 403
    with pytest.raises(AccessDenied):
        bulletin_send(actor=world.member_editor, network=world.network, store=demo_store)
