from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.plans.access import plan_can_view
from ivp.plans.constants import Direction, IndicatorSource, IndicatorUnit, PlanStatus, TargetComparator
from ivp.plans.models import Indicator, IndicatorValue, PlanRevision, Theme
from ivp.plans.services import (
    EditConflict,
    ItemInvalid,
    indicator_value_add,
    item_create,
    item_update,
    plan_status_set,
)

from .factories import plan_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages below are matched in English (the interface default is Dutch)."""
    with translation.override("en"):
        yield


def test_a_new_plan_starts_from_the_five_kbv_fields_and_records_its_creation() -> None:
    world = plan_world()
    assert [f.code for f in world.plan.fields.all()] == ["1", "2", "3", "4", "5"]
    assert world.plan.themes.filter(code="5.2").get().name.startswith("Ondermijning")
    revision = PlanRevision.objects.get(plan=world.plan)
    assert (revision.number, revision.kind, revision.user) == (1, "create", world.editor)
    assert revision.snapshot["plan"]["municipalities"] == ["GM1641"]


def test_a_second_edit_from_a_stale_form_is_refused_and_nothing_is_overwritten() -> None:
    world = plan_world()
    theme = Theme.objects.get(plan=world.plan, code="5.2")
    opened_by_both = theme.version
    item_update(actor=world.editor, item=theme, data={"is_priority": True, "goals": ["Minder ondermijning"]},
                expected_version=opened_by_both)  # fmt: skip
    with pytest.raises(EditConflict, match="Someone else saved"):
        item_update(
            actor=world.editor, item=theme, data={"goals": ["Iets anders"]}, expected_version=opened_by_both
        )
    theme.refresh_from_db()
    assert theme.goals == ["Minder ondermijning"]
    assert theme.version == opened_by_both + 1
    last = PlanRevision.objects.filter(plan=world.plan).first()
    assert last is not None and last.changes["goals"] == [[], ["Minder ondermijning"]]


def test_viewers_and_other_municipalities_cannot_change_the_plan() -> None:
    world = plan_world()
    theme = Theme.objects.get(plan=world.plan, code="1.3")
    for user in (world.viewer, world.outsider):
        with pytest.raises(AccessDenied):
            item_update(actor=user, item=theme, data={"name": "x"}, expected_version=theme.version)
    theme.refresh_from_db()
    assert theme.name.startswith("Objectieve veiligheid")


def test_a_draft_is_private_and_an_adopted_plan_is_public_to_signed_in_users() -> None:
    world = plan_world()
    assert plan_can_view(user=world.viewer, plan=world.plan)
    assert not plan_can_view(user=world.outsider, plan=world.plan)
    plan_status_set(actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED,
                    expected_version=world.plan.version, adopted_on=__import__("datetime").date(2024, 3, 12),
                    adopted_by="gemeenteraad")  # fmt: skip
    assert plan_can_view(user=world.outsider, plan=world.plan)


def test_indicator_values_are_appended_never_overwritten_and_linked_ones_refuse_manual_values() -> None:
    world = plan_world()
    manual = item_create(actor=world.editor, plan=world.plan, model=Indicator, data={
        "code": "I1", "name": "Rapportcijfer veiligheid buurt", "source": IndicatorSource.SURVEY,
        "unit": IndicatorUnit.MARK, "baseline_value": Decimal("7.1"), "baseline_year": 2023,
        "target_comparator": TargetComparator.AT_LEAST, "target_value": Decimal("7.5"), "direction": Direction.UP,
    })  # fmt: skip
    indicator_value_add(actor=world.editor, indicator=manual, year=2024, value="7,2", source="Inwonerspanel")
    indicator_value_add(actor=world.editor, indicator=manual, year=2024, value="7.3", source="Inwonerspanel")
    assert [v.value for v in IndicatorValue.objects.filter(indicator=manual)] == [
        Decimal("7.2"),
        Decimal("7.3"),
    ]
    with pytest.raises(ValidationFailed, match="not a number"):
        indicator_value_add(actor=world.editor, indicator=manual, year=2024, value="zeven", source="x")
    linked = item_create(actor=world.editor, plan=world.plan, model=Indicator, data={
        "code": "I2", "name": "Woninginbraken", "source": IndicatorSource.POLICE, "unit": IndicatorUnit.COUNT,
        "direction": Direction.DOWN, "stats_crime_code": "1.1.1",
    })  # fmt: skip
    with pytest.raises(ValidationFailed, match="police statistics"):
        indicator_value_add(actor=world.editor, indicator=linked, year=2024, value="3", source="x")


def test_a_target_without_a_value_is_refused_with_the_reason() -> None:
    world = plan_world()
    with pytest.raises(ValidationFailed):
        item_create(actor=world.editor, plan=world.plan, model=Indicator, data={
            "code": "I9", "name": "x", "source": IndicatorSource.OWN, "unit": IndicatorUnit.COUNT,
            "direction": Direction.DOWN, "target_comparator": TargetComparator.AT_MOST,
        })  # fmt: skip
    assert not Indicator.objects.filter(plan=world.plan).exists()


def test_refusals_name_the_field_of_each_problem_and_explain_database_rules_in_words() -> None:
    world = plan_world()
    with pytest.raises(ItemInvalid) as refused:
        item_create(actor=world.editor, plan=world.plan, model=Indicator, data={
            "code": "I9", "name": "", "source": IndicatorSource.SURVEY, "unit": IndicatorUnit.MARK,
            "direction": Direction.UP, "baseline_value": Decimal("7"), "target_comparator": TargetComparator.AT_LEAST,
            "stats_crime_code": "1.1.1",
        })  # fmt: skip
    by_field = refused.value.by_field
    assert by_field["name"] == ["This field cannot be blank."]
    assert by_field["target_value"] == ["A target needs a value."]
    assert by_field["baseline_year"] == ["A target needs a baseline: give at least the baseline year."]
    assert by_field["stats_crime_code"] == [
        "Only an indicator with source police can be linked to a police crime type."
    ]
    assert "target value: A target needs a value." in refused.value.problems
    assert not any("violated" in p for p in refused.value.problems)
    with pytest.raises(ItemInvalid) as duplicate:
        item_create(actor=world.editor, plan=world.plan, model=Theme,
                    data={"field": world.plan.fields.get(code="1"), "code": "1.1", "name": "Dubbel"})  # fmt: skip
    assert duplicate.value.by_field == {"code": ["This plan already has a theme with this code."]}


def test_a_whole_plan_can_be_deleted_but_a_field_in_use_cannot() -> None:
    from ivp.plans.models import Plan, SafetyField
    from ivp.plans.services import item_delete

    world = plan_world()
    field = SafetyField.objects.get(plan=world.plan, code="5")
    with pytest.raises(ValidationFailed, match="still in use"):
        item_delete(actor=world.editor, item=field, expected_version=field.version)
    assert SafetyField.objects.filter(pk=field.pk).exists()
    world.plan.delete()
    assert not Plan.objects.filter(pk=world.plan.pk).exists()
