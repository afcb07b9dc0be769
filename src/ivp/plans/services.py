"""Writes on plans: every change checks access, refuses stale edits, and appends a revision.

Optimistic locking: each item has a `version`. `item_update` and `item_delete` take the version
the user's form was opened with; if someone else saved the item since, `EditConflict` is raised
and nothing is written. Every successful change raises the plan's `revision` and appends a
`PlanRevision` with the change and a snapshot of the whole plan (see serialization.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.accounts.access import AnyUser, require_change
from ivp.accounts.models import Organisation, User
from ivp.areas.models import Area
from ivp.core.errors import IvpError, ValidationFailed

from .access import require_plan_change
from .constants import KBV_CATALOGUE, ChangeKind, PlanStatus
from .models import (
    Action,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    PlanItem,
    PlanMunicipality,
    PlanRevision,
    PortfolioHolder,
    SafetyField,
    Theme,
)
from .serialization import plan_to_dict

Item = TypeVar("Item", bound=models.Model)
EDITABLE_ITEMS: tuple[type[PlanItem], ...] = (SafetyField, Theme, Partner, PortfolioHolder, Indicator, Action)


class EditConflict(IvpError):
    """Someone else changed the item after the user opened it; nothing was written."""


class ItemInvalid(ValidationFailed):
    """ValidationFailed that also tells which field each problem is about, so that a form can
    show it next to the field. `by_field` maps a model field name (or "__all__") to messages."""

    def __init__(self, problems: list[str], by_field: dict[str, list[str]]) -> None:
        super().__init__(problems)
        self.by_field = by_field


# Readable reasons for the database rules, shown instead of "constraint X is violated":
# constraint name -> (field the problem belongs to, message).
CONSTRAINT_PROBLEMS: dict[str, tuple[str, Any]] = {
    "plan_end_not_before_start": ("end_year", gettext_lazy("The last year cannot be before the first year.")),
    "plan_at_most_ten_years": ("end_year", gettext_lazy("A plan covers at most ten years.")),
    "plan_start_year_plausible": ("start_year", gettext_lazy("Give a year between 2000 and 2100.")),
    "plan_adopted_has_date": ("adopted_on", gettext_lazy("An adopted plan needs the date of adoption.")),
    "safetyfield_unique_code": ("code", gettext_lazy("This plan already has a safety field with this code.")),
    "theme_unique_code": ("code", gettext_lazy("This plan already has a theme with this code.")),
    "partner_unique_name": ("name", gettext_lazy("This plan already has a partner with this name.")),
    "portfolioholder_unique_name": (
        "name",
        gettext_lazy("This plan already has a portfolio holder with this name."),
    ),
    "indicator_unique_code": ("code", gettext_lazy("This plan already has an indicator with this code.")),
    "indicator_target_has_value": ("target_value", gettext_lazy("A target needs a value.")),
    "indicator_target_needs_baseline_year": (
        "baseline_year",
        gettext_lazy("A target needs a baseline: give at least the baseline year."),
    ),
    "indicator_baseline_has_year": ("baseline_year", gettext_lazy("A baseline value needs its year.")),
    "indicator_linked_only_police": (
        "stats_crime_code",
        gettext_lazy("Only an indicator with source police can be linked to a police crime type."),
    ),
    "indicatorvalue_year_plausible": ("year", gettext_lazy("Give a year between 2000 and 2100.")),
    "action_year_plausible": ("year", gettext_lazy("Give a year between 2000 and 2100.")),
}


def _user(actor: AnyUser) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def revision_append(
    *,
    plan: Plan,
    actor: AnyUser,
    kind: ChangeKind,
    obj: models.Model | None,
    changes: dict[str, Any] | None = None,
) -> PlanRevision:
    """Raise the plan's revision and append who changed what, with the plan as it is now."""
    Plan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)
    plan.refresh_from_db(fields=["revision"])
    return PlanRevision.objects.create(
        plan=plan,
        number=plan.revision,
        kind=kind,
        object_type=(obj._meta.model_name or "") if obj is not None else "plan",
        object_id=obj.pk if obj is not None else plan.pk,
        object_label=str(obj if obj is not None else plan)[:300],
        changes={k: [_json_value(a), _json_value(b)] for k, (a, b) in (changes or {}).items()},
        snapshot=plan_to_dict(plan),
        user=_user(actor),
    )


