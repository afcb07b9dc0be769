"""A plan with priorities, indicators (on track, off track, without target), actions and partners."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ivp.plans.constants import (
    ActionStatus,
    Direction,
    IndicatorSource,
    IndicatorUnit,
    PartnerKind,
    TargetComparator,
)
from ivp.plans.models import Action, Indicator, Partner, Theme
from ivp.plans.services import indicator_value_add, item_create, item_update
from ivp.plans.tests.factories import PlanWorld, plan_world

YEAR = 2025


@dataclass
class ReportWorld(PlanWorld):
    on_track: Indicator
    off_track: Indicator
    no_target: Indicator
    priorities: list[Theme]


def report_world() -> ReportWorld:
    """Maasgouw's plan 2024-2027 with two priorities and three indicators valued in 2025:
    overlast 18.2% (path 18, on track), inbraak 40 (path 35, off track), cases 12 (no target)."""
    world = plan_world()
    plan, editor = world.plan, world.editor
    burglary = Theme.objects.get(plan=plan, code="1.3")
    undermining = Theme.objects.get(plan=plan, code="5.2")
    burglary = item_update(actor=editor, item=burglary, expected_version=burglary.version, data={
        "is_priority": True, "goals": ["Minder woninginbraken in de kernen"],
        "approach_basis": ["Buurtpreventie"], "approach_focus": ["Inbraakpreventie-avonden"]})  # fmt: skip
    undermining = item_update(actor=editor, item=undermining, expected_version=undermining.version, data={
        "is_priority": True, "goals": ["Weerbare ondernemers op de bedrijventerreinen"]})  # fmt: skip
    common = {"source": IndicatorSource.OWN, "baseline_year": 2023, "target_year": 2027}
    on_track = item_create(actor=editor, plan=plan, model=Indicator, data=common | {
        "code": "I1", "name": "Ervaren buurtoverlast", "unit": IndicatorUnit.PERCENT, "theme": burglary,
        "source": IndicatorSource.SURVEY, "baseline_value": Decimal(20), "target_comparator": TargetComparator.AT_MOST,
        "target_value": Decimal(16), "direction": Direction.DOWN, "position": 1})  # fmt: skip
    off_track = item_create(actor=editor, plan=plan, model=Indicator, data=common | {
        "code": "I2", "name": "Woninginbraken (eigen registratie)", "unit": IndicatorUnit.COUNT, "theme": burglary,
        "baseline_value": Decimal(40), "target_comparator": TargetComparator.REDUCE_BY_PCT,
        "target_value": Decimal(25), "direction": Direction.DOWN, "position": 2})  # fmt: skip
    no_target = item_create(actor=editor, plan=plan, model=Indicator, data=common | {
        "code": "I3", "name": "Signalen ondermijning", "unit": IndicatorUnit.CASES, "theme": undermining,
        "baseline_value": Decimal(8), "direction": Direction.NONE, "position": 3})  # fmt: skip
    for indicator, value in ((on_track, "18.2"), (off_track, "40"), (no_target, "12")):
        indicator_value_add(
            actor=editor, indicator=indicator, year=YEAR, value=value, source="Eigen registratie"
        )
    item_create(actor=editor, plan=plan, model=Action, data={
        "year": YEAR, "theme": burglary, "title": "Inbraakpreventie-avond in Maasbracht",
        "lead_party": "Gemeente", "timing": "Q4 2025", "status": ActionStatus.DONE})  # fmt: skip
    item_create(actor=editor, plan=plan, model=Action, data={
        "year": YEAR, "theme": undermining, "title": "Controles bedrijventerrein", "lead_party": "Politie",
        "partners": "RIEC, OM", "status": ActionStatus.DELAYED})  # fmt: skip
    item_create(actor=editor, plan=plan, model=Partner, data={
        "name": "Politie basisteam Maasland", "kind": PartnerKind.EXTERNAL, "role": "Handhaving en opsporing"})  # fmt: skip
    return ReportWorld(plan=plan, organisation=world.organisation, editor=editor, viewer=world.viewer,
                       outsider=world.outsider, on_track=on_track, off_track=off_track, no_target=no_target,
                       priorities=[burglary, undermining])  # fmt: skip
