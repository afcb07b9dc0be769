"""Reads the API needs that other apps do not offer as such, built on their selectors.

Visibility of plans and their items always goes through `ivp.plans.access.plans_visible_to`: an
item of a plan the user may not see is "not found", so its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.areas.constants import AreaKind
from ivp.areas.models import Area, Population
from ivp.areas.selectors import area_by_code, area_regions, municipality_list, population_history, region_list
from ivp.core.errors import NotFoundError
from ivp.plans.access import plans_visible_to
from ivp.plans.models import Action, Indicator, IndicatorValue, Plan, PlanItem, PortfolioHolder, Theme
from ivp.reports.constants import ReportStatus
from ivp.reports.models import AnnualReport
from ivp.reports.selectors import annual_report_get
from ivp.stats.models import CrimeType
from ivp.stats.periods import Grain, Period

from .models import ApiToken

Item = TypeVar("Item", bound=PlanItem)
GRAIN_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}


# --- areas ----------------------------------------------------------------------------------


def area_list(*, kind: str | None = None, region: Area | None = None) -> QuerySet[Area]:
    """Areas, optionally of one kind and/or within one region (its member municipalities)."""
    if region is not None:
        queryset = municipality_list(region=region)
        return queryset if kind in (None, AreaKind.MUNICIPALITY) else queryset.none()
    if kind == AreaKind.MUNICIPALITY:
        return municipality_list()
    if kind:
        return region_list(kinds=[kind]).order_by("kind", "name")
    return Area.objects.select_related("owner").order_by("kind", "name")


@dataclass(frozen=True)
class AreaDetail:
    area: Area
    regions: list[Area]  # of a municipality
    members: list[Area]  # of a region
    population: list[Population]


def area_detail_get(*, code: str) -> AreaDetail:
    """An area by code with its regions (a municipality) or members (a region) and population."""
    area = area_by_code(code=code)
    if area is None:
        raise NotFoundError(_("No area '%(code)s'.") % {"code": code})
    municipality = area.is_municipality
    return AreaDetail(
        area=area,
        regions=area_regions(area=area) if municipality else [],
        members=[] if municipality else list(municipality_list(region=area)),
        population=population_history(area=area),
    )


# --- statistics -----------------------------------------------------------------------------


def crime_type_list(*, classification: str | None = None) -> QuerySet[CrimeType]:
    """Crime and nuisance types in the order of their classification's tree (`parent_code`)."""
    queryset = CrimeType.objects.all()
    if classification:
        queryset = queryset.filter(classification=classification)
    return queryset.order_by("classification", "sort_order", "code")


def period_count(*, first: Period, last: Period, grain: Grain) -> int:
    """How many whole periods of `grain` lie between two months, without listing them (so a
    request over centuries is counted, and refused, at once)."""
    start = first.year * 12 + first.number - 1
    end = last.year * 12 + last.number - 1
    size = GRAIN_MONTHS[grain]
    return max(0, (end + 1) // size - (start + size - 1) // size)


# --- plans ----------------------------------------------------------------------------------


def plan_list(*, user: AnyUser, status: str | None = None) -> QuerySet[Plan]:
    queryset = plans_visible_to(user=user).select_related("organisation")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.prefetch_related("plan_municipalities__area").order_by("-start_year", "title", "pk")


def _values() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.select_related("entered_by").order_by("year", "entered_at", "pk")


def plan_get(*, user: AnyUser, pk: int) -> Plan:
    plan = (
        plan_list(user=user)
        .prefetch_related(
            "fields",
            Prefetch("themes", queryset=Theme.objects.select_related("field", "municipality")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("theme", "municipality").prefetch_related(
                    Prefetch("values", queryset=_values())
                ),
            ),
            "partners",
            Prefetch("portfolio_holders", queryset=PortfolioHolder.objects.prefetch_related("themes")),
            Prefetch("actions", queryset=Action.objects.select_related("theme")),
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise NotFoundError(_("No plan %(id)s, or you may not see it.") % {"id": pk})
    return plan


def plan_visible_get(*, user: AnyUser, pk: int) -> Plan:
    """A plan the user may see, without its items (for a write)."""
    plan = plans_visible_to(user=user).select_related("organisation").filter(pk=pk).first()
    if plan is None:
        raise NotFoundError(_("No plan %(id)s, or you may not see it.") % {"id": pk})
    return plan


def plan_item_get(*, user: AnyUser, model: type[Item], pk: int, related: tuple[str, ...] = ()) -> Item:
    """An item (safety field, partner, portfolio holder, action, …) of a plan the user may see."""
    queryset = model._default_manager.select_related("plan", *related)
    if model is PortfolioHolder:
        queryset = queryset.prefetch_related("themes")
    item = queryset.filter(pk=pk, plan__in=plans_visible_to(user=user)).first()
    if item is None:
        raise NotFoundError(
            _("No %(kind)s %(id)s, or you may not see it.") % {"kind": model._meta.verbose_name, "id": pk}
        )
    return item


def plan_item_count(*, plan: Plan, model: type[PlanItem]) -> int:
    """How many items of a kind the plan has (a new one goes after them)."""
    return int(model._default_manager.filter(**{"plan": plan}).count())


def theme_get(*, user: AnyUser, pk: int) -> Theme:
    theme = (
        Theme.objects.select_related("plan", "field", "municipality")
        .filter(pk=pk, plan__in=plans_visible_to(user=user))
        .first()
    )
    if theme is None:
        raise NotFoundError(_("No theme %(id)s, or you may not see it.") % {"id": pk})
    return theme


def indicator_get(*, user: AnyUser, pk: int) -> Indicator:
    indicator = (
        Indicator.objects.select_related("plan", "theme", "municipality")
        .prefetch_related(Prefetch("values", queryset=_values()))
        .filter(pk=pk, plan__in=plans_visible_to(user=user))
        .first()
    )
    if indicator is None:
        raise NotFoundError(_("No indicator %(id)s, or you may not see it.") % {"id": pk})
    return indicator


def indicator_value_list(*, indicator: Indicator) -> QuerySet[IndicatorValue]:
    return _values().filter(indicator=indicator)


# --- annual reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportYear:
    """A year of a plan and the state of its annual report (None: not started, a draft)."""

    year: int
    report: AnnualReport | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else ReportStatus.DRAFT

    @property
    def edition(self) -> int:
        return self.report.edition if self.report else 0

    @property
    def finalised_at(self) -> dt.datetime | None:
        return self.report.finalised_at if self.report else None

    @property
    def version(self) -> int:
        return self.report.version if self.report else 0


def report_year_list(*, plan: Plan) -> list[ReportYear]:
    """Every year of the plan with its report, if one was started."""
    return [
        ReportYear(year=year, report=annual_report_get(plan=plan, year=year))
        for year in range(plan.start_year, plan.end_year + 1)
    ]


# --- tokens ---------------------------------------------------------------------------------


def token_for(*, user: AnyUser) -> ApiToken | None:
    """The user's API token (its prefix and dates; the key itself is never stored)."""
    if not user.is_authenticated:
        return None
    return ApiToken.objects.filter(user_id=user.pk).first()
