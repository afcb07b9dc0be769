"""Reads on plans: find a plan, list the plans a user may see, and the parts of one plan.

`user=None` means the system (the CLI): it sees every plan. With a user, `plans_visible_to` /
`require_plan_view` decide (drafts only for members of the plan's organisations).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.core.errors import NotFoundError

from .access import plans_visible_to, require_plan_view
from .models import Action, Indicator, Partner, Plan, PlanMunicipality, SafetyField, Theme


def plan_list(*, user: AnyUser | None = None) -> QuerySet[Plan]:
    """The plans the user may see (every plan for the system), newest period first, with their
    organisation, municipalities and number of indicators."""
    plans = Plan.objects.all() if user is None else plans_visible_to(user=user)
    return (
        plans.select_related("organisation")
        .prefetch_related(
            Prefetch("plan_municipalities", queryset=PlanMunicipality.objects.select_related("area"))
        )
        .annotate(indicator_count=Count("indicators", distinct=True))
        .order_by("-start_year", "title", "pk")
    )


def plan_get(*, plan: int | str, user: AnyUser | None = None) -> Plan:
    """A plan by id, or by its exact title (case-insensitive) when that is unique.

    Raises NotFoundError (also for a plan the user may not see: AccessDenied would tell that it
    exists) or, for a title shared by several plans, NotFoundError listing their ids.
    """
    text = str(plan).strip()
    candidates = Plan.objects.select_related("organisation")
    if text.isdigit():
        found = list(candidates.filter(pk=int(text)))
    else:
        found = list(candidates.filter(title__iexact=text).order_by("pk"))
    if user is not None:
        visible = set(
            plans_visible_to(user=user).filter(pk__in=[p.pk for p in found]).values_list("pk", flat=True)
        )
        found = [p for p in found if p.pk in visible]
    if not found:
        raise NotFoundError(_("No plan '%(plan)s'. See `ivp plan list`.") % {"plan": text})
    if len(found) > 1:
        options = ", ".join(f"{p.pk} ({p})" for p in found)
        raise NotFoundError(
            _("'%(plan)s' is the title of several plans: %(options)s. Use the id.")
            % {"plan": text, "options": options}
        )
    if user is not None:
        require_plan_view(user=user, plan=found[0])
    return found[0]


def plan_municipality_codes(*, plan: Plan) -> list[str]:
    return [link.area.code for link in plan.plan_municipalities.select_related("area")]


@dataclass(frozen=True)
class FieldThemes:
    field: SafetyField
    themes: list[Theme]


def plan_fields_with_themes(*, plan: Plan) -> list[FieldThemes]:
    """Each safety field of the plan with its themes, in the plan's order."""
    themes = list(plan.themes.select_related("municipality").order_by("position", "code"))
    return [FieldThemes(field=f, themes=[t for t in themes if t.field_id == f.pk]) for f in plan.fields.all()]


def plan_priorities(*, plan: Plan) -> list[Theme]:
    """The priorities (themes with extra attention), with field and local municipality."""
    return list(
        plan.themes.filter(is_priority=True)
        .select_related("field", "municipality")
        .prefetch_related("portfolio_holders")
        .order_by("field__position", "position", "code")
    )


def plan_other_themes(*, plan: Plan) -> list[Theme]:
    """The themes of continued policy (not priorities)."""
    return list(
        plan.themes.filter(is_priority=False)
        .select_related("field", "municipality")
        .order_by("field__position", "position", "code")
    )


def plan_indicators(*, plan: Plan, theme: Theme | None = None) -> list[Indicator]:
    """The indicators (optionally of one theme) with theme, municipality and entered values."""
    indicators = plan.indicators.select_related("theme", "municipality").prefetch_related("values")
    if theme is not None:
        indicators = indicators.filter(theme=theme)
    return list(indicators)


def plan_actions(*, plan: Plan, year: int | None = None) -> list[Action]:
    """The actions of the implementation plan (of one year), with their theme."""
    actions = plan.actions.select_related("theme")
    if year is not None:
        actions = actions.filter(year=year)
    return list(actions)


def plan_action_years(*, plan: Plan) -> list[int]:
    """The years that have an implementation plan (actions)."""
    return sorted(set(plan.actions.values_list("year", flat=True)))


def plan_partners(*, plan: Plan, kind: str | None = None) -> list[Partner]:
    partners = plan.partners.all()
    if kind is not None:
        partners = partners.filter(kind=kind)
    return list(partners)
