"""Writes on funding. Only the network's coordinators (and superusers) change its funding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.core.errors import ValidationFailed
from ivp.networks.access import require_network_manage
from ivp.networks.audit import network_audit
from ivp.networks.models import Network, NetworkPartner

from .constants import DEFAULT_BUDGET_LINES
from .models import BudgetAmount, BudgetLine, FundingScenario, FundingScheme, InKindContribution
from .selectors import network_members, population_years, rate_parse

MAX_PERIOD_YEARS = 12
SCHEME_FIELDS = ("rate_per_inhabitant_eur", "population_year", "first_year", "last_year", "notes")


def _audit(actor: AnyUser, network: Network, action: str, kind: str, obj: object, **details: Any) -> None:
    """Record a change of the network's funding in the audit trail (label, summary, changes)."""
    network_audit(actor=actor, network=network, action=action, object_type=kind, obj=obj, app="funding",
                  **details)  # fmt: skip


def _rate_text(rate: Decimal, year: int) -> str:
    return _("%(rate)s EUR per inhabitant, population of %(year)d") % {"rate": rate, "year": year}


AMOUNT_MAX = Decimal("9999999999.99")


def _check_population_year(network: Network, year: int, problems: list[str]) -> None:
    known = dict(population_years(members=network_members(network=network)))
    if year not in known:
        problems.append(
            _("No member has a population figure for %(year)s. Years with figures: %(years)s.")
            % {"year": year, "years": ", ".join(str(y) for y in known) or "-"}
        )


@transaction.atomic
def scheme_save(
    *,
    actor: AnyUser,
    network: Network,
    rate_eur: Decimal | str,
    population_year: int,
    first_year: int,
    last_year: int,
    notes: str = "",
    expected_version: int | None = None,
) -> FundingScheme:
    """Create or change the network's funding scheme; a new scheme starts with the default
    budget lines."""
    require_network_manage(user=actor, network=network)
    problems: list[str] = []
    try:
        rate = rate_parse(rate_eur)
    except ValidationFailed as error:
        problems += error.problems
        rate = Decimal(0)
    if last_year < first_year:
        problems.append(_("The last year comes before the first year."))
    elif last_year - first_year + 1 > MAX_PERIOD_YEARS:
        problems.append(_("A funding period has at most %(n)d years.") % {"n": MAX_PERIOD_YEARS})
    _check_population_year(network, population_year, problems)
    scheme = FundingScheme.objects.select_for_update().filter(network=network).first()
    if scheme is not None and expected_version is not None and scheme.version != expected_version:
        problems.append(_("Someone else changed the funding scheme in the meantime; reload the page."))
    if problems:
        raise ValidationFailed(problems)
    fields = {"rate_per_inhabitant_eur": rate, "population_year": population_year,
              "first_year": first_year, "last_year": last_year, "notes": notes.strip()}  # fmt: skip
    before = {f: str(getattr(scheme, f)) for f in SCHEME_FIELDS} if scheme is not None else {}
    if scheme is None:
        scheme = FundingScheme.objects.create(network=network, **fields)
        BudgetLine.objects.bulk_create(
            BudgetLine(scheme=scheme, name=str(name), position=i)
            for i, name in enumerate(DEFAULT_BUDGET_LINES)
        )
    else:
        for name, value in fields.items():
            setattr(scheme, name, value)
        scheme.version += 1
        scheme.save()
    scheme.refresh_from_db(fields=SCHEME_FIELDS)  # the amounts as stored (0.0800, not 0.08)
    after = {f: str(getattr(scheme, f)) for f in SCHEME_FIELDS}
    changes = {f: [before.get(f), after[f]] for f in SCHEME_FIELDS if before.get(f) != after[f]}
    summary = f"{_rate_text(rate, population_year)}, {first_year}-{last_year}"
    _audit(actor, network, "changed" if before else "created", "funding scheme", scheme, label=network.name,
           summary=summary, changes=changes)  # fmt: skip
    return scheme


@transaction.atomic
def scenario_add(
    *, actor: AnyUser, scheme: FundingScheme, name: str, rate_eur: Decimal | str, population_year: int
) -> FundingScenario:
    require_network_manage(user=actor, network=scheme.network)
    problems: list[str] = []
    name = name.strip()
    if not name:
        problems.append(_("Give the scenario a name."))
    elif scheme.scenarios.filter(name=name).exists():
        problems.append(_("There is already a scenario named %(name)s.") % {"name": name})
    try:
        rate = rate_parse(rate_eur)
    except ValidationFailed as error:
        problems += error.problems
        rate = Decimal(0)
    _check_population_year(scheme.network, population_year, problems)
    if problems:
        raise ValidationFailed(problems)
    scenario = FundingScenario.objects.create(
        scheme=scheme, name=name, rate_per_inhabitant_eur=rate, population_year=population_year
    )
    _audit(actor, scheme.network, "created", "funding scenario", scenario,
           summary=_rate_text(rate, population_year))  # fmt: skip
    return scenario


