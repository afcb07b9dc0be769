"""Reads on funding: contributions per member (pure `Decimal` arithmetic), the funding overview
of a network with budget balance, in-kind co-financing and scenarios side by side.

The rounding rule (`constants.ROUNDING_RULE`): a member's contribution is its population in the
reference year times the rate, rounded half up to whole cents; the total is the sum of the
rounded contributions. A member without a population figure for the reference year gets no
amount and is listed as such; it is never counted as 0 inhabitants silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Count
from django.utils.translation import gettext as _

from ivp.areas.models import Area, Population
from ivp.areas.selectors import area_get, municipality_list
from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.networks.models import Network

from .constants import CENT, RATE_DECIMALS, RATE_MAX, ROUNDING
from .models import FundingScheme, InKindContribution

ZERO = Decimal("0.00")


def contribution_round(amount: Decimal) -> Decimal:
    """Half up to whole cents: 12.345 -> 12.35, 12.344999 -> 12.34."""
    return amount.quantize(CENT, rounding=ROUNDING)


def member_contribution(*, population: int, rate_eur: Decimal) -> Decimal:
    """One member's contribution: population x rate, rounded half up to whole cents."""
    return contribution_round(Decimal(population) * rate_eur)


def rate_parse(text: str | Decimal) -> Decimal:
    """A rate per inhabitant in EUR: positive, at most RATE_DECIMALS decimals (a comma is read as
    the decimal separator, as Dutch users write it)."""
    raw = str(text).strip().replace(",", ".")
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        raise ValidationFailed([_("'%(text)s' is not an amount in euros.") % {"text": text}]) from None
    if not rate.is_finite() or rate <= 0 or rate > RATE_MAX:
        message = _("The contribution per inhabitant must be more than 0 and at most %(max)s euros.")
        raise ValidationFailed([message % {"max": RATE_MAX}])
    exponent = rate.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -RATE_DECIMALS:
        raise ValidationFailed([_("The contribution per inhabitant has at most %(n)d decimals.")
                                % {"n": RATE_DECIMALS}])  # fmt: skip
    return rate


@dataclass(frozen=True)
class MemberContribution:
    area: Area
    district: str
    population: int | None  # None: no figure for the reference year
    amount_eur: Decimal | None  # rounded to cents; None without a population figure


@dataclass(frozen=True)
class ContributionTable:
    label: str
    rate_eur: Decimal
    population_year: int
    rows: list[MemberContribution]

    @property
    def counted(self) -> list[MemberContribution]:
        return [r for r in self.rows if r.amount_eur is not None]

    @property
    def missing(self) -> list[MemberContribution]:
        """Members without a population figure for the reference year (no amount)."""
        return [r for r in self.rows if r.amount_eur is None]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def total_population(self) -> int:
        return sum(r.population or 0 for r in self.counted)

    @property
    def total_eur(self) -> Decimal:
        """The sum of the rounded contributions (what the members pay together)."""
        return sum((r.amount_eur for r in self.counted if r.amount_eur is not None), ZERO)

    @property
    def exact_total_eur(self) -> Decimal:
        """The unrounded total: total population x rate."""
        return Decimal(self.total_population) * self.rate_eur

    @property
    def rounding_difference_eur(self) -> Decimal:
        return self.total_eur - self.exact_total_eur


def population_by_area(*, members: Sequence[Area], year: int) -> dict[int, int]:
    """Inhabitants per member (area id) in `year`; members without a figure are absent."""
    return dict(
        Population.objects.filter(area__in=list(members), year=year).values_list(
            "area_id", "inhabitants_count"
        )
    )


def population_years(*, members: Sequence[Area]) -> list[tuple[int, int]]:
    """The years with population figures for the members, newest first: (year, members with a
    figure in that year)."""
    rows = (
        Population.objects.filter(area__in=list(members))
        .values("year")
        .annotate(n=Count("area", distinct=True))
        .order_by("-year")
    )
    return [(row["year"], row["n"]) for row in rows]


def contribution_table(
    *,
    members: Sequence[Area],
    rate_eur: Decimal,
    population_year: int,
    label: str,
    districts: dict[int, str] | None = None,
) -> ContributionTable:
    """Every member's contribution for one year, in the order given."""
    if not members:
        raise ValidationFailed([_("%(name)s has no member municipalities.") % {"name": label}])
    populations = population_by_area(members=members, year=population_year)
    if not populations:
        known = ", ".join(str(year) for year, _n in population_years(members=members)) or "-"
        raise ValidationFailed(
            [_("No member of %(name)s has a population figure for %(year)d. Years with figures: %(years)s.")
             % {"name": label, "year": population_year, "years": known}]
        )  # fmt: skip
    rows = []
    for area in members:
        population = populations.get(area.pk)
        amount = None if population is None else member_contribution(population=population, rate_eur=rate_eur)
        rows.append(MemberContribution(area, (districts or {}).get(area.pk, ""), population, amount))
    return ContributionTable(label=label, rate_eur=rate_eur, population_year=population_year, rows=rows)


