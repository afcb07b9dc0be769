"""Plans through the API: who sees what, values entered by hand, and edits with a version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from ivp.plans.constants import Direction, IndicatorSource, IndicatorUnit, PlanStatus
from ivp.plans.models import Indicator, IndicatorValue, PlanRevision, Theme
from ivp.plans.services import item_create, plan_status_set
from ivp.plans.tests.factories import PlanWorld

from .conftest import api_for

pytestmark = pytest.mark.django_db


def _indicator(world: PlanWorld, *, linked: bool = False) -> Indicator:
    data = {"code": "I1", "name": "Rapportcijfer veiligheid buurt", "source": IndicatorSource.SURVEY,
            "unit": IndicatorUnit.MARK, "direction": Direction.UP}  # fmt: skip
    if linked:
        data |= {"code": "I2", "name": "Woninginbraken", "source": IndicatorSource.POLICE,
                 "unit": IndicatorUnit.COUNT, "direction": Direction.DOWN, "stats_crime_code": "1.1.1"}  # fmt: skip
    return item_create(actor=world.editor, plan=world.plan, model=Indicator, data=data)


def test_a_draft_plan_is_seen_by_its_members_only_and_hidden_as_not_found_from_others(
    world: PlanWorld,
) -> None:
    theme = Theme.objects.filter(plan=world.plan).first()
    assert theme is not None
    paths = [f"/api/v1/plans/{world.plan.pk}", f"/api/v1/themes/{theme.pk}"]
    for user in (world.editor, world.viewer):
        api = api_for(user)
        listed = api.get("/api/v1/plans").json()
        assert [p["id"] for p in listed["results"]] == [world.plan.pk] and listed["count"] == 1
        assert all(api.get(path).status_code == 200 for path in paths)
    outsider = api_for(world.outsider)
    assert outsider.get("/api/v1/plans").json() == {"count": 0, "next": None, "previous": None, "results": []}
    for path in paths:
        response = outsider.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert all(Client().get(path).status_code == 401 for path in paths)


def test_an_adopted_plan_is_public_to_every_signed_in_user(world: PlanWorld) -> None:
    plan_status_set(actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED,
                    expected_version=world.plan.version, adopted_on=dt.date(2024, 3, 12))  # fmt: skip
    outsider = api_for(world.outsider)
    assert outsider.get("/api/v1/plans", {"status": "adopted"}).json()["count"] == 1
    assert outsider.get("/api/v1/plans", {"status": "draft"}).json()["count"] == 0
    body = outsider.get(f"/api/v1/plans/{world.plan.pk}").json()
    assert body["status"] == "adopted" and body["municipalities"] == ["GM1641"]


def test_the_plan_detail_holds_fields_themes_and_indicators_with_their_values(world: PlanWorld) -> None:
    indicator = _indicator(world)
    api = api_for(world.editor)
    api.post(f"/api/v1/indicators/{indicator.pk}/values", {"year": 2024, "value": "7.2", "source": "Panel"})
    body = api.get(f"/api/v1/plans/{world.plan.pk}").json()
    assert [f["code"] for f in body["safety_fields"]] == ["1", "2", "3", "4", "5"]
    assert {t["code"] for t in body["themes"]} >= {"1.1", "5.2"}
    assert body["themes"][0]["field"] in {"1", "2", "3", "4", "5"}
    [listed] = body["indicators"]
    assert listed["code"] == "I1" and listed["linked"] is False
    assert [(v["year"], v["value"], v["source"]) for v in listed["values"]] == [(2024, 7.2, "Panel")]


def test_an_editor_adds_a_value_that_is_appended_and_recorded_as_a_revision(world: PlanWorld) -> None:
    indicator = _indicator(world)
    api = api_for(world.editor)
    path = f"/api/v1/indicators/{indicator.pk}/values"
    first = api.post(
        path, {"year": 2024, "value": 7.2, "source": "Inwonerspanel", "measured_on": "2024-05-01"}
    )
    assert first.status_code == 201, first.content
    assert first.json()["entered_by"] == world.editor.username
    assert api.post(path, {"year": 2024, "value": "7.3", "source": "Inwonerspanel"}).status_code == 201
    assert [v.value for v in IndicatorValue.objects.filter(indicator=indicator)] == [
        Decimal("7.2"),
        Decimal("7.3"),
    ]
    listed = api.get(path).json()
    assert listed["count"] == 2 and [r["value"] for r in listed["results"]] == [7.2, 7.3]
    latest = PlanRevision.objects.filter(plan=world.plan).first()
    assert latest is not None and latest.user == world.editor and "value 2024" in latest.changes


def test_values_from_viewers_outsiders_and_for_linked_indicators_are_refused(world: PlanWorld) -> None:
    manual, linked = _indicator(world), _indicator(world, linked=True)
    body = {"year": 2024, "value": 7, "source": "x"}
    assert api_for(world.viewer).post(f"/api/v1/indicators/{manual.pk}/values", body).status_code == 403
    assert api_for(world.outsider).post(f"/api/v1/indicators/{manual.pk}/values", body).status_code == 404
    assert (
        Client()
        .post(f"/api/v1/indicators/{manual.pk}/values", body, content_type="application/json")
        .status_code
        == 401
    )
    response = api_for(world.editor).post(f"/api/v1/indicators/{linked.pk}/values", body)
    assert response.status_code == 400 and "police statistics" in response.json()["detail"]
    assert not IndicatorValue.objects.exists()


def test_an_invalid_value_names_each_invalid_field(world: PlanWorld) -> None:
    indicator = _indicator(world)
    response = api_for(world.editor).post(
        f"/api/v1/indicators/{indicator.pk}/values", {"year": 1900, "value": "zeven", "source": ""}
    )
    body = response.json()
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in body["invalid_params"]} == {"year", "value", "source"}


def test_a_form_encoded_body_is_refused_with_415(world: PlanWorld) -> None:
    indicator = _indicator(world)
    api = api_for(world.editor)
    response = api.client.post(f"/api/v1/indicators/{indicator.pk}/values", "year=2024",
                               content_type="application/x-www-form-urlencoded",
                               HTTP_AUTHORIZATION=f"Token {api.key}")  # fmt: skip
    assert response.status_code == 415 and response["Content-Type"] == "application/problem+json"


def test_an_edit_with_the_current_version_is_saved_and_a_stale_one_is_a_409_conflict(
    world: PlanWorld,
) -> None:
    theme = Theme.objects.get(plan=world.plan, code="5.2")
    api = api_for(world.editor)
    path = f"/api/v1/themes/{theme.pk}"
    opened = api.get(path).json()["version"]
    saved = api.patch(path, {"version": opened, "is_priority": True, "goals": ["Minder ondermijning"]})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == opened + 1 and saved.json()["goals"] == ["Minder ondermijning"]
    stale = api.patch(path, {"version": opened, "goals": ["Iets anders"]})
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    assert (
        stale.json()["type"] == "urn:ivp:problem:edit-conflict" and "Someone else" in stale.json()["detail"]
    )
    theme.refresh_from_db()
    assert theme.goals == ["Minder ondermijning"]


def test_an_indicator_edit_checks_the_models_rules_and_the_version(world: PlanWorld) -> None:
    indicator = _indicator(world)
    api = api_for(world.editor)
    path = f"/api/v1/indicators/{indicator.pk}"
    refused = api.patch(path, {"version": indicator.version, "target_comparator": "at_least"})
    assert refused.status_code == 400 and refused.json()["invalid_params"]
    saved = api.patch(path, {"version": indicator.version, "baseline_value": "7.1", "baseline_year": 2023,
                             "target_comparator": "at_least", "target_value": 7.5})  # fmt: skip
    assert saved.status_code == 200, saved.content
    assert (saved.json()["baseline_value"], saved.json()["target_value"]) == (7.1, 7.5)
    assert api.patch(path, {"version": indicator.version, "name": "x"}).status_code == 409
    assert api.patch(path, {"version": saved.json()["version"]}).status_code == 400  # nothing to change
    assert api_for(world.outsider).patch(path, {"version": 2, "name": "x"}).status_code == 404
