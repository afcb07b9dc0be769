from __future__ import annotations

import pytest

from ivp.areas.selectors import area_get
from ivp.core.errors import AccessDenied
from ivp.networks.access import (
    member_can_edit_inputs,
    network_can_manage,
    network_can_view,
    require_member_inputs,
)

from .factories import network_world

pytestmark = pytest.mark.django_db


def test_a_network_of_police_unit_oost_nederland_has_its_76_municipalities_and_partners() -> None:
    world = network_world()
    assert world.network.members.count() == 76
    assert world.network.partners.count() == 2


def test_members_see_the_network_but_change_only_their_own_inputs() -> None:
    world = network_world()
    enschede, hengelo = area_get(code_or_name="GM0153"), area_get(code_or_name="GM0164")
    assert network_can_view(user=world.member_editor, network=world.network)
    assert network_can_view(user=world.member_viewer, network=world.network)
    assert not network_can_view(user=world.outsider, network=world.network)
    assert not network_can_manage(user=world.member_editor, network=world.network)
    assert network_can_manage(user=world.coordinator, network=world.network)
    assert member_can_edit_inputs(user=world.member_editor, network=world.network, area=enschede)
    assert not member_can_edit_inputs(user=world.member_viewer, network=world.network, area=enschede)
    with pytest.raises(AccessDenied, match="Hengelo"):
        require_member_inputs(user=world.member_editor, network=world.network, area=hengelo)
