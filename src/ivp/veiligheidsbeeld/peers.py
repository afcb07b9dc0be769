"""The peer group of a municipality: the municipalities most similar in population size.

The rule (also in docs/veiligheidsbeeld.md): take every other municipality with its latest
population figure (the bundled figures are of 1 January 2024 for all 342); sort them by the distance of the
logarithm of their population to that of the municipality (|ln(p_other / p_self)|, so that
20,000 against 24,000 is as near as 200,000 against 240,000); ties go to the smaller CBS code;
keep the first `PEER_GROUP_SIZE` (10). The group's figure is their summed count over their
summed population, never an average of rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area, Population
from ivp.areas.selectors import municipality_list, population_latest

PEER_GROUP_SIZE = 10


@dataclass(frozen=True)
class PeerGroup:
    area_code: str
    population: int
    population_year: int
    members: list[tuple[str, str, int]]  # (code, name, population), nearest first

    @property
    def codes(self) -> list[str]:
        return [code for code, _name, _pop in self.members]


def peer_group_rank(
    *, code: str, populations: dict[str, int], size: int = PEER_GROUP_SIZE
) -> list[tuple[str, int]]:
    """The rule on plain numbers: the `size` codes whose population is nearest (in ratio) to
    that of `code`, nearest first, as (code, population)."""
    own = populations[code]
    others = [(c, p) for c, p in populations.items() if c != code and p > 0]
    others.sort(key=lambda item: (abs(math.log(item[1] / own)), item[0]))
    return others[:size]


def peer_group_get(*, area: Area, size: int = PEER_GROUP_SIZE) -> PeerGroup | None:
    """The peer group of a municipality (None without a population figure)."""
    own = population_latest(area=area)
    if own is None or own.inhabitants_count <= 0:
        return None
    # Plain values, not model instances: every municipality's latest figure (the last year read).
    names = dict(municipality_list().values_list("code", "name"))
    populations = dict(
        Population.objects.filter(area__kind=AreaKind.MUNICIPALITY)
        .order_by("year")
        .values_list("area__code", "inhabitants_count")
    )
    populations[area.code] = own.inhabitants_count
    ranked = peer_group_rank(code=area.code, populations=populations, size=size)
    return PeerGroup(
        area_code=area.code,
        population=own.inhabitants_count,
        population_year=own.year,
        members=[(code, names[code], pop) for code, pop in ranked],
    )
