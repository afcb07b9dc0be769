"""Areas through the API: lists by kind and region, pages with totals, and the detail."""

from __future__ import annotations

import pytest

from ivp.accounts.tests.factories import UserFactory
from ivp.areas.selectors import municipality_list, population_history

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db: object) -> Api:
    return api_for(UserFactory())


def test_the_municipalities_of_a_police_unit_by_code_or_name_match_the_selector(api: Api) -> None:
    expected = [
        a.code
        for a in municipality_list(region=municipality_list().get(code="GM1641").regions.get(code="RE10"))
    ]
    for region in ("RE10", "re10 "):
        body = api.get("/api/v1/areas", {"region": region, "page_size": 1000}).json()
        assert body["count"] == len(expected) and [a["code"] for a in body["results"]] == expected
    assert api.get("/api/v1/areas", {"region": "RE10", "kind": "province"}).json()["count"] == 0


def test_areas_of_one_kind_come_in_pages_with_totals_and_links(api: Api) -> None:
    first = api.get("/api/v1/areas", {"kind": "municipality", "page_size": 100}).json()
    assert first["count"] == municipality_list().count() > 300
    assert len(first["results"]) == 100 and first["previous"] is None and "page=2" in first["next"]
    last_page = (first["count"] + 99) // 100
    last = api.get("/api/v1/areas", {"kind": "municipality", "page_size": 100, "page": last_page}).json()
    assert last["next"] is None and len(last["results"]) == first["count"] - 100 * (last_page - 1)
    units = api.get("/api/v1/areas", {"kind": "police_unit"}).json()
    assert units["count"] == 10 and {a["kind"] for a in units["results"]} == {"police_unit"}


def test_a_municipality_detail_has_its_regions_and_population_history(api: Api) -> None:
    body = api.get("/api/v1/areas/GM1641").json()
    assert (body["code"], body["name"], body["kind"]) == ("GM1641", "Maasgouw", "municipality")
    assert {r["code"] for r in body["regions"]} == {"PV31", "RE10", "VR23", "NL01"} and body["members"] == []
    history = population_history(area=municipality_list().get(code="GM1641"))
    assert [(p["year"], p["inhabitants_count"]) for p in body["population"]] == [
        (p.year, p.inhabitants_count) for p in history
    ]


def test_a_region_detail_lists_its_members_and_an_unknown_code_is_a_404_problem(api: Api) -> None:
    body = api.get("/api/v1/areas/re10").json()
    assert body["kind"] == "police_unit" and "GM1641" in {m["code"] for m in body["members"]}
    response = api.get("/api/v1/areas/GM9999")
    assert response.status_code == 404 and response.json()["detail"] == "No area 'GM9999'."
