from __future__ import annotations

import pytest

from ivp.areas.models import Area, Population
from ivp.areas.selectors import area_get, area_regions, area_search, region_members
from ivp.core.errors import NotFoundError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["GM1641", "gm1641", " GM1641  ", "Maasgouw", "maasgouw"])
def test_area_get_finds_a_municipality_by_code_or_name(text: str) -> None:
    assert area_get(code_or_name=text).code == "GM1641"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Den Haag", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("Súdwest-Fryslân", "GM1900"),
        ("sudwest fryslan", "GM1900"),
    ],
)
def test_area_get_accepts_aliases_and_ignores_accents(text: str, code: str) -> None:
    assert area_get(code_or_name=text).code == code


def test_a_name_shared_with_regions_means_the_municipality() -> None:
    assert area_get(code_or_name="Groningen").code == "GM0014"
    assert area_get(code_or_name="Den Haag").code == "GM0518"


def test_area_get_names_every_candidate_when_a_name_is_ambiguous() -> None:
    with pytest.raises(NotFoundError) as caught:
        area_get(code_or_name="Limburg")
    assert "PV31" in str(caught.value) and "RE10" in str(caught.value)


def test_area_get_suggests_close_matches_for_an_unknown_name() -> None:
    with pytest.raises(NotFoundError, match=r"Maasgouw \(GM1641\)"):
        area_get(code_or_name="Maasg")
    with pytest.raises(NotFoundError, match="GM9999"):
        area_get(code_or_name="GM9999")


def test_every_municipality_can_be_found_by_its_name_and_its_code() -> None:
    for area in Area.objects.filter(kind="municipality"):
        assert area in area_search(query=area.name, limit=None), area
        assert area_search(query=area.code)[0] == area


def test_search_puts_names_that_start_with_the_query_first() -> None:
    results = area_search(query="Maas")
    assert results[0].name.startswith("Maas")


def test_regions_of_a_municipality_come_in_a_fixed_order() -> None:
    kinds = [r.kind for r in area_regions(area=Area.objects.get(code="GM1641"))]
    assert kinds == ["province", "police_unit", "safety_region", "country"]


def test_region_total_is_the_sum_of_its_members_population() -> None:
    members = region_members(region=Area.objects.get(code="RE02"))
    assert len(members.rows) == 76
    assert members.population_year == 2024
    expected = sum(
        Population.objects.filter(area__regions__code="RE02", year=2024).values_list(
            "inhabitants_count", flat=True
        )
    )
    assert members.population_total == expected > 3_000_000
    assert members.members_without_population == 0


def test_region_members_report_missing_population() -> None:
    Population.objects.filter(area__code="GM1641", year=2024).delete()
    members = region_members(region=Area.objects.get(code="RE10"), year=2024)
    assert members.members_without_population == 1
    assert next(r for r in members.rows if r.area.code == "GM1641").population is None
