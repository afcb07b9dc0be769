"""Reads on plans: finding a plan by id or title, and who sees which plan."""

from __future__ import annotations

import pytest

from ivp.core.errors import NotFoundError
from ivp.plans.constants import PlanStatus
from ivp.plans.selectors import (
    plan_actions,
    plan_fields_with_themes,
    plan_get,
    plan_indicators,
    plan_list,
    plan_other_themes,
    plan_priorities,
)
from ivp.plans.services import plan_status_set
from ivp.plans.tests.factories import plan_world

pytestmark = pytest.mark.django_db


def test_plan_get_finds_a_plan_by_id_and_by_its_title_in_any_case() -> None:
    world = plan_world()
    assert plan_get(plan=world.plan.pk) == world.plan
    assert plan_get(plan=str(world.plan.pk)) == world.plan
    assert plan_get(plan="integraal veiligheidsplan 2024-2027") == world.plan
    with pytest.raises(NotFoundError):
        plan_get(plan="Een plan dat niet bestaat")


def test_a_title_shared_by_two_plans_asks_for_the_id() -> None:
    first = plan_world().plan
    second = plan_world(code="GM0957").plan
    with pytest.raises(NotFoundError) as caught:
        plan_get(plan=first.title)
    assert str(first.pk) in str(caught.value) and str(second.pk) in str(caught.value)


def test_a_draft_is_found_only_by_members_and_the_system() -> None:
    world = plan_world()
    assert plan_get(plan=world.plan.pk, user=world.viewer) == world.plan
    with pytest.raises(NotFoundError):
        plan_get(plan=world.plan.pk, user=world.outsider)
    assert list(plan_list(user=world.outsider)) == []
    assert list(plan_list(user=None)) == [world.plan]


def test_an_adopted_plan_is_listed_for_every_signed_in_user() -> None:
    world = plan_world()
    plan_status_set(
        actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED, expected_version=world.plan.version,
        adopted_on=world.plan.created_at.date(),
    )  # fmt: skip
    assert [p.pk for p in plan_list(user=world.outsider)] == [world.plan.pk]
    assert plan_get(plan=world.plan.pk, user=world.outsider) == world.plan


def test_the_parts_of_a_plan_come_in_the_plans_order() -> None:
    plan = plan_world().plan
    fields = plan_fields_with_themes(plan=plan)
    assert [f.field.code for f in fields] == ["1", "2", "3", "4", "5"]
    assert [t.code for t in fields[0].themes] == ["1.1", "1.2", "1.3", "1.4"]
    assert plan_priorities(plan=plan) == [] and len(plan_other_themes(plan=plan)) == 22
    assert plan_indicators(plan=plan) == [] and plan_actions(plan=plan, year=2025) == []
