"""Reads on areas: lookup by code or name, search, members, regions and population."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ivp.core.errors import NotFoundError
from ivp.core.text import normalise

from .constants import REGION_KIND_ORDER, AreaKind
from .models import Area, Population


@dataclass(frozen=True)
class MemberRow:
    area: Area
    population: Population | None


@dataclass(frozen=True)
class RegionMembers:
    region: Area
    rows: list[MemberRow]
    population_year: int | None
    population_total: int
    members_without_population: int


def area_get(*, code_or_name: str) -> Area:
    """An area by code (case-insensitive, padded spaces ignored) or by exact name or alias.

    A name shared by a municipality and regions (Amsterdam, Utrecht) means the municipality.
    Raises NotFoundError with suggestions when nothing matches, or when the name is ambiguous.
    """
    text = code_or_name.strip()
    if not text:
        raise NotFoundError(_("No area code or name given."))
    area = Area.objects.filter(code=text.upper()).first()
    if area is not None:
        return area
    wanted = normalise(text)
    candidates = [
        a
        for a in Area.objects.filter(search_text__contains=wanted)
        if wanted in a.search_text.split(" | ")[1:]
    ]
    if len(candidates) > 1:
        municipalities = [a for a in candidates if a.kind == AreaKind.MUNICIPALITY]
        candidates = municipalities if len(municipalities) == 1 else candidates
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        options = ", ".join(f"{a.name} ({a.code})" for a in candidates)
        raise NotFoundError(
            _("'%(text)s' is ambiguous: %(options)s. Use a code.") % {"text": text, "options": options}
        )
    suggestions = area_search(query=text, limit=5)
    if suggestions:
        options = ", ".join(f"{a.name} ({a.code})" for a in suggestions)
        raise NotFoundError(
            _("No area '%(text)s'. Did you mean: %(options)s?") % {"text": text, "options": options}
        )
    raise NotFoundError(_("No area '%(text)s'.") % {"text": text})


def area_search(*, query: str, kinds: list[str] | None = None, limit: int | None = 25) -> list[Area]:
    """Areas whose name, code or alias contains the query (accents and punctuation ignored).

    Names that start with the query come first, then alphabetical order.
    """
    wanted = normalise(query)
    if not wanted:
        return []
    queryset = Area.objects.all()
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    terms = wanted.split()
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    matches = list(queryset)
    matches.sort(
        key=lambda a: (
            not normalise(a.name).startswith(wanted),
            a.kind != AreaKind.MUNICIPALITY,
            a.name,
        )
    )
    return matches[:limit] if limit else matches


def municipality_list(*, region: Area | None = None) -> QuerySet[Area]:
    queryset = Area.objects.filter(kind=AreaKind.MUNICIPALITY)
    if region is not None:
        queryset = queryset.filter(regions=region)
    return queryset.order_by("name")


def region_list(*, kinds: list[str] | None = None) -> QuerySet[Area]:
    queryset = Area.objects.exclude(kind=AreaKind.MUNICIPALITY)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset.select_related("owner").order_by("kind", "code")


def area_regions(*, area: Area) -> list[Area]:
    """The regions a municipality belongs to: province, police unit, safety region, country, groups."""
    regions = list(area.regions.all())
    regions.sort(key=lambda r: (REGION_KIND_ORDER.index(AreaKind(r.kind)), r.name))
    return regions


def population_latest(*, area: Area) -> Population | None:
    """The most recent population figure of a municipality."""
    return area.populations.order_by("-year").first()


def population_latest_by_area(*, areas: Sequence[Area] | None = None) -> dict[int, Population]:
    """The most recent population figure per municipality (by area id)."""
    queryset = Population.objects.all() if areas is None else Population.objects.filter(area__in=areas)
    return {p.area_id: p for p in queryset.order_by("year")}


def area_by_code(*, code: str) -> Area | None:
    return Area.objects.select_related("owner").filter(code=code.strip().upper()).first()


def population_history(*, area: Area) -> list[Population]:
    return list(area.populations.order_by("year"))


def region_members(*, region: Area, year: int | None = None) -> RegionMembers:
    """The member municipalities of a region with their population in `year` (default: the
    latest year for which any member has a figure), and the total of the members' populations."""
    members = list(municipality_list(region=region))
    if year is None:
        latest = (
            Population.objects.filter(area__in=members)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        year = latest
    by_area = {p.area_id: p for p in Population.objects.filter(area__in=members, year=year)} if year else {}
    rows = [MemberRow(area=m, population=by_area.get(m.pk)) for m in members]
    total = sum(r.population.inhabitants_count for r in rows if r.population)
    missing = sum(1 for r in rows if r.population is None)
    return RegionMembers(
        region=region,
        rows=rows,
        population_year=year,
        population_total=total,
        members_without_population=missing,
    )


def group_list(*, owner_ids: list[int] | None = None) -> QuerySet[Area]:
    queryset = Area.objects.filter(kind=AreaKind.GROUP).select_related("owner")
    if owner_ids is not None:
        queryset = queryset.filter(owner_id__in=owner_ids)
    return queryset.order_by("name")
