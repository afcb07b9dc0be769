"""Access rules: the one place that decides who may change what.

Every service that writes calls `require_change`; views and the CLI never decide on their own.
The rules:
- a superuser (system administrator) may change everything;
- any other user may change only what belongs to an organisation in which they hold a
  changing role (editor, network coordinator or administrator);
- a viewer never changes anything;
- only an organisation's administrators (and superusers) manage its memberships.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from ivp.core.errors import AccessDenied

from .constants import CHANGING_ROLES, Role
from .models import Membership, Organisation, User

AnyUser = User | AbstractBaseUser | AnonymousUser


def _as_user(user: AnyUser) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def role_in(*, user: AnyUser, organisation: Organisation) -> Role | None:
    """The user's role in the organisation, or None."""
    real = _as_user(user)
    if real is None:
        return None
    role = (
        Membership.objects.filter(user=real, organisation=organisation).values_list("role", flat=True).first()
    )
    return Role(role) if role else None


def can_change(*, user: AnyUser, organisation: Organisation | None) -> bool:
    """May the user change things that belong to this organisation?"""
    real = _as_user(user)
    if real is None:
        return False
    if real.is_superuser:
        return True
    if organisation is None:
        return False
    return role_in(user=real, organisation=organisation) in CHANGING_ROLES


def can_change_anything(*, user: AnyUser) -> bool:
    """Does the user hold a changing role anywhere? (False for viewers and anonymous users.)"""
    real = _as_user(user)
    if real is None:
        return False
    return real.is_superuser or Membership.objects.filter(user=real, role__in=CHANGING_ROLES).exists()


def can_manage_members(*, user: AnyUser, organisation: Organisation) -> bool:
    real = _as_user(user)
    if real is None:
        return False
    return real.is_superuser or role_in(user=real, organisation=organisation) == Role.ADMINISTRATOR


def require_change(*, user: AnyUser, organisation: Organisation | None) -> None:
    """Raise AccessDenied unless the user may change what belongs to the organisation."""
    if not can_change(user=user, organisation=organisation):
        name = organisation.name if organisation else _("no organisation")
        raise AccessDenied(_("You may not make changes for %(organisation)s.") % {"organisation": name})


def require_manage_members(*, user: AnyUser, organisation: Organisation) -> None:
    if not can_manage_members(user=user, organisation=organisation):
        raise AccessDenied(
            _("Only administrators of %(organisation)s manage its members.")
            % {"organisation": organisation.name}
        )


def organisations_changeable_by(*, user: AnyUser) -> list[Organisation]:
    """The organisations for which the user may change things (all of them for superusers)."""
    real = _as_user(user)
    if real is None:
        return []
    if real.is_superuser:
        return list(Organisation.objects.order_by("name"))
    return list(
        Organisation.objects.filter(memberships__user=real, memberships__role__in=CHANGING_ROLES)
        .distinct()
        .order_by("name")
    )
