"""Every error under /api/ is an RFC 7807 problem document, whoever produces it."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from ivp.accounts.constants import Role
from ivp.accounts.tests.factories import MembershipFactory
from ivp.api.problems import server_error

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db: object) -> Api:
    """An editor of some organisation: past the read-only check, so each error is the one tested."""
    return api_for(MembershipFactory(role=Role.EDITOR).user)


def assert_problem(response: object, status: int) -> dict[str, object]:
    assert getattr(response, "status_code") == status  # noqa: B009
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    body: dict[str, object] = json.loads(getattr(response, "content"))  # noqa: B009
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_an_address_under_api_that_matches_nothing_is_a_404_problem_not_an_html_page(api: Api) -> None:
    for path in ("/api/v1/nothing-here", "/api/v1/plans/abc", "/api/v1/areas/"):
        body = assert_problem(api.get(path), 404)
        assert body["instance"] == path and body["type"] == "about:blank"


def test_outside_the_api_the_html_404_page_stays(api: Api) -> None:
    response = api.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_does_not_offer_is_a_405_problem_with_allow(api: Api) -> None:
    response = api.post("/api/v1/areas", {})
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_validation_errors_name_every_invalid_parameter(api: Api) -> None:
    body = assert_problem(api.get("/api/v1/areas", {"kind": "planet", "region": "Atlantis"}), 400)
    assert body["type"] == "urn:ivp:problem:validation"
    names = {p["name"] for p in body["invalid_params"]}  # type: ignore[attr-defined]
    assert names == {"kind", "region"}
    assert all(p["reason"] for p in body["invalid_params"])  # type: ignore[attr-defined]


def test_a_page_size_over_the_maximum_is_refused_not_lowered(api: Api) -> None:
    body = assert_problem(api.get("/api/v1/areas", {"page_size": 5000}), 400)
    assert body["invalid_params"] == [{"name": "page_size", "reason": body["invalid_params"][0]["reason"]}]  # type: ignore[index]
    assert "1000" in body["invalid_params"][0]["reason"]  # type: ignore[index]
    assert_problem(api.get("/api/v1/areas", {"page": 999}), 404)


def test_a_server_error_under_api_is_a_500_problem() -> None:
    request = RequestFactory().get("/api/v1/figures")
    body = assert_problem(server_error(request), 500)
    assert body["instance"] == "/api/v1/figures"


def test_problem_texts_are_dutch_by_default_and_the_type_stays_the_same(api: Api) -> None:
    dutch = Api(api.client, api.key, language="nl").get("/api/v1/areas", {"kind": "planet"}).json()
    english = api.get("/api/v1/areas", {"kind": "planet"}).json()
    assert (dutch["title"], english["title"]) == ("Ongeldig verzoek", "Invalid request")
    assert dutch["type"] == english["type"] == "urn:ivp:problem:validation"
    assert dutch["invalid_params"][0]["name"] == english["invalid_params"][0]["name"] == "kind"