def _label(obj: models.Model, field: str) -> str:
    try:
        return str(getattr(obj._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:
        return field


def _full_clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    """Validate fields and database rules; raise ItemInvalid naming the field of each problem."""
    by_field: dict[str, list[str]] = {}
    try:
        obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            by_field.setdefault(field, []).extend(messages)
    for constraint in obj._meta.constraints:
        try:
            constraint.validate(type(obj), obj, exclude=set(exclude or []) | set(by_field))  # type: ignore[attr-defined]
        except ValidationError as error:
            field, message = CONSTRAINT_PROBLEMS.get(constraint.name, ("__all__", None))
            messages = [str(message)] if message is not None else list(error.messages)
            by_field.setdefault(field, []).extend(messages)
    if by_field:
        problems = [
            m if field == "__all__" else f"{_label(obj, field)}: {m}"
            for field, messages in by_field.items()
            for m in messages
        ]
        raise ItemInvalid(problems, by_field)


@transaction.atomic
def plan_create(
    *,
    actor: AnyUser,
    organisation: Organisation,
    title: str,
    start_year: int,
    end_year: int,
    municipalities: list[Area],
    with_catalogue: bool = True,
) -> Plan:
    """A new draft plan, by default with the five KBV safety fields and their themes."""
    require_change(user=actor, organisation=organisation)
    problems = []
    if not municipalities:
        problems.append(_("A plan needs at least one municipality."))
    if any(not a.is_municipality for a in municipalities):
        problems.append(_("Only municipalities can take part in a plan."))
    if problems:
        raise ItemInvalid(problems, {"municipalities": problems})
    plan = Plan(organisation=organisation, title=title, start_year=start_year, end_year=end_year)
    _full_clean(plan)
    plan.save()
    for position, area in enumerate(municipalities):
        PlanMunicipality.objects.create(plan=plan, area=area, position=position)
    if with_catalogue:
        for f_pos, (code, name, themes) in enumerate(KBV_CATALOGUE):
            field = SafetyField.objects.create(plan=plan, code=code, name=name, position=f_pos)
            for t_pos, (t_code, t_name) in enumerate(themes):
                Theme.objects.create(plan=plan, field=field, code=t_code, name=t_name, position=t_pos)
    revision_append(plan=plan, actor=actor, kind=ChangeKind.CREATE, obj=None)
    return plan


def _plan_of(item: models.Model) -> Plan:
    if isinstance(item, Plan):
        return item
    plan = getattr(item, "plan", None)
    if plan is None and isinstance(item, IndicatorValue):
        plan = item.indicator.plan
    if not isinstance(plan, Plan):
        raise IvpError(f"{item!r} does not belong to a plan.")
    return plan


@transaction.atomic
def item_create(*, actor: AnyUser, plan: Plan, model: type[Item], data: dict[str, Any]) -> Item:
    """Add an item (a field, theme, partner, portfolio holder, indicator or action) to a plan."""
    require_plan_change(user=actor, plan=plan)
    m2m = {k: data.pop(k) for k in list(data) if k == "themes"}
    item = model(plan=plan, **data)
    _full_clean(item)
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    revision_append(plan=plan, actor=actor, kind=ChangeKind.CREATE, obj=item)
    return item


@transaction.atomic
def item_update(*, actor: AnyUser, item: Item, data: dict[str, Any], expected_version: int) -> Item:
    """Change fields of a plan or one of its items, refusing a stale edit (EditConflict)."""
    plan = _plan_of(item)
    require_plan_change(user=actor, plan=plan)
    model = type(item)
    claimed = model._default_manager.filter(pk=item.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = model._default_manager.filter(pk=item.pk).first()
        if current is None:
            raise EditConflict(_("This item was deleted by someone else in the meantime."))
        raise EditConflict(
            _(
                "Someone else saved “%(item)s” after you opened it. Your changes were not saved: "
                "reload the page to see their version and make your changes again."
            )
            % {"item": current}
        )
    fresh = model._default_manager.get(pk=item.pk)
    m2m = {k: data.pop(k) for k in list(data) if k == "themes"}
    changes: dict[str, Any] = {}
    for name, value in data.items():
        old = getattr(fresh, name)
        if old != value:
            changes[name] = (old, value)
        setattr(fresh, name, value)
    for name, values in m2m.items():
        old_set = sorted(str(t) for t in getattr(fresh, name).all())
        new_set = sorted(str(t) for t in values)
        if old_set != new_set:
            changes[name] = (old_set, new_set)
    _full_clean(fresh)
    fresh.save()
    for name, values in m2m.items():
        getattr(fresh, name).set(values)
    revision_append(plan=plan if not isinstance(fresh, Plan) else fresh, actor=actor, kind=ChangeKind.UPDATE,
                    obj=None if isinstance(fresh, Plan) else fresh, changes=changes)  # fmt: skip
    return fresh


@transaction.atomic
def item_delete(*, actor: AnyUser, item: models.Model, expected_version: int) -> None:
    plan = _plan_of(item)
    require_plan_change(user=actor, plan=plan)
    model = type(item)
    if not model._default_manager.filter(pk=item.pk, version=expected_version).exists():
        raise EditConflict(
            _("Someone else changed or deleted “%(item)s” after you opened it; nothing was deleted.")
            % {"item": item}
        )
    label = str(item)
    try:
        item.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        raise ValidationFailed(
            [
                _("“%(item)s” is still in use (e.g. by themes of this field) and cannot be deleted.")
                % {"item": label}
            ]
        ) from error
    revision_append(
        plan=plan, actor=actor, kind=ChangeKind.DELETE, obj=None, changes={"deleted": (label, None)}
    )


def _decimal(value: Any, label: str) -> Decimal:
    try:
        result = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ValidationFailed(
            [_("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": value}]
        ) from error
    if not result.is_finite():
        raise ValidationFailed(
            [_("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": value}]
        )
    return result


@transaction.atomic
def indicator_value_add(
    *,
    actor: AnyUser,
    indicator: Indicator,
    year: int,
    value: Decimal | str | float,
    source: str,
    measured_on: dt.date | None = None,
    note: str = "",
) -> IndicatorValue:
    """Append a value entered by hand. Earlier values for the year stay (the latest counts)."""
    plan = indicator.plan
    require_plan_change(user=actor, plan=plan)
    if indicator.is_linked:
        raise ValidationFailed(
            [_("“%(indicator)s” takes its values from the police statistics; they are not entered by hand.")
             % {"indicator": indicator.name}]
        )  # fmt: skip
    entry = IndicatorValue(
        indicator=indicator,
        year=year,
        value=_decimal(value, _("value")),
        source=source,
        measured_on=measured_on,
        note=note,
        entered_by=_user(actor),
    )
    _full_clean(entry, exclude=["entered_by"])
    entry.save()
    revision_append(
        plan=plan, actor=actor, kind=ChangeKind.CREATE, obj=indicator,
        changes={f"value {year}": (None, str(entry.value))},
    )  # fmt: skip
    return entry


@transaction.atomic
def plan_status_set(
    *,
    actor: AnyUser,
    plan: Plan,
    status: PlanStatus,
    expected_version: int,
    adopted_on: dt.date | None = None,
    adopted_by: str = "",
    other_changes: dict[str, Any] | None = None,
) -> Plan:
    """Adopt a plan (with date and body), supersede it, or set it back to draft; `other_changes`
    (title, years, vision, budget notes) are saved in the same edit."""
    data: dict[str, Any] = {**(other_changes or {}), "status": status}
    if status == PlanStatus.ADOPTED:
        if adopted_on is None:
            message = _("An adopted plan needs the date of adoption.")
            raise ItemInvalid([message], {"adopted_on": [message]})
        data |= {"adopted_on": adopted_on, "adopted_by": adopted_by}
    elif status == PlanStatus.DRAFT:
        data |= {"adopted_on": None, "adopted_by": ""}
    return item_update(actor=actor, item=plan, data=data, expected_version=expected_version)
