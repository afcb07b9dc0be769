"""Writes on networks: creating a network from a region, members and partners."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser, require_change
from ivp.accounts.models import Organisation
from ivp.areas.models import Area
from ivp.areas.selectors import region_members
from ivp.core.errors import ValidationFailed

from .audit import network_audit
from .models import Network, NetworkMember, NetworkPartner


@transaction.atomic
def network_create(
    *,
    actor: AnyUser,
    organisation: Organisation,
    name: str,
    region: Area,
    start_year: int,
    end_year: int,
    partners: list[tuple[Organisation, str]] | None = None,
    max_priorities: int = 7,
) -> Network:
    """A network whose members are the municipalities of `region` (a police unit, a group, ...)."""
    require_change(user=actor, organisation=organisation)
    if organisation.kind != "network":
        raise ValidationFailed([_("A network is kept by an organisation of the kind 'safety network'.")])
    if region.is_municipality:
        raise ValidationFailed([_("The members are taken from a region or group, not a municipality.")])
    if end_year < start_year:
        raise ValidationFailed([_("The last year comes before the first year.")])
    network = Network.objects.create(
        organisation=organisation,
        name=name,
        region=region,
        start_year=start_year,
        end_year=end_year,
        max_priorities=max_priorities,
    )
    rows = region_members(region=region).rows
    NetworkMember.objects.bulk_create(NetworkMember(network=network, area=row.area) for row in rows)
    for partner, role in partners or []:
        NetworkPartner.objects.create(network=network, organisation=partner, role=role)
    network_audit(actor=actor, network=network, action="created", object_type="network", obj=network,
                  summary=f"{region.name}, {start_year}-{end_year}, {len(rows)}")  # fmt: skip
    return network
