"""Importing a plan file (docs/plan-format.md): read safely, check everything, then store at once.

`plan_import` reads the file (plan_file.py), checks every value and reference (validation.py)
and only then writes, in one transaction: on any problem a `DataFileError` lists them all (file,
line, YAML path, reason) and nothing is stored.

A plan is identified by organisation + title + period. Importing a plan that already exists is
refused unless `replace=True`: the existing plan then keeps its id and its revision history and
its content becomes exactly the file's. Safety fields, themes and indicators with the same code
are updated in place (so links to them from elsewhere, e.g. report explanations, stay valid, and
forms opened before the import get an edit conflict); partners, portfolio holders and actions
are rewritten; an indicator keeps those of its values that the file also lists, and gets the
others appended. Every import appends a `PlanRevision` of kind `import` with the full snapshot.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ivp.accounts.access import AnyUser, require_change
from ivp.core.errors import DataFileError

from .access import require_plan_change
from .constants import ChangeKind
from .models import (
    Action,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    PlanMunicipality,
    PortfolioHolder,
    SafetyField,
    Theme,
)
from .plan_file import plan_file_parse, read_limited
from .services import revision_append
from .validation import ValidPlan, plan_file_validate

EXAMPLES_DIR = "ivp/plans"
"""The example plans, relative to the data folder: loaded by `ivp setup`."""


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    replaced: bool


def plan_file_read(*, path: Path | str) -> tuple[bytes, str]:
    """The bytes of a plan file (`-` = standard input), at most MAX_FILE_BYTES, and its name."""
    name = str(path)
    if name == "-":
        return read_limited(sys.stdin.buffer, name="<stdin>"), "<stdin>"
    try:
        with Path(path).open("rb") as handle:
            return read_limited(handle, name=name), name
    except OSError as error:
        raise DataFileError.single(name, None, None, error.strerror or str(error)) from error


def plan_file_check(*, content: bytes, name: str, replace: bool = False) -> ValidPlan:
    """Parse and check a plan file without storing anything; DataFileError lists every problem."""
    return plan_file_validate(parsed=plan_file_parse(content=content, name=name), replace=replace)


def plan_import(
    *, content: bytes, name: str, actor: AnyUser | None = None, replace: bool = False
) -> ImportResult:
    """Check the plan file and store it as a new plan (or replace the same plan): all or nothing.

    `actor` None means the system (the CLI, `ivp setup`); a user needs a changing role in the
    plan's organisation (and may change the plan that is replaced).
    """
    valid = plan_file_check(content=content, name=name, replace=replace)
    return _import_valid(valid, actor=actor)


def _import_valid(valid: ValidPlan, *, actor: AnyUser | None) -> ImportResult:
    if actor is not None:
        require_change(user=actor, organisation=valid.organisation)
        if valid.existing is not None:
            require_plan_change(user=actor, plan=valid.existing)
    with transaction.atomic():
        plan = _store(valid)
        revision_append(
            plan=plan,
            actor=actor if actor is not None else AnonymousUser(),
            kind=ChangeKind.IMPORT,
            obj=None,
            changes={"file": (None, Path(valid.name).name)},
        )
    return ImportResult(plan=plan, replaced=valid.existing is not None)


def _store(valid: ValidPlan) -> Plan:
    plan = valid.existing
    if plan is None:
        plan = Plan.objects.create(organisation=valid.organisation, **valid.plan)
    else:
        Plan.objects.filter(pk=plan.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **valid.plan
        )
        plan.refresh_from_db()
        plan.plan_municipalities.all().delete()
        plan.partners.all().delete()
        plan.portfolio_holders.all().delete()
        plan.actions.all().delete()
    for position, area in enumerate(valid.municipalities):
        PlanMunicipality.objects.create(plan=plan, area=area, position=position)
    themes = _store_fields(plan, valid)
    for data in valid.partners:
        Partner.objects.create(plan=plan, **data)
    for data, codes in valid.holders:
        holder = PortfolioHolder.objects.create(plan=plan, **data)
        holder.themes.set([themes[code] for code in codes])
    _store_indicators(plan, valid, themes)
    for data, code in valid.actions:
        Action.objects.create(plan=plan, theme=themes[code] if code else None, **data)
    return plan


def _update_or_create(model: type[Any], existing: dict[str, Any], plan: Plan, data: dict[str, Any]) -> Any:
    """The item with data['code'] updated in place (version raised), or a new one."""
    item = existing.pop(data["code"], None)
    if item is None:
        return model.objects.create(plan=plan, **data)
    for key, value in data.items():
        setattr(item, key, value)
    item.version += 1
    item.save()
    return item


def _store_fields(plan: Plan, valid: ValidPlan) -> dict[str, Theme]:
    old_fields = {f.code: f for f in plan.fields.all()}
    old_themes = {t.code: t for t in plan.themes.all()}
    themes: dict[str, Theme] = {}
    for spec in valid.fields:
        field = _update_or_create(SafetyField, old_fields, plan, spec.data)
        for theme_spec in spec.themes:
            theme = _update_or_create(Theme, old_themes, plan, {**theme_spec.data, "field": field})
            themes[theme.code] = theme
    Theme.objects.filter(pk__in=[t.pk for t in old_themes.values()]).delete()
    SafetyField.objects.filter(pk__in=[f.pk for f in old_fields.values()]).delete()
    return themes


def _store_indicators(plan: Plan, valid: ValidPlan, themes: dict[str, Theme]) -> None:
    old = {i.code: i for i in plan.indicators.all()}
    for spec in valid.indicators:
        data = {**spec.data, "theme": themes[spec.theme] if spec.theme else None}
        indicator = _update_or_create(Indicator, old, plan, data)
        kept = list(indicator.values.all())
        for value in spec.values:
            same = next((v for v in kept if _value_key(v) == _value_key_of(value)), None)
            if same is not None:
                kept.remove(same)
            else:
                IndicatorValue.objects.create(indicator=indicator, **value)
        IndicatorValue.objects.filter(pk__in=[v.pk for v in kept]).delete()
    Indicator.objects.filter(pk__in=[i.pk for i in old.values()]).delete()


def _value_key(value: IndicatorValue) -> tuple[Any, ...]:
    return (value.year, value.value, value.measured_on, value.source, value.note)


def _value_key_of(data: dict[str, Any]) -> tuple[Any, ...]:
    return (data["year"], data["value"], data["measured_on"], data["source"], data["note"])


@dataclass(frozen=True)
class ExampleLoad:
    path: Path
    plan: Plan
    created: bool


def example_plans_load(*, data_dir: Path) -> list[ExampleLoad]:
    """Import the example plans of `data_dir`/ivp/plans that are not there yet (idempotent)."""
    results = []
    for path in sorted((data_dir / EXAMPLES_DIR).glob("*.yaml")):
        content, name = plan_file_read(path=path)
        valid = plan_file_check(content=content, name=name, replace=True)
        if valid.existing is not None:
            results.append(ExampleLoad(path, valid.existing, False))
        else:
            results.append(ExampleLoad(path, _import_valid(valid, actor=None).plan, True))
    return results
