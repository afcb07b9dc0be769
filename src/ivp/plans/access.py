"""Who may see and change a plan.

- A draft plan is seen by members (any role) of the organisations of its municipalities and of
  the organisation that keeps it, and by superusers.
- An adopted or superseded plan is a public document: every signed-in user may read it.
- Its members (`plan_is_member`: any role, viewers too, in those organisations; superusers) also
  see the plan's unpublished work, such as draft annual reports.
- Changing needs a changing role (editor, network coordinator, administrator) in the keeping
  organisation or in the organisation of one of the plan's municipalities (a joint plan is kept
  together); viewers never change anything (see ivp.accounts.access).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser, can_change
from ivp.accounts.models import Membership, Organisation, User
from ivp.core.errors import AccessDenied

from .constants import PlanStatus
from .models import Plan


def plan_organisations(plan: Plan) -> list[Organisation]:
    """The keeping organisation and those of the plan's municipalities."""
    area_ids = list(plan.plan_municipalities.values_list("area_id", flat=True))
    others = Organisation.objects.filter(area_id__in=area_ids, kind="municipality").exclude(
        pk=plan.organisation_id
    )
    return [plan.organisation, *others]


def plan_can_change(*, user: AnyUser, plan: Plan) -> bool:
    return any(can_change(user=user, organisation=org) for org in plan_organisations(plan))


def require_plan_change(*, user: AnyUser, plan: Plan) -> None:
    if not plan_can_change(user=user, plan=plan):
        raise AccessDenied(_("You may not change the plan %(title)s.") % {"title": plan.title})


def plans_visible_to(*, user: AnyUser) -> QuerySet[Plan]:
    public = Q(status__in=[PlanStatus.ADOPTED, PlanStatus.SUPERSEDED])
    if not (isinstance(user, User) and user.is_authenticated and user.is_active):
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    member_orgs = Organisation.objects.filter(memberships__user=user)
    mine = Q(organisation__in=member_orgs) | Q(
        plan_municipalities__area__organisations__in=member_orgs.filter(kind="municipality")
    )
    return Plan.objects.filter(public | mine).distinct()


def plan_can_view(*, user: AnyUser, plan: Plan) -> bool:
    return plans_visible_to(user=user).filter(pk=plan.pk).exists()


def require_plan_view(*, user: AnyUser, plan: Plan) -> None:
    if not plan_can_view(user=user, plan=plan):
        raise AccessDenied(_("You may not see the plan %(title)s.") % {"title": plan.title})


def plan_is_member(*, user: AnyUser, plan: Plan) -> bool:
    """Does the user hold a role (any, viewer too) in the keeping organisation or in that of one
    of the plan's municipalities? Superusers count as members. The same circle sees a draft plan
    (`plans_visible_to`), and sees unpublished work on a published plan (draft annual reports)."""
    if not (isinstance(user, User) and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    ids = [org.pk for org in plan_organisations(plan)]
    return Membership.objects.filter(user=user, organisation_id__in=ids).exists()
