"""Annual reports through the API: read by whoever may see the plan, frozen editions as given."""

from __future__ import annotations

import pytest
from django.test import Client

from ivp.plans.tests.factories import PlanWorld
from ivp.reports.services import annual_report_finalise, annual_report_get_or_create
from ivp.stats.store import StatsStore

from .conftest import api_for

pytestmark = pytest.mark.django_db


def test_every_year_of_the_plan_is_listed_with_the_state_of_its_report(world: PlanWorld) -> None:
    body = api_for(world.viewer).get(f"/api/v1/plans/{world.plan.pk}/reports").json()
    assert body["count"] == 4 and [r["year"] for r in body["results"]] == [2024, 2025, 2026, 2027]
    assert all(r["status"] == "draft" and r["edition"] == 0 and r["version"] == 0 for r in body["results"])


def test_a_final_report_is_its_frozen_edition_and_a_draft_is_computed_now(
    world: PlanWorld, store: StatsStore
) -> None:
    api = api_for(world.viewer)
    path = f"/api/v1/plans/{world.plan.pk}/reports/2024"
    draft = api.get(path).json()
    assert draft["frozen"] is False and draft["edition"] is None and draft["editions"] == []
    assert draft["content"]["plan"]["title"] == world.plan.title
    report = annual_report_get_or_create(actor=world.editor, plan=world.plan, year=2024)
    edition = annual_report_finalise(
        actor=world.editor, plan=world.plan, year=2024, expected_version=report.version
    )
    final = api.get(path).json()
    assert final["frozen"] is True and final["edition"] == 1 and final["content"] == edition.content
    assert [e["number"] for e in final["editions"]] == [1]
    listed = api.get(f"/api/v1/plans/{world.plan.pk}/reports").json()["results"][0]
    assert (listed["status"], listed["edition"]) == ("final", 1)
    assert api.get(path, {"edition": 1}).json()["content"] == edition.content
    assert api.get(path, {"edition": 2}).status_code == 404


def test_reports_of_a_plan_you_may_not_see_or_outside_its_years_are_not_found(world: PlanWorld) -> None:
    path = f"/api/v1/plans/{world.plan.pk}/reports"
    assert api_for(world.outsider).get(path).status_code == 404
    assert api_for(world.outsider).get(f"{path}/2024").status_code == 404
    response = api_for(world.editor).get(f"{path}/2031")
    assert response.status_code == 404 and "2027" in response.json()["detail"]
    assert Client().get(path).status_code == 401