# --- what NETWORK means on the command line ------------------------------------------------


@dataclass(frozen=True)
class FundingTarget:
    """A network, or a region/group whose member municipalities are taken without a network."""

    label: str
    members: list[Area]
    network: Network | None = None
    region: Area | None = None
    districts: dict[int, str] = field(default_factory=dict)


def network_members(*, network: Network) -> list[Area]:
    return [m.area for m in network.members.select_related("area").order_by("area__name")]


def funding_target_get(*, text: str) -> FundingTarget:
    """A network by number or name, else a region or group by code or name (e.g. RE02)."""
    wanted = text.strip()
    network = (
        Network.objects.filter(pk=int(wanted)).first()
        if wanted.isdigit()
        else Network.objects.filter(name__iexact=wanted).first()
    )
    if network is not None:
        members = network.members.select_related("area").order_by("area__name")
        return FundingTarget(
            label=network.name,
            members=[m.area for m in members],
            network=network,
            districts={m.area_id: m.district for m in members},
        )
    try:
        area = area_get(code_or_name=wanted)
    except NotFoundError as error:
        raise NotFoundError(
            _("No network, region or group '%(text)s'. %(detail)s") % {"text": wanted, "detail": error}
        ) from error
    if area.is_municipality:
        raise ValidationFailed([_("%(name)s is a municipality; give a network, a region or a group.")
                                % {"name": area.name}])  # fmt: skip
    return FundingTarget(label=f"{area.name} ({area.code})", members=list(municipality_list(region=area)),
                         region=area)  # fmt: skip


# --- a network's funding overview ----------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    name: str
    line_id: int
    amounts: list[Decimal]  # per year of the period (0 where nothing is planned)

    @property
    def total_eur(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass(frozen=True)
class ScenarioColumn:
    name: str
    table: ContributionTable
    scenario_id: int | None  # None: the scheme itself
    years: int

    @property
    def period_total_eur(self) -> Decimal:
        return self.table.total_eur * self.years


@dataclass
class FundingOverview:
    network: Network
    scheme: FundingScheme | None
    table: ContributionTable | None = None
    years: list[int] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    in_kind: list[InKindContribution] = field(default_factory=list)
    columns: list[ScenarioColumn] = field(default_factory=list)
    population_years: list[tuple[int, int]] = field(default_factory=list)
    member_count: int = 0

    @property
    def contributions(self) -> list[Decimal]:
        """Contributions per year: the same yearly total in every year of the period."""
        return [self.table.total_eur if self.table else ZERO for _year in self.years]

    @property
    def planned(self) -> list[Decimal]:
        return [sum((row.amounts[i] for row in self.budget), ZERO) for i in range(len(self.years))]

    @property
    def balance(self) -> list[Decimal]:
        return [c - p for c, p in zip(self.contributions, self.planned, strict=True)]

    @property
    def contributions_total_eur(self) -> Decimal:
        return sum(self.contributions, ZERO)

    @property
    def planned_total_eur(self) -> Decimal:
        return sum(self.planned, ZERO)

    @property
    def balance_total_eur(self) -> Decimal:
        return self.contributions_total_eur - self.planned_total_eur

    @property
    def fte_total(self) -> Decimal:
        return sum((c.fte for c in self.in_kind), Decimal("0.00"))


def funding_overview(*, network: Network) -> FundingOverview:
    """Everything the funding page shows; without a scheme only the population years."""
    target = funding_target_get(text=str(network.pk))
    overview = FundingOverview(
        network=network,
        scheme=FundingScheme.objects.filter(network=network).first(),
        population_years=population_years(members=target.members),
        member_count=len(target.members),
    )
    scheme = overview.scheme
    if scheme is None:
        return overview
    overview.years = list(range(scheme.first_year, scheme.last_year + 1))

    def table(rate: Decimal, year: int) -> ContributionTable:
        return contribution_table(members=target.members, rate_eur=rate, population_year=year,
                                  label=network.name, districts=target.districts)  # fmt: skip

    overview.table = table(scheme.rate_per_inhabitant_eur, scheme.population_year)
    overview.columns.append(ScenarioColumn(_("Scheme"), overview.table, None, len(overview.years)))
    for scenario in scheme.scenarios.all():
        try:
            column_table = table(scenario.rate_per_inhabitant_eur, scenario.population_year)
        except ValidationFailed:
            continue  # no figures for its year any more: the page lists it without a column
        overview.columns.append(ScenarioColumn(scenario.name, column_table, scenario.pk, len(overview.years)))
    for line in scheme.budget_lines.prefetch_related("amounts"):
        by_year = {a.year: a.amount_eur for a in line.amounts.all()}
        overview.budget.append(BudgetRow(line.name, line.pk, [by_year.get(y, ZERO) for y in overview.years]))
    overview.in_kind = list(scheme.in_kind.select_related("partner__organisation"))
    return overview
