"""The peer-group rule: the municipalities nearest in population, by ratio."""

from __future__ import annotations

import math

import pytest

from ivp.areas.selectors import area_get, municipality_list, population_latest_by_area
from ivp.veiligheidsbeeld.peers import PEER_GROUP_SIZE, peer_group_get, peer_group_rank


def test_nearness_is_by_ratio_and_ties_go_to_the_smaller_code() -> None:
    populations = {
        "GM0001": 1000,
        "GM0002": 800,
        "GM0003": 1250,
        "GM0004": 1100,
        "GM0005": 5000,
        "GM0006": 950,
    }
    ranked = peer_group_rank(code="GM0001", populations=populations, size=4)
    # 950 (ln 1.05), 1100 (ln 1.10), then 800 and 1250 (both ln 1.25: the smaller code first).
    assert ranked == [("GM0006", 950), ("GM0004", 1100), ("GM0002", 800), ("GM0003", 1250)]


def test_the_municipality_itself_is_never_its_own_peer() -> None:
    ranked = peer_group_rank(code="GM0001", populations={"GM0001": 10, "GM0002": 10, "GM0003": 11}, size=5)
    assert [code for code, _pop in ranked] == ["GM0002", "GM0003"]


@pytest.mark.django_db
def test_maasgouw_is_compared_with_the_ten_municipalities_nearest_in_population() -> None:
    maasgouw = area_get(code_or_name="GM1641")
    group = peer_group_get(area=maasgouw)
    assert group is not None and group.population == 24400 and len(group.members) == PEER_GROUP_SIZE
    assert "GM1641" not in group.codes
    # Brute force over every municipality: no one outside the group is nearer than anyone in it.
    municipalities = list(municipality_list())
    latest = population_latest_by_area(areas=municipalities)
    distance = {
        m.code: abs(math.log(latest[m.pk].inhabitants_count / 24400))
        for m in municipalities
        if m.pk in latest
    }
    inside = max(distance[c] for c in group.codes)
    outside = min(d for c, d in distance.items() if c not in group.codes and c != "GM1641")
    assert inside <= outside
    assert [distance[c] for c in group.codes] == sorted(distance[c] for c in group.codes)
