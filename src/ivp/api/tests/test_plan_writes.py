"""Writing plans through the API: the plan editor's services, its version lock and its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ivp.plans.constants import PlanStatus
from ivp.plans.models import (
    Action,
    Indicator,
    Partner,
    Plan,
    PlanRevision,
    PortfolioHolder,
    SafetyField,
    Theme,
)
from ivp.plans.services import plan_status_set
from ivp.plans.tests.factories import PlanWorld, plan_world

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


def _delete(api: Api, path: str, version: Any = None) -> Any:
    query = "" if version is None else f"?version={version}"
    return api.client.delete(path + query, **api._headers())


def _revisions(plan: Plan) -> int:
    return PlanRevision.objects.filter(plan=plan).count()


def _invalid(response: Any) -> set[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {p["name"] for p in response.json()["invalid_params"]}


# --- a plan ---------------------------------------------------------------------------------


def test_an_editor_makes_a_draft_plan_for_their_organisation_from_the_catalogue(world: PlanWorld) -> None:
    response = api_for(world.editor).post(
        "/api/v1/plans",
        {"organisation": "Gemeente Maasgouw", "title": "IVP 2028-2031", "start_year": 2028, "end_year": 2031},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["municipalities"], body["version"]) == ("draft", ["GM1641"], 1)
    assert [f["code"] for f in body["safety_fields"]] == ["1", "2", "3", "4", "5"]
    plan = Plan.objects.get(pk=body["id"])
    [created] = PlanRevision.objects.filter(plan=plan)
    assert (created.kind, created.user) == ("create", world.editor)


def test_a_plan_for_another_organisation_or_with_unknown_parts_is_refused_and_nothing_is_made(
    world: PlanWorld,
) -> None:
    before = Plan.objects.count()
    body = {"organisation": "Gemeente Maasgouw", "title": "x", "start_year": 2028, "end_year": 2031}
    assert api_for(world.outsider).post("/api/v1/plans", body).status_code == 403
    assert api_for(world.viewer).post("/api/v1/plans", body).status_code == 403
    editor = api_for(world.editor)
    assert _invalid(editor.post("/api/v1/plans", body | {"organisation": "Atlantis"})) == {"organisation"}
    assert _invalid(editor.post("/api/v1/plans", body | {"municipalities": ["GM1641", "XX99"]})) == {
        "municipalities"
    }
    assert _invalid(editor.post("/api/v1/plans", body | {"municipalities": ["PV31"]})) == {"municipalities"}
    assert _invalid(editor.post("/api/v1/plans", body | {"end_year": 2045})) == {"end_year"}
    assert Plan.objects.count() == before


def test_a_plan_is_changed_and_adopted_with_the_version_and_each_change_is_in_its_history(
    world: PlanWorld,
) -> None:
    api = api_for(world.editor)
    path = f"/api/v1/plans/{world.plan.pk}"
    saved = api.patch(path, {"version": 1, "vision": "Samen veilig", "budget_notes": "Bestaand budget"})
    assert saved.status_code == 200, saved.content
    assert (saved.json()["vision"], saved.json()["version"]) == ("Samen veilig", 2)
    assert api.patch(path, {"version": 1, "title": "Oud"}).status_code == 409
    assert _invalid(api.patch(path, {"version": 2, "status": "adopted"})) == {"adopted_on"}
    assert _invalid(api.patch(path, {"version": 2, "adopted_on": "2024-03-12"})) == {"adopted_on"}
    adopted = api.patch(path, {"version": 2, "status": "adopted", "adopted_on": "2024-03-12",
                               "adopted_by": "gemeenteraad", "title": "IVP Maasgouw"})  # fmt: skip
    assert adopted.status_code == 200, adopted.content
    body = adopted.json()
    assert (body["status"], body["adopted_on"], body["adopted_by"], body["title"]) == (
        "adopted", "2024-03-12", "gemeenteraad", "IVP Maasgouw"
    )  # fmt: skip
    latest = PlanRevision.objects.filter(plan=world.plan).first()
    assert latest is not None and latest.user == world.editor
    assert set(latest.changes) == {"status", "adopted_on", "adopted_by", "title"}
    draft = api.patch(path, {"version": 3, "status": "draft"}).json()
    assert (draft["status"], draft["adopted_on"], draft["adopted_by"]) == ("draft", None, "")


def test_viewers_get_403_and_outsiders_404_for_a_change_and_the_plan_stays_as_it_was(
    world: PlanWorld,
) -> None:
    path = f"/api/v1/plans/{world.plan.pk}"
    assert api_for(world.viewer).patch(path, {"version": 1, "title": "x"}).status_code == 403
    assert api_for(world.outsider).patch(path, {"version": 1, "title": "x"}).status_code == 404
    plan_status_set(actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED, expected_version=1,
                    adopted_on=dt.date(2024, 3, 12))  # fmt: skip
    refused = api_for(world.outsider).patch(path, {"version": 2, "title": "x"})  # visible now, not theirs
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert Plan.objects.get(pk=world.plan.pk).title == world.plan.title


# --- items ----------------------------------------------------------------------------------


def test_an_editor_adds_changes_and_deletes_a_theme_with_the_version_lock(world: PlanWorld) -> None:
    api = api_for(world.editor)
    added = api.post(f"/api/v1/plans/{world.plan.pk}/themes",
                     {"field": "5", "code": "5.6", "name": "Mensenhandel", "is_priority": True,
                      "goals": ["Signalen eerder herkennen"]})  # fmt: skip
    assert added.status_code == 201, added.content
    theme = added.json()
    assert (theme["field"], theme["is_priority"], theme["version"]) == ("5", True, 1)
    assert theme["position"] == Theme.objects.filter(plan=world.plan).count() - 1
    path = f"/api/v1/themes/{theme['id']}"
    moved = api.patch(path, {"version": 1, "field": "1", "code": "1.5"})
    assert moved.status_code == 200 and (moved.json()["field"], moved.json()["version"]) == ("1", 2)
    assert _delete(api, path, version=1).status_code == 409
    assert _invalid(_delete(api, path)) == {"version"}
    assert Theme.objects.filter(pk=theme["id"]).exists()
    revisions = _revisions(world.plan)
    assert _delete(api, path, version=2).status_code == 204
    assert not Theme.objects.filter(pk=theme["id"]).exists()
    latest = PlanRevision.objects.filter(plan=world.plan).first()
    assert latest is not None and latest.kind == "delete" and _revisions(world.plan) == revisions + 1
    assert api.get(path).status_code == 404


def test_an_item_names_its_relations_by_code_within_its_plan_and_a_break_names_the_field(
    world: PlanWorld,
) -> None:
    api = api_for(world.editor)
    themes = f"/api/v1/plans/{world.plan.pk}/themes"
    revisions = _revisions(world.plan)
    assert _invalid(api.post(themes, {"field": "9", "code": "9.1", "name": "x"})) == {"field"}
    assert _invalid(api.post(themes, {"field": "5", "code": "5.2", "name": "Dubbel"})) == {"code"}
    assert _invalid(
        api.post(themes, {"field": "5", "code": "5.7", "name": "x", "municipality": "GM1641"})
    ) == {"municipality"}  # a plan of one municipality has no local spearheads
    indicators = f"/api/v1/plans/{world.plan.pk}/indicators"
    base = {"code": "I9", "name": "Inbraken", "source": "police", "unit": "count", "direction": "down"}
    assert _invalid(api.post(indicators, base | {"theme": "7.7"})) == {"theme"}
    assert _invalid(api.post(indicators, base | {"theme": "1.3\x00"})) == {"theme"}  # NUL: on PostgreSQL too
    assert _invalid(api.post(indicators, base | {"stats_crime_code": "9.9.9"})) == {"stats_crime_code"}
    assert _invalid(api.post(indicators, base | {"target_value": 10})) == {"target_comparator"}
    assert _invalid(api.post(indicators, base | {"target_comparator": "at_most", "target_value": 10})) == {
        "baseline_year"
    }
    assert _revisions(world.plan) == revisions and not Indicator.objects.filter(plan=world.plan).exists()
    made = api.post(indicators, base | {"theme": "1.3", "baseline_value": 40, "baseline_year": 2023,
                                        "target_comparator": "reduce_by_pct", "target_value": 25})  # fmt: skip
    assert made.status_code == 201, made.content
    assert (made.json()["theme"], made.json()["target_value"]) == ("1.3", 25.0)
    path = f"/api/v1/indicators/{made.json()['id']}"
    cleared = api.patch(path, {"version": 1, "target_comparator": ""}).json()
    assert (cleared["target_comparator"], cleared["target_value"], cleared["target_year"]) == ("", None, None)
    assert _invalid(api.patch(path, {"version": 2, "target_value": 5})) == {"target_comparator"}


@pytest.mark.parametrize(
    ("collection", "model", "body", "change"),
    [
        ("safety-fields", SafetyField, {"code": "6", "name": "Digitaal"}, {"name": "Digitale veiligheid"}),
        ("partners", Partner, {"name": "Politie", "kind": "external", "role": "Opsporing"}, {"kind": "internal"}),
        ("portfolio-holders", PortfolioHolder, {"name": "J. Jansen", "office": "burgemeester",
                                                "themes": ["5.2", "1.3"]}, {"themes": ["3.1"]}),
        ("actions", Action, {"year": 2025, "theme": "1.3", "title": "Preventie-avond",
                             "lead_party": "Gemeente"}, {"status": "done", "theme": None}),
    ],
)  # fmt: skip
def test_every_kind_of_item_is_added_changed_and_deleted_as_in_the_web_editor(
    world: PlanWorld, collection: str, model: type[Any], body: dict[str, Any], change: dict[str, Any]
) -> None:
    api = api_for(world.editor)
    added = api.post(f"/api/v1/plans/{world.plan.pk}/{collection}", body)
    assert added.status_code == 201, added.content
    item = added.json()
    assert all(item[key] == value for key, value in body.items() if key != "themes")
    if "themes" in body:
        assert sorted(item["themes"]) == sorted(body["themes"])
    path = f"/api/v1/{collection}/{item['id']}"
    assert api.get(path).json() == item
    changed = api.patch(path, {"version": 1, **change})
    assert changed.status_code == 200, changed.content
    assert all(changed.json()[key] == value for key, value in change.items())
    assert api.patch(path, {"version": 1, **change}).status_code == 409
    latest = PlanRevision.objects.filter(plan=world.plan).first()
    assert latest is not None and latest.kind == "update" and latest.object_id == item["id"]
    assert _delete(api, path, version=2).status_code == 204
    assert not model.objects.filter(pk=item["id"]).exists()
    detail = api.get(f"/api/v1/plans/{world.plan.pk}").json()
    assert item["id"] not in [i["id"] for i in detail[collection.replace("-", "_")]]


def test_a_safety_field_still_in_use_is_not_deleted(world: PlanWorld) -> None:
    field = SafetyField.objects.get(plan=world.plan, code="5")
    response = _delete(api_for(world.editor), f"/api/v1/safety-fields/{field.pk}", version=field.version)
    assert response.status_code == 400 and "still in use" in response.json()["detail"]
    assert SafetyField.objects.filter(pk=field.pk).exists()


def test_items_of_a_plan_are_refused_to_viewers_and_hidden_from_outsiders(world: PlanWorld) -> None:
    theme = Theme.objects.get(plan=world.plan, code="5.2")
    for path, method, body in [
        (f"/api/v1/plans/{world.plan.pk}/partners", "post", {"name": "x", "kind": "external"}),
        (f"/api/v1/themes/{theme.pk}", "patch", {"version": 1, "name": "x"}),
    ]:
        assert getattr(api_for(world.viewer), method)(path, body).status_code == 403
        assert getattr(api_for(world.outsider), method)(path, body).status_code == 404
        assert getattr(Client(), method)(path, body, content_type="application/json").status_code == 401
    assert _delete(api_for(world.viewer), f"/api/v1/themes/{theme.pk}", version=1).status_code == 403
    assert _delete(api_for(world.outsider), f"/api/v1/themes/{theme.pk}", version=1).status_code == 404
    assert not Partner.objects.exists() and Theme.objects.get(pk=theme.pk).name == theme.name


def test_a_joint_plan_names_the_municipality_of_a_local_spearhead() -> None:
    world = plan_world()
    api = api_for(world.editor)
    joint = api.post("/api/v1/plans", {"organisation": "Gemeente Maasgouw", "title": "Samen", "start_year": 2025,
                                       "end_year": 2028, "municipalities": ["GM1641", "GM0888"]})  # fmt: skip
    assert joint.status_code == 201, joint.content
    plan_id = joint.json()["id"]
    added = api.post(f"/api/v1/plans/{plan_id}/themes",
                     {"field": "1", "code": "1.9", "name": "Overlast", "municipality": "GM0888"})  # fmt: skip
    assert added.status_code == 201 and added.json()["municipality"] == "GM0888"
    assert _invalid(
        api.post(
            f"/api/v1/plans/{plan_id}/themes",
            {"field": "1", "code": "1.8", "name": "x", "municipality": "GM0363"},
        )
    ) == {"municipality"}
