"""Reads on networks: the networks a user sees, members with their plans, the round with its
tally and ranked list, and the network dashboard.

`user=None` means the system (CLI, setup): it sees every network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.areas.models import Area
from ivp.areas.selectors import area_by_code, population_latest_by_area
from ivp.core.errors import NotFoundError
from ivp.plans.models import Plan
from ivp.plans.selectors import plan_list

from .access import networks_visible_to, require_network_view
from .constants import InputSource
from .models import (
    CatalogueTheme,
    ConceptPriority,
    ConsultationPosition,
    CriterionScore,
    Network,
    NetworkMember,
    PriorityInput,
    PriorityRound,
)
from .tally import CriterionWeight, MemberFigure, RankedTheme, Score, TallyInput, TallyRow, rank, tally


def network_list(*, user: AnyUser | None = None) -> QuerySet[Network]:
    networks = Network.objects.all()
    if user is not None:  # by id: the visibility joins would otherwise narrow the member count
        networks = networks.filter(pk__in=networks_visible_to(user=user))
    return networks.select_related("organisation", "region").annotate(
        member_count=Count("members", distinct=True)
    )


def network_get(*, network: int | str, user: AnyUser | None = None) -> Network:
    """A network by id, exact name or the code of its region (e.g. RE02)."""
    text = str(network).strip()
    found: Network | None
    if text.isdigit():
        found = Network.objects.filter(pk=int(text)).first()
    else:
        found = Network.objects.filter(name__iexact=text).first()
        region = None if found else area_by_code(code=text)
        if region is not None:
            found = Network.objects.filter(region=region).order_by("pk").first()
    if found is None:
        raise NotFoundError(_("No network '%(network)s'.") % {"network": text})
    if user is not None:
        require_network_view(user=user, network=found)
    return found


def network_members(*, network: Network) -> list[NetworkMember]:
    return list(network.members.select_related("area").order_by("district", "area__name"))


def member_plans(*, network: Network) -> dict[Area, Plan]:
    """Each member's newest adopted plan in ivp (a joint plan counts for each of its municipalities)."""
    areas = {m.area_id: m.area for m in network.members.select_related("area")}
    plans = plan_list().filter(status="adopted", plan_municipalities__area_id__in=list(areas)).distinct()
    found: dict[Area, Plan] = {}
    for plan in plans.order_by("start_year", "pk"):
        for link in plan.plan_municipalities.all():
            if link.area_id in areas:
                found[areas[link.area_id]] = plan  # later (newer) plans win
    return found


def member_figures(*, network: Network) -> list[MemberFigure]:
    members = network_members(network=network)
    populations = population_latest_by_area(areas=[m.area for m in members])
    return [
        MemberFigure(
            area_id=m.area_id,
            name=m.area.name,
            inhabitants=populations[m.area_id].inhabitants_count if m.area_id in populations else 0,
        )
        for m in members
    ]


def round_list(*, network: Network) -> list[PriorityRound]:
    return list(network.rounds.order_by("-created_at", "-pk"))


def round_latest(*, network: Network) -> PriorityRound | None:
    return network.rounds.order_by("-created_at", "-pk").first()


@dataclass
class RankedRow:
    theme: CatalogueTheme
    item: RankedTheme
    concept: ConceptPriority | None

    @property
    def tally(self) -> TallyRow:
        return self.item.tally


@dataclass
class MemberInputs:
    member: NetworkMember
    plan: Plan | None
    inputs: list[PriorityInput]
    inhabitants: int

    @property
    def source(self) -> str:
        sources = {i.source for i in self.inputs}
        if InputSource.PLAN in sources:
            return InputSource.PLAN
        return next(iter(sorted(sources)), "")

    @property
    def source_label(self) -> str:
        return str(InputSource(self.source).label) if self.source else ""


@dataclass
class RoundView:
    round: PriorityRound
    network: Network
    members: list[MemberInputs]
    partner_inputs: list[PriorityInput]
    unmapped: list[PriorityInput]
    ranking: list[RankedRow]
    criteria: list[CriterionWeight]
    concepts: list[ConceptPriority]
    population_total: int
    members_with_input: int
    scores: list[CriterionScore] = field(default_factory=list)

    @property
    def members_without_input(self) -> list[MemberInputs]:
        return [m for m in self.members if not m.inputs]