@transaction.atomic
def scenario_delete(*, actor: AnyUser, scenario: FundingScenario) -> None:
    require_network_manage(user=actor, network=scenario.scheme.network)
    _audit(actor, scenario.scheme.network, "removed", "funding scenario", scenario,
           summary=_rate_text(scenario.rate_per_inhabitant_eur, scenario.population_year))  # fmt: skip
    scenario.delete()


@transaction.atomic
def budget_save(
    *,
    actor: AnyUser,
    scheme: FundingScheme,
    names: dict[int, str],
    amounts: dict[tuple[int, int], Decimal],
    delete: set[int] | None = None,
    new_line: str = "",
) -> None:
    """Rename lines, set planned amounts per line and year (0 removes nothing: it is planned as
    0), delete lines and add one new line, all or nothing."""
    require_network_manage(user=actor, network=scheme.network)
    lines = {line.pk: line for line in scheme.budget_lines.all()}
    delete = delete or set()
    problems: list[str] = []
    years = set(range(scheme.first_year, scheme.last_year + 1))
    final_names = [names.get(pk, line.name).strip() for pk, line in lines.items() if pk not in delete]
    if new_line.strip():
        final_names.append(new_line.strip())
    if any(not n for n in final_names):
        problems.append(_("Every budget line needs a name."))
    if len(set(final_names)) != len(final_names):
        problems.append(_("Two budget lines have the same name."))
    for (line_id, year), amount in amounts.items():
        if line_id not in lines or year not in years:
            problems.append(_("Unknown budget line or year."))
        elif not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX:
            problems.append(_("%(line)s, %(year)s: an amount is 0 or more.")
                            % {"line": lines[line_id].name, "year": year})  # fmt: skip
        elif amount != amount.quantize(Decimal("0.01")):
            problems.append(_("%(line)s, %(year)s: amounts are in whole cents.")
                            % {"line": lines[line_id].name, "year": year})  # fmt: skip
    if problems:
        raise ValidationFailed(problems)
    BudgetLine.objects.filter(pk__in=delete & set(lines)).delete()
    for pk, line in lines.items():
        if pk not in delete and pk in names and names[pk].strip() != line.name:
            line.name = names[pk].strip()
            line.save(update_fields=["name"])
    for (line_id, year), amount in amounts.items():
        if line_id not in delete:
            BudgetAmount.objects.update_or_create(line_id=line_id, year=year, defaults={"amount_eur": amount})
    if new_line.strip():
        position = max((line.position for line in lines.values()), default=-1) + 1
        BudgetLine.objects.create(scheme=scheme, name=new_line.strip(), position=position)
    names_by_id = {pk: line.name for pk, line in lines.items()}
    _audit(actor, scheme.network, "changed", "budget", scheme, label=scheme.network.name,
           summary=", ".join(sorted({names_by_id[pk] for pk, _y in amounts if pk not in delete})),
           changes={"amounts": {f"{names_by_id[pk]}|{y}": str(a) for (pk, y), a in sorted(amounts.items())
                                if pk not in delete},
                    "deleted": sorted(names_by_id[pk] for pk in delete & set(lines)),
                    "added": new_line.strip()})  # fmt: skip


@transaction.atomic
def in_kind_save(
    *,
    actor: AnyUser,
    scheme: FundingScheme,
    partner: NetworkPartner,
    fte: Decimal,
    facilities: str = "",
    description: str = "",
) -> InKindContribution | None:
    """Set a partner's in-kind contribution; nothing at all (0 fte, no text) removes it."""
    require_network_manage(user=actor, network=scheme.network)
    if partner.network_id != scheme.network_id:
        raise ValidationFailed(
            [_("%(name)s is not a partner of this network.") % {"name": partner.organisation}]
        )
    if not fte.is_finite() or fte < 0 or fte >= 1000:
        raise ValidationFailed([_("Staff in fte is 0 or more (below 1,000).")])
    if fte == 0 and not facilities.strip() and not description.strip():
        InKindContribution.objects.filter(scheme=scheme, partner=partner).delete()
        _audit(
            actor, scheme.network, "removed", "in-kind contribution", partner, label=str(partner.organisation)
        )
        return None
    contribution, _created = InKindContribution.objects.update_or_create(
        scheme=scheme,
        partner=partner,
        defaults={"fte": fte, "facilities": facilities.strip(), "description": description.strip()},
    )
    _audit(actor, scheme.network, "changed", "in-kind contribution", contribution,
           label=str(partner.organisation), summary=f"{fte} fte; {facilities.strip()}")  # fmt: skip
    return contribution
