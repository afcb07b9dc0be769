from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ivp.accounts import access
from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation
from ivp.accounts.services import membership_remove, membership_set
from ivp.core.errors import AccessDenied

from .factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def maasgouw() -> Organisation:
    return Organisation.objects.get(name="Gemeente Maasgouw")


@pytest.mark.parametrize("role", [Role.EDITOR, Role.NETWORK_COORDINATOR, Role.ADMINISTRATOR])
def test_changing_roles_may_change_their_own_organisation(maasgouw: Organisation, role: Role) -> None:
    membership = MembershipFactory(organisation=maasgouw, role=role)
    assert access.can_change(user=membership.user, organisation=maasgouw)
    access.require_change(user=membership.user, organisation=maasgouw)


def test_viewer_may_change_nothing(maasgouw: Organisation) -> None:
    viewer = MembershipFactory(organisation=maasgouw, role=Role.VIEWER).user
    assert not access.can_change(user=viewer, organisation=maasgouw)
    assert not access.can_change_anything(user=viewer)
    with pytest.raises(AccessDenied, match="Maasgouw"):
        access.require_change(user=viewer, organisation=maasgouw)


def test_editor_may_not_change_another_organisation(maasgouw: Organisation) -> None:
    editor = MembershipFactory(role=Role.EDITOR).user
    assert access.can_change_anything(user=editor)
    assert not access.can_change(user=editor, organisation=maasgouw)


def test_anonymous_and_inactive_users_may_change_nothing(maasgouw: Organisation) -> None:
    assert not access.can_change(user=AnonymousUser(), organisation=maasgouw)
    inactive = MembershipFactory(organisation=maasgouw, role=Role.ADMINISTRATOR, user__is_active=False).user
    assert not access.can_change(user=inactive, organisation=maasgouw)


def test_superuser_may_change_every_organisation(maasgouw: Organisation) -> None:
    admin = UserFactory(is_superuser=True)
    assert access.can_change(user=admin, organisation=maasgouw)
    assert len(access.organisations_changeable_by(user=admin)) == Organisation.objects.count()


def test_only_administrators_manage_members(maasgouw: Organisation) -> None:
    editor = MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user
    admin = MembershipFactory(organisation=maasgouw, role=Role.ADMINISTRATOR).user
    newcomer = UserFactory()
    with pytest.raises(AccessDenied):
        membership_set(actor=editor, user=newcomer, organisation=maasgouw, role=Role.VIEWER)
    membership_set(actor=admin, user=newcomer, organisation=maasgouw, role=Role.VIEWER)
    assert access.role_in(user=newcomer, organisation=maasgouw) == Role.VIEWER
    membership_remove(actor=admin, user=newcomer, organisation=maasgouw)
    assert access.role_in(user=newcomer, organisation=maasgouw) is None


def test_changeable_organisations_lists_only_changing_memberships() -> None:
    user = UserFactory()
    own = MembershipFactory(user=user, role=Role.EDITOR).organisation
    MembershipFactory(user=user, role=Role.VIEWER, organisation=OrganisationFactory())
    assert access.organisations_changeable_by(user=user) == [own]
