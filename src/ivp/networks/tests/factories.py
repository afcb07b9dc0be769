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


@dataclass
class LimburgWorld:
    """Police unit Limburg (RE10, 31 municipalities) as a network, the bundled example plans
    (Maasgouw; Sittard-Geleen, Beek and Stein together) loaded, a coordinator, the editor of
    Maastricht (a member without a plan in ivp) and the editor of Maasgouw."""

    network: Network
    coordinator: User
    maastricht_editor: User
    maasgouw_editor: User


def limburg_world() -> LimburgWorld:
    from django.conf import settings

    from ivp.plans.importing import example_plans_load

    example_plans_load(data_dir=settings.DATA_DIR)
    name = "Veiligheidsnetwerk Limburg (test)"
    region = area_get(code_or_name="RE10")
    organisation = Organisation.objects.create(
        name=name, slug=slugify(name), kind=OrganisationKind.NETWORK, area=region
    )
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organisation=organisation, role=Role.NETWORK_COORDINATOR)
    editors = []
    for code in ("GM0935", "GM1641"):
        editor = UserFactory()
        MembershipFactory(
            user=editor,
            organisation=Organisation.objects.get(kind="municipality", area__code=code),
            role=Role.EDITOR,
        )
        editors.append(editor)
    partners = [
        (Organisation.objects.get(name="Openbaar Ministerie"), "Beleidsplan OM"),
        (Organisation.objects.get(kind="riec", area=region), "Fenomeenanalyses"),
    ]
    network = network_create(actor=coordinator, organisation=organisation, name=name, region=region,
                             start_year=2025, end_year=2028, partners=partners)  # fmt: skip
    for member in network.members.select_related("area"):
        member.district = "Noord" if member.area.code in NORTH else "Zuid"
        member.save(update_fields=["district"])
    return LimburgWorld(network, coordinator, editors[0], editors[1])


NORTH = {"GM0889", "GM0893", "GM0907", "GM0944", "GM0946", "GM0957", "GM0983", "GM0984", "GM0988",
         "GM1507", "GM1640", "GM1641", "GM1669", "GM1711", "GM1894"}  # fmt: skip
