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
from ivp.plans.services import EditConflict, ItemInvalid

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


def _raise_problems(by_field: dict[str, list[str]]) -> None:
    """Refuse with every problem, each also under the (model) field it is about."""
    by_field = {field: messages for field, messages in by_field.items() if messages}
    if by_field:
        raise ItemInvalid([m for messages in by_field.values() for m in messages], by_field=by_field)


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
    budget lines. With `expected_version` (the version the form or client read) a scheme that
    someone else changed since is not overwritten (EditConflict)."""
    require_network_manage(user=actor, network=network)
    scheme = FundingScheme.objects.select_for_update().filter(network=network).first()
    if scheme is not None and expected_version is not None and scheme.version != expected_version:
        raise EditConflict(_("Someone else changed the funding scheme in the meantime; nothing was changed."))
    by_field: dict[str, list[str]] = {}
    try:
        rate = rate_parse(rate_eur)
    except ValidationFailed as error:
        by_field["rate_per_inhabitant_eur"] = error.problems
        rate = Decimal(0)
    if last_year < first_year:
        by_field["last_year"] = [_("The last year comes before the first year.")]
    elif last_year - first_year + 1 > MAX_PERIOD_YEARS:
        by_field["last_year"] = [_("A funding period has at most %(n)d years.") % {"n": MAX_PERIOD_YEARS}]
    _check_population_year(network, population_year, by_field.setdefault("population_year", []))
    _raise_problems(by_field)
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
    by_field: dict[str, list[str]] = {"name": []}
    name = name.strip()
    if not name:
        by_field["name"].append(_("Give the scenario a name."))
    elif scheme.scenarios.filter(name=name).exists():
        by_field["name"].append(_("There is already a scenario named %(name)s.") % {"name": name})
    try:
        rate = rate_parse(rate_eur)
    except ValidationFailed as error:
        by_field["rate_per_inhabitant_eur"] = error.problems
        rate = Decimal(0)
    _check_population_year(scheme.network, population_year, by_field.setdefault("population_year", []))
    _raise_problems(by_field)
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
    new_amounts: dict[int, Decimal] | None = None,
) -> BudgetLine | None:
    """Rename lines, set planned amounts per line and year (0 removes nothing: it is planned as
    0), delete lines and add one new line (with its amounts per year), all or nothing. Returns
    the new line, if any."""
    require_network_manage(user=actor, network=scheme.network)
    lines = {line.pk: line for line in scheme.budget_lines.all()}
    delete = delete or set()
    new_amounts = new_amounts or {}
    problems: list[str] = []
    years = set(range(scheme.first_year, scheme.last_year + 1))
    if new_amounts and not new_line.strip():
        problems.append(_("Give the new budget line a name."))
    for year, amount in new_amounts.items():
        _check_amount(new_line.strip(), year, amount, years, problems)
    final_names = [names.get(pk, line.name).strip() for pk, line in lines.items() if pk not in delete]
    if new_line.strip():
        final_names.append(new_line.strip())
    if any(not n for n in final_names):
        problems.append(_("Every budget line needs a name."))
    if len(set(final_names)) != len(final_names):
        problems.append(_("Two budget lines have the same name."))
    for (line_id, year), amount in amounts.items():
        if line_id not in lines:
            problems.append(_("Unknown budget line or year."))
        else:
            _check_amount(lines[line_id].name, year, amount, years, problems)
    if problems:
        raise ValidationFailed(problems)
    renamed = {
        line.name: names[pk].strip()
        for pk, line in lines.items()
        if pk not in delete and pk in names and names[pk].strip() != line.name
    }
    deleted = sorted(lines[pk].name for pk in delete & set(lines))
    BudgetLine.objects.filter(pk__in=delete & set(lines)).delete()
    for pk, line in lines.items():
        if pk not in delete and pk in names and names[pk].strip() != line.name:
            line.name = names[pk].strip()
            line.save(update_fields=["name"])
    for (line_id, year), amount in amounts.items():
        if line_id not in delete:
            BudgetAmount.objects.update_or_create(line_id=line_id, year=year, defaults={"amount_eur": amount})
    added = None
    if new_line.strip():
        position = max((line.position for line in lines.values()), default=-1) + 1
        added = BudgetLine.objects.create(scheme=scheme, name=new_line.strip(), position=position)
        BudgetAmount.objects.bulk_create(
            BudgetAmount(line=added, year=year, amount_eur=amount)
            for year, amount in sorted(new_amounts.items())
        )
    names_by_id = {pk: line.name for pk, line in lines.items()}
    if added is not None:
        names_by_id[added.pk] = added.name
        amounts = {**amounts, **{(added.pk, year): amount for year, amount in new_amounts.items()}}
    _audit(actor, scheme.network, "changed", "budget", scheme, label=scheme.network.name,
           summary=", ".join(sorted({names_by_id[pk] for pk, _y in amounts if pk not in delete})),
           changes={"amounts": {f"{names_by_id[pk]}|{y}": str(a) for (pk, y), a in sorted(amounts.items())
                                if pk not in delete},
                    "deleted": deleted, "added": new_line.strip(), "renamed": renamed})  # fmt: skip
    return added


def _check_amount(line: str, year: int, amount: Decimal, years: set[int], problems: list[str]) -> None:
    """A planned amount: a year of the scheme's period, 0 or more, whole cents."""
    if year not in years:
        problems.append(_("Unknown budget line or year."))
    elif not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX:
        problems.append(_("%(line)s, %(year)s: an amount is 0 or more.") % {"line": line, "year": year})
    elif amount != amount.quantize(Decimal("0.01")):
        problems.append(_("%(line)s, %(year)s: amounts are in whole cents.") % {"line": line, "year": year})


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
    """Set a partner's in-kind contribution; nothing at all (0 fte, no text) removes it. Only an
    actual change is recorded in the audit trail (saving the same values again records nothing)."""
    require_network_manage(user=actor, network=scheme.network)
    if partner.network_id != scheme.network_id:
        raise ValidationFailed(
            [_("%(name)s is not a partner of this network.") % {"name": partner.organisation}]
        )
    if not fte.is_finite() or fte < 0 or fte >= 1000:
        raise ValidationFailed([_("Staff in fte is 0 or more (below 1,000).")])
    current = InKindContribution.objects.filter(scheme=scheme, partner=partner).first()
    before = None if current is None else {
        "fte": str(current.fte), "facilities": current.facilities, "description": current.description
    }  # fmt: skip
    if fte == 0 and not facilities.strip() and not description.strip():
        if current is not None:
            current.delete()
            _audit(actor, scheme.network, "removed", "in-kind contribution", partner,
                   label=str(partner.organisation), changes={"before": before})  # fmt: skip
        return None
    contribution, _created = InKindContribution.objects.update_or_create(
        scheme=scheme,
        partner=partner,
        defaults={"fte": fte, "facilities": facilities.strip(), "description": description.strip()},
    )
    contribution.refresh_from_db(fields=["fte"])  # as stored (1.50, not 1.5)
    after = {"fte": str(contribution.fte), "facilities": contribution.facilities,
             "description": contribution.description}  # fmt: skip
    if after != before:
        _audit(actor, scheme.network, "changed" if before else "added", "in-kind contribution", contribution,
               label=str(partner.organisation), summary=f"{contribution.fte} fte; {contribution.facilities}",
               changes={k: [None if before is None else before[k], v] for k, v in after.items()
                        if before is None or before[k] != v})  # fmt: skip
    return contribution


@transaction.atomic
def in_kind_set(
    *, actor: AnyUser, scheme: FundingScheme, contributions: list[tuple[NetworkPartner, Decimal, str, str]]
) -> list[InKindContribution]:
    """Set the in-kind contributions of several partners (partner, fte, facilities, description),
    all or nothing; partners not listed are left as they are."""
    require_network_manage(user=actor, network=scheme.network)
    if len({partner.pk for partner, *_rest in contributions}) != len(contributions):
        raise ValidationFailed([_("A partner is given twice.")])
    problems: list[str] = []
    saved: list[InKindContribution] = []
    for partner, fte, facilities, description in contributions:
        try:
            item = in_kind_save(actor=actor, scheme=scheme, partner=partner, fte=fte, facilities=facilities,
                                description=description)  # fmt: skip
        except ValidationFailed as error:  # its savepoint is rolled back; the others are checked too
            problems += [f"{partner.organisation}: {p}" for p in error.problems]
        else:
            if item is not None:
                saved.append(item)
    if problems:
        raise ValidationFailed(problems)  # the whole transaction is rolled back
    return saved