def round_get(*, round_id: int, user: AnyUser | None = None) -> PriorityRound:
    found = (
        PriorityRound.objects.select_related("network", "network__organisation").filter(pk=round_id).first()
    )
    if found is None:
        raise NotFoundError(_("No priority-setting round %(id)s.") % {"id": round_id})
    if user is not None:
        require_network_view(user=user, network=found.network)
    return found


def round_view(*, round: PriorityRound) -> RoundView:
    network = round.network
    members = network_members(network=network)
    figures = {f.area_id: f for f in member_figures(network=network)}
    plans = member_plans(network=network)
    inputs = list(round.inputs.select_related("area", "theme", "partner__organisation", "plan"))
    criteria = list(round.criteria.all())
    scores = list(
        CriterionScore.objects.filter(criterion__round=round).select_related("criterion", "theme", "scorer")
    )
    rows = tally(
        members=list(figures.values()),
        inputs=[
            TallyInput(
                theme_code=i.theme.code,
                area_id=i.area_id,
                partner=i.partner.organisation.name if i.partner else None,
            )
            for i in inputs
            if i.theme is not None
        ],
    )
    weights = [CriterionWeight(code=c.code, weight=c.weight) for c in criteria]
    ranked = rank(
        rows=rows,
        criteria=weights,
        scores=[
            Score(
                theme_code=s.theme.code,
                criterion_code=s.criterion.code,
                scorer=str(s.scorer_id),
                score=s.score,
            )
            for s in scores
        ],
    )
    themes = {t.code: t for t in network.catalogue.all()}
    concepts = list(
        round.concepts.select_related("theme").prefetch_related(
            Prefetch("positions", queryset=ConsultationPosition.objects.select_related("meeting"))
        )
    )
    by_theme = {c.theme.code: c for c in concepts}
    by_area: dict[int, list[PriorityInput]] = {}
    for item in inputs:
        if item.area_id is not None:
            by_area.setdefault(item.area_id, []).append(item)
    return RoundView(
        round=round,
        network=network,
        members=[
            MemberInputs(
                member=m,
                plan=plans.get(m.area),
                inputs=by_area.get(m.area_id, []),
                inhabitants=figures[m.area_id].inhabitants,
            )
            for m in members
        ],
        partner_inputs=[i for i in inputs if i.partner_id is not None],
        unmapped=[i for i in inputs if i.theme_id is None],
        ranking=[
            RankedRow(theme=themes[r.tally.theme_code], item=r, concept=by_theme.get(r.tally.theme_code))
            for r in ranked
        ],
        criteria=weights,
        concepts=concepts,
        population_total=sum(f.inhabitants for f in figures.values()),
        members_with_input=len(by_area),
        scores=scores,
    )


@dataclass
class Dashboard:
    network: Network
    view: RoundView | None
    members: list[MemberInputs]
    priorities: list[RankedRow]
    population_total: int
    plan_count: int


def network_dashboard(*, network: Network) -> Dashboard:
    """The members with their plan status and priorities, and the network's priorities (of the
    latest round: the concept or final priorities) with the members that share them."""
    latest = round_latest(network=network)
    if latest is not None:
        view = round_view(round=latest)
        members = view.members
        priorities = [r for r in view.ranking if r.concept is not None and not r.concept.dropped]
        priorities.sort(key=lambda r: r.concept.rank if r.concept else 0)
        total = view.population_total
    else:
        view = None
        plans = member_plans(network=network)
        figures = {f.area_id: f for f in member_figures(network=network)}
        members = [
            MemberInputs(
                member=m, plan=plans.get(m.area), inputs=[], inhabitants=figures[m.area_id].inhabitants
            )
            for m in network_members(network=network)
        ]
        priorities = []
        total = sum(f.inhabitants for f in figures.values())
    return Dashboard(
        network=network,
        view=view,
        members=members,
        priorities=priorities,
        population_total=total,
        plan_count=sum(1 for m in members if m.plan is not None),
    )


def governance(*, network: Network) -> dict[str, object]:
    """The steering group, expert teams (with members), working group, milestones and calendar."""
    return {
        "steering_group": list(network.steering_group.select_related("portfolio")),
        "expert_teams": list(network.expert_teams.select_related("theme").prefetch_related("members")),
        "working_group": list(network.working_group.all()),
        "milestones": list(network.milestones.all()),
        "calendar": list(network.calendar.all()),
        "catalogue": list(network.catalogue.all()),
    }
