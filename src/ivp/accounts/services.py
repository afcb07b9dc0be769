"""Writes on organisations, users and memberships."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.areas.constants import AreaKind
from ivp.areas.selectors import region_list
from ivp.core.errors import IvpError

from .access import AnyUser, require_manage_members
from .constants import OrganisationKind, Role
from .models import Membership, Organisation, User

DEMO_ORGANISATION = "Gemeente Maasgouw"
DEMO_NETWORK = "Veiligheidsnetwerk Limburg (demo)"


@dataclass(frozen=True)
class DemoAccount:
    """A local demo account: its roles by organisation name, and a note on whom it stands for."""

    username: str
    password: str
    roles: tuple[tuple[str, Role], ...]
    note: str | Promise = ""

    @property
    def description(self) -> str:
        """In the active language, the roles named by the model's labels: "redacteur van
        Gemeente Maasgouw, netwerkcoördinator van Veiligheidsnetwerk Limburg (demo)"."""
        parts = [
            _("%(role)s of %(organisation)s")
            % {"role": str(role.label).lower(), "organisation": organisation}
            for organisation, role in self.roles
        ]
        text = ", ".join(parts)
        return f"{text} ({self.note})" if self.note else text


DEMO_ACCOUNTS = [
    DemoAccount("demo", "demo", ((DEMO_ORGANISATION, Role.EDITOR), (DEMO_NETWORK, Role.NETWORK_COORDINATOR))),
    DemoAccount(
        "raadslid", "demo", ((DEMO_ORGANISATION, Role.VIEWER),), note=gettext_lazy("e.g. a council member")
    ),
]


@transaction.atomic
def organisations_sync_from_areas() -> int:
    """Make sure every municipality, police unit and safety region has its organisation.

    Idempotent: returns the number of organisations created.
    """
    from ivp.areas.selectors import municipality_list

    created = 0
    wanted: list[tuple[str, OrganisationKind, int]] = [
        (f"Gemeente {m.name}", OrganisationKind.MUNICIPALITY, m.pk) for m in municipality_list()
    ]
    for region in region_list(kinds=[AreaKind.POLICE_UNIT]):
        wanted.append((f"Politie eenheid {region.name}", OrganisationKind.POLICE, region.pk))
        wanted.append((f"RIEC {region.name}", OrganisationKind.RIEC, region.pk))
    for region in region_list(kinds=[AreaKind.SAFETY_REGION]):
        wanted.append((f"Veiligheidsregio {region.name}", OrganisationKind.SAFETY_REGION, region.pk))
    existing = set(Organisation.objects.values_list("name", flat=True))
    for name, kind, area_id in wanted:
        if name not in existing:
            Organisation.objects.create(name=name, slug=slugify(name), kind=kind, area_id=area_id)
            created += 1
    if "Openbaar Ministerie" not in existing:
        Organisation.objects.create(
            name="Openbaar Ministerie",
            slug="openbaar-ministerie",
            kind=OrganisationKind.PUBLIC_PROSECUTOR,
        )
        created += 1
    return created


def membership_set_unchecked(*, user: User, organisation: Organisation, role: Role) -> Membership:
    """Give a user a role in an organisation (for setup and administrators' tools)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


def membership_set(*, actor: AnyUser, user: User, organisation: Organisation, role: Role) -> Membership:
    """An organisation's administrator gives a user a role in it."""
    require_manage_members(user=actor, organisation=organisation)
    return membership_set_unchecked(user=user, organisation=organisation, role=role)


def membership_remove(*, actor: AnyUser, user: User, organisation: Organisation) -> None:
    require_manage_members(user=actor, organisation=organisation)
    Membership.objects.filter(user=user, organisation=organisation).delete()


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """Create the local demo accounts. Refused unless the settings allow demo accounts
    (the embedded default does; production never does)."""
    if not settings.IVP_DEMO_ACCOUNTS:
        raise IvpError(_("Demo accounts are not allowed with these settings."))
    from ivp.areas.selectors import area_get

    municipality = Organisation.objects.get(name=DEMO_ORGANISATION)
    network, _created = Organisation.objects.get_or_create(
        name=DEMO_NETWORK,
        defaults={
            "slug": slugify(DEMO_NETWORK),
            "kind": OrganisationKind.NETWORK,
            "area": area_get(code_or_name="RE10"),
        },
    )
    organisations = {organisation.name: organisation for organisation in (municipality, network)}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        if created:
            user.set_password(account.password)
            user.save()
        for name, role in account.roles:
            membership_set_unchecked(user=user, organisation=organisations[name], role=role)
    return DEMO_ACCOUNTS
