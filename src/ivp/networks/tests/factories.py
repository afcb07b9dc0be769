"""A network of police unit Oost-Nederland (RE02) with its coordinator and member users."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from ivp.accounts.constants import OrganisationKind, Role
from ivp.accounts.models import Organisation, User
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.selectors import area_get
from ivp.networks.models import Network
from ivp.networks.services import network_create


@dataclass
class NetworkWorld:
    network: Network
    coordinator: User
    member_editor: User  # editor of Gemeente Enschede, a member
    member_viewer: User
    outsider: User  # editor of Gemeente Maasgouw, not a member


def network_world(*, region: str = "RE02", name: str = "Veiligheidsnetwerk Oost-Nederland") -> NetworkWorld:
    organisation = Organisation.objects.create(
        name=name, slug=slugify(name), kind=OrganisationKind.NETWORK, area=area_get(code_or_name=region)
    )
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organisation=organisation, role=Role.NETWORK_COORDINATOR)
    enschede = Organisation.objects.get(kind="municipality", area__code="GM0153")
    member_editor = UserFactory()
    MembershipFactory(user=member_editor, organisation=enschede, role=Role.EDITOR)
    member_viewer = UserFactory()
    MembershipFactory(user=member_viewer, organisation=enschede, role=Role.VIEWER)
    outsider = UserFactory()
    MembershipFactory(
        user=outsider,
        organisation=Organisation.objects.get(kind="municipality", area__code="GM1641"),
        role=Role.EDITOR,
    )
    partners = [
        (Organisation.objects.get(name="Openbaar Ministerie"), "Beleid en strafrechtelijke aanpak"),
        (Organisation.objects.get(kind="riec", area__code=region), "Informatiepositie ondermijning"),
    ]
    network = network_create(
        actor=coordinator, organisation=organisation, name=name, region=area_get(code_or_name=region),
        start_year=2023, end_year=2026, partners=partners,
    )  # fmt: skip
    return NetworkWorld(network, coordinator, member_editor, member_viewer, outsider)
