"""Reads of the networks API, built on `ivp.networks` and `ivp.funding` selectors.

Visibility always goes through `ivp.networks.access.networks_visible_to`: a network (or a round
of it) the user may not see is "not found", so its existence does not leak. Rounds and funding
are plain dicts shaped as the serializers in `serializers_networks.py` describe them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.core.errors import NotFoundError
from ivp.funding.constants import ROUNDING_RULE
from ivp.funding.selectors import funding_overview
from ivp.networks.access import networks_visible_to
from ivp.networks.models import Network, PriorityInput, PriorityRound
from ivp.networks.selectors import network_list, round_view


def network_list_visible(*, user: AnyUser) -> QuerySet[Network]:
    return network_list(user=user).order_by("name", "pk")


def network_get_visible(*, user: AnyUser, pk: int) -> Network:
    network = (
        network_list_visible(user=user)
        .prefetch_related(
            "members__area", "partners__organisation", "steering_group__portfolio", "expert_teams__theme",
            "expert_teams__members", "working_group", "milestones", "calendar", "rounds",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if network is None:
        raise NotFoundError(_("No network %(id)s, or you may not see it.") % {"id": pk})
    return network


def round_get_visible(*, user: AnyUser, pk: int) -> PriorityRound:
    found = (
        PriorityRound.objects.select_related("network__organisation")
        .filter(pk=pk, network__in=networks_visible_to(user=user))
        .first()
    )
    if found is None:
        raise NotFoundError(_("No priority-setting round %(id)s, or you may not see it.") % {"id": pk})
    return found


M = TypeVar("M", bound=Model)


def network_item_get_visible(*, user: AnyUser, model: type[M], pk: int, via: str = "network") -> M:
    """An item of a network the user may see (a steering group member, milestone, budget line,
    input, …): `via` is the path from the item to its network. Else "not found", as above."""
    found = (
        model._default_manager.select_related(f"{via}__organisation")
        .filter(pk=pk, **{f"{via}__in": networks_visible_to(user=user)})
        .first()
    )
    if found is None:
        raise NotFoundError(
            _("No %(kind)s %(id)s, or you may not see it.") % {"kind": model._meta.verbose_name, "id": pk}
        )
    return found


def round_detail(*, round: PriorityRound) -> dict[str, Any]:
    """A round with its criteria, the ranked candidates (tally and scores) and the selected
    (concept, then final) priorities with the districts' positions."""
    view = round_view(round=round)
    codes: dict[str, set[str]] = {}
    for member in view.members:
        for item in member.inputs:
            if item.theme is not None:
                codes.setdefault(item.theme.code, set()).add(member.member.area.code)
    return {
        "round": round,
        "member_count": len(view.members),
        "members_with_input": view.members_with_input,
        "population_total": view.population_total,
        "criteria": list(round.criteria.all()),
        "candidates": [
            {
                "rank": row.item.rank, "theme": row.theme.code, "theme_name": row.theme.name,
                "field": row.theme.field_name, "member_count": row.tally.member_count,
                "member_pct": row.tally.member_pct, "population_pct": row.tally.population_pct,
                "members": sorted(codes.get(row.theme.code, set())), "partners": row.tally.partner_names,
                "criterion_means": row.item.criterion_means, "total": row.item.total,
                "scorer_count": row.item.scorer_count, "selected": row.concept is not None,
            }
            for row in view.ranking
        ],
        "priorities": [
            {
                "rank": c.rank, "theme": c.theme.code, "theme_name": c.theme.name, "reason": c.reason,
                "final_name": c.final_name, "dropped": c.dropped, "strategic_goals": c.strategic_goals,
                "positions": [
                    {"district": p.meeting.district, "position": p.position, "remarks": p.remarks}
                    for p in c.positions.all()
                ],
            }
            for c in view.concepts
        ],
        "scores": sorted(view.scores, key=lambda s: (s.scorer_id, s.theme.position, s.criterion.position)),
        "district_meetings": list(round.district_meetings.all()),
        "adjustments": list(round.adjustments.select_related("concept__theme")),
    }  # fmt: skip


def round_input_list(*, round: PriorityRound) -> QuerySet[PriorityInput]:
    return round.inputs.select_related("area", "theme", "partner__organisation").order_by("pk")


def funding_detail(*, network: Network) -> dict[str, Any]:
    """The funding scheme with every member's contribution, the budget and its balance per year,
    in-kind co-financing and the scenarios; without a scheme only the population years."""
    overview = funding_overview(network=network)
    table = overview.table
    return {
        "network": network.pk,
        "rounding_rule": str(ROUNDING_RULE),
        "population_years": [{"year": y, "member_count": n} for y, n in overview.population_years],
        "scheme": overview.scheme,
        "contributions": None if table is None else {
            "rate_eur": table.rate_eur, "population_year": table.population_year,
            "members": [
                {"code": r.area.code, "name": r.area.name, "district": r.district, "population": r.population,
                 "amount_eur": r.amount_eur}
                for r in table.rows
            ],
            "total_population": table.total_population, "total_eur": table.total_eur,
            "exact_total_eur": table.exact_total_eur, "missing": [r.area.code for r in table.missing],
        },
        "years": [
            {"year": year, "contributions_eur": c, "planned_eur": p, "balance_eur": b}
            for year, c, p, b in zip(
                overview.years, overview.contributions, overview.planned, overview.balance, strict=True
            )
        ],
        "budget": [
            {"id": row.line_id, "name": row.name, "amounts_eur": row.amounts, "total_eur": row.total_eur}
            for row in overview.budget
        ],
        "in_kind": [
            {"partner": c.partner.organisation.name, "partner_id": c.partner_id, "fte": c.fte,
             "facilities": c.facilities, "description": c.description}
            for c in overview.in_kind
        ],
        "scenarios": [
            {"id": col.scenario_id, "name": col.name, "rate_eur": col.table.rate_eur,
             "population_year": col.table.population_year, "total_eur": col.table.total_eur,
             "period_total_eur": col.period_total_eur}
            for col in overview.columns
        ],
    }  # fmt: skip
