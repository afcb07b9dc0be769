"""Who may see and change what in a network.

- The network's coordinators (a changing role in the network's organisation) and superusers
  manage the network: members, governance, rounds, selections, funding, bulletins.
- Anyone with a role in the network's organisation, in a member municipality's organisation or
  in a partner organisation sees the network.
- A member's coordinator (a changing role in that municipality's organisation) changes only that
  municipality's own inputs (its local priorities, its positions in a consultation round).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser, can_change
from ivp.accounts.models import Organisation, User
from ivp.areas.models import Area
from ivp.core.errors import AccessDenied

from .models import Network


def _real(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated and user.is_active else None


def networks_visible_to(*, user: AnyUser) -> QuerySet[Network]:
    real = _real(user)
    if real is None:
        return Network.objects.none()
    if real.is_superuser:
        return Network.objects.all()
    orgs = Organisation.objects.filter(memberships__user=real)
    return Network.objects.filter(
        Q(organisation__in=orgs)
        | Q(members__area__organisations__in=orgs.filter(kind="municipality"))
        | Q(partners__organisation__in=orgs)
    ).distinct()


def network_can_view(*, user: AnyUser, network: Network) -> bool:
    return networks_visible_to(user=user).filter(pk=network.pk).exists()


def require_network_view(*, user: AnyUser, network: Network) -> None:
    if not network_can_view(user=user, network=network):
        raise AccessDenied(_("You may not see the network %(name)s.") % {"name": network.name})


def network_can_manage(*, user: AnyUser, network: Network) -> bool:
    return can_change(user=user, organisation=network.organisation)


def require_network_manage(*, user: AnyUser, network: Network) -> None:
    if not network_can_manage(user=user, network=network):
        raise AccessDenied(
            _("Only the coordinators of %(name)s may change the network.") % {"name": network.name}
        )


def member_organisation(*, area: Area) -> Organisation | None:
    return Organisation.objects.filter(kind="municipality", area=area).first()


def member_can_edit_inputs(*, user: AnyUser, network: Network, area: Area) -> bool:
    """May the user change this member municipality's own inputs in the network?"""
    if network_can_manage(user=user, network=network):
        return True
    if not network.members.filter(area=area).exists():
        return False
    return can_change(user=user, organisation=member_organisation(area=area))


def require_member_inputs(*, user: AnyUser, network: Network, area: Area) -> None:
    if not member_can_edit_inputs(user=user, network=network, area=area):
        raise AccessDenied(
            _("You may change only the inputs of your own municipality, not those of %(name)s.")
            % {"name": area.name}
        )
