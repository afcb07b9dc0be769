"""Factories for plans: a municipal plan of Maasgouw with its editor, viewer and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation, User
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.selectors import area_get
from ivp.plans.models import Plan
from ivp.plans.services import plan_create


@dataclass
class PlanWorld:
    plan: Plan
    organisation: Organisation
    editor: User
    viewer: User
    outsider: User


def municipality_organisation(code: str) -> Organisation:
    return Organisation.objects.get(kind="municipality", area__code=code)


def plan_world(*, code: str = "GM1641", title: str = "Integraal Veiligheidsplan 2024-2027") -> PlanWorld:
    """A draft plan from the KBV catalogue for one municipality, with users around it."""
    organisation = municipality_organisation(code)
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation, role=Role.EDITOR)
    viewer = UserFactory()
    MembershipFactory(user=viewer, organisation=organisation, role=Role.VIEWER)
    outsider = UserFactory()
    MembershipFactory(user=outsider, organisation=municipality_organisation("GM0363"), role=Role.EDITOR)
    plan = plan_create(
        actor=editor,
        organisation=organisation,
        title=title,
        start_year=2024,
        end_year=2027,
        municipalities=[area_get(code_or_name=code)],
    )
    return PlanWorld(plan=plan, organisation=organisation, editor=editor, viewer=viewer, outsider=outsider)
