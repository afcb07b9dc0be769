from __future__ import annotations

import pytest

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.models import Area
from ivp.areas.services import group_create, group_delete, group_update
from ivp.core.errors import AccessDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def maasgouw() -> Organisation:
    return Organisation.objects.get(name="Gemeente Maasgouw")


def test_an_editor_creates_a_peer_group_with_a_generated_code(maasgouw: Organisation) -> None:
    editor = MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user
    group = group_create(
        actor=editor,
        owner=maasgouw,
        name=" Vergelijkbare gemeenten ",
        member_codes=["gm1641", "GM0957", "GM0971"],
    )
    assert group.code == "GR0001" and group.name == "Vergelijkbare gemeenten"
    assert sorted(group.members.values_list("code", flat=True)) == ["GM0957", "GM0971", "GM1641"]
    second = group_create(actor=editor, owner=maasgouw, name="Tweede", member_codes=["GM1641"])
    assert second.code == "GR0002"


def test_a_viewer_cannot_create_a_group_and_nothing_is_stored(maasgouw: Organisation) -> None:
    viewer = MembershipFactory(organisation=maasgouw, role=Role.VIEWER).user
    with pytest.raises(AccessDenied):
        group_create(actor=viewer, owner=maasgouw, name="Nee", member_codes=["GM1641"])
    assert not Area.objects.filter(kind="group").exists()


def test_an_editor_of_another_organisation_cannot_change_the_group(maasgouw: Organisation) -> None:
    owner = MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user
    group = group_create(actor=owner, owner=maasgouw, name="Groep", member_codes=["GM1641"])
    outsider = MembershipFactory(role=Role.EDITOR).user
    with pytest.raises(AccessDenied):
        group_update(actor=outsider, group=group, name="Gekaapt", member_codes=["GM0363"])
    with pytest.raises(AccessDenied):
        group_delete(actor=outsider, group=group)
    group.refresh_from_db()
    assert group.name == "Groep" and list(group.members.values_list("code", flat=True)) == ["GM1641"]


def test_unknown_member_codes_are_refused_by_name(maasgouw: Organisation) -> None:
    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationFailed, match="GM9999, PV31"):
        group_create(actor=admin, owner=maasgouw, name="Groep", member_codes=["GM1641", "GM9999", "PV31"])
    with pytest.raises(ValidationFailed):
        group_create(actor=admin, owner=maasgouw, name="Leeg", member_codes=[])
    with pytest.raises(ValidationFailed):
        group_create(actor=admin, owner=maasgouw, name="   ", member_codes=["GM1641"])
    assert not Area.objects.filter(kind="group").exists()


def test_updating_a_group_replaces_its_members(maasgouw: Organisation) -> None:
    editor = MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user
    group = group_create(actor=editor, owner=maasgouw, name="Groep", member_codes=["GM1641", "GM0957"])
    group_update(actor=editor, group=group, name="Nieuwe naam", member_codes=["GM0957", "GM0971"])
    group.refresh_from_db()
    assert group.name == "Nieuwe naam"
    assert sorted(group.members.values_list("code", flat=True)) == ["GM0957", "GM0971"]
    group_delete(actor=editor, group=group)
    assert not Area.objects.filter(code=group.code).exists()
    assert Area.objects.filter(code="GM1641").exists()


def test_official_regions_cannot_be_changed_as_groups() -> None:
    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationFailed):
        group_delete(actor=admin, group=Area.objects.get(code="RE10"))
