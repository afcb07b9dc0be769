"""Statistics through the API: the same figures as `ivp.stats.selectors.figures`, never cut short."""

from __future__ import annotations

import pytest
from django.test import Client

from ivp.accounts.tests.factories import UserFactory
from ivp.api.serializers import MAX_FIGURE_ROWS
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures, store_status
from ivp.stats.store import StatsStore

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(bundled_store: StatsStore) -> Api:
    return api_for(UserFactory())


def test_figures_equal_the_selector_row_for_row_with_rates_and_sources(
    api: Api, bundled_store: StatsStore
) -> None:
    response = api.get("/api/v1/figures", {"area": ["GM1641", "RE10"], "crime": ["0.0.0", "1.1.1"],
                                           "from": "2021", "to": "2023", "per_1000": "true"})  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    expected = figures(area_codes=["GM1641", "RE10"], crime_codes=["0.0.0", "1.1.1"], first=parse_bound("2021"),
                       last=parse_bound("2023", end=True), grain=Grain.YEAR, per_1000=True, store=bundled_store)  # fmt: skip
    assert body["rows"] == [row.as_dict(per_1000=True) for row in expected.rows]
    assert body["count"] == len(body["rows"]) == 2 * 2 * 3
    assert body["demo"] is False and body["sources"] == expected.sources and body["sources"]
    assert all(r["per_1000"] is not None for r in body["rows"] if r["status"] == "ok")


def test_a_suppressed_figure_stays_null_with_its_status_never_zero(api: Api) -> None:
    body = api.get("/api/v1/figures", {"area": "Nederland", "crime": "1.4.1", "from": "2023-01", "to": "2023-06",
                                       "per": "month"}).json()  # fmt: skip
    suppressed = [r for r in body["rows"] if r["status"] == "suppressed"]
    assert suppressed and all(r["count"] is None for r in suppressed)
    assert {r["source"] for r in body["rows"]} == {"47025NED"}


def test_names_and_codes_select_the_same_areas_and_unknown_ones_are_named(api: Api) -> None:
    by_name = api.get("/api/v1/figures", {"area": "Maasgouw", "crime": "0.0.0", "from": "2022", "to": "2022"})
    by_code = api.get("/api/v1/figures", {"area": "GM1641", "crime": "0.0.0", "from": "2022", "to": "2022"})
    assert by_name.json() == by_code.json()
    response = api.get(
        "/api/v1/figures", {"area": "Atlantis", "crime": "9.9.9", "from": "2022", "to": "2021-13"}
    )
    body = response.json()
    assert response.status_code == 400 and body["type"] == "urn:ivp:problem:validation"
    assert {p["name"] for p in body["invalid_params"]} == {"area", "to"}
    unknown_crime = api.get(
        "/api/v1/figures", {"area": "GM1641", "crime": "9.9.9", "from": "2022", "to": "2022"}
    )
    assert unknown_crime.status_code == 400 and "9.9.9" in unknown_crime.json()["detail"]


def test_a_selection_over_the_row_limit_is_refused_naming_the_limit_not_truncated(api: Api) -> None:
    areas = [f"GM{code}" for code in ("1641", "0363", "0599", "0344", "0518")]
    response = api.get("/api/v1/figures", {"area": areas, "crime": ["0.0.0", "1.1.1"], "from": "1800",
                                           "to": "2200", "per": "month"})  # fmt: skip
    body = response.json()
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert body["type"] == "urn:ivp:problem:too-many-rows"
    assert f"{MAX_FIGURE_ROWS}" in body["detail"] and f"{5 * 2 * 401 * 12}" in body["detail"]


def test_a_range_without_a_whole_period_is_refused(api: Api) -> None:
    response = api.get(
        "/api/v1/figures", {"area": "GM1641", "crime": "0.0.0", "from": "2022-02", "to": "2022-12"}
    )
    assert response.status_code == 400 and response.json()["invalid_params"][0]["name"] == "per"


def test_crime_types_come_as_a_tree_per_classification_with_totals(api: Api) -> None:
    body = api.get("/api/v1/crime-types", {"classification": "politie", "page_size": 1000}).json()
    codes = {r["code"]: r for r in body["results"]}
    assert body["count"] == len(body["results"]) and body["next"] is None
    assert codes["1.1.1"]["parent_code"] == "0.0.0" and codes["0.0.0"]["is_total"] is True
    assert all(r["parent_code"] in codes for r in body["results"] if r["parent_code"])  # a tree
    assert {r["classification"] for r in body["results"]} == {"politie"}
    paged = api.get("/api/v1/crime-types", {"page_size": 10}).json()
    assert len(paged["results"]) == 10 and paged["count"] > body["count"] and "page=2" in paged["next"]


def test_the_store_status_is_the_selectors(api: Api) -> None:
    body = api.get("/api/v1/store").json()
    assert body["version"] == store_status()["version"] and "politie_47025" in body["sources"]


def test_figures_need_a_sign_in(bundled_store: StatsStore) -> None:
    assert Client().get("/api/v1/figures", {"area": "GM1641"}).status_code == 401
