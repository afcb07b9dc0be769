"""Writing annual reports through the API, and who sees a draft through it (the web pages: in
`ivp.reports.tests.test_draft_visibility`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ivp.accounts.tests.factories import UserFactory
from ivp.plans.constants import PlanStatus
from ivp.plans.services import plan_status_set
from ivp.plans.tests.factories import PlanWorld
from ivp.reports.constants import ReportStatus
from ivp.reports.models import AnnualReport, IndicatorExplanation, ReportEdition, ReportSection
from ivp.reports.tests.factories import YEAR, ReportWorld, report_world

from .conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_store(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def reports() -> ReportWorld:
    return report_world()


def _path(world: PlanWorld, year: int = YEAR) -> str:
    return f"/api/v1/plans/{world.plan.pk}/reports/{year}"


def _adopt(world: PlanWorld) -> None:
    world.plan.refresh_from_db()
    plan_status_set(actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED,
                    expected_version=world.plan.version, adopted_on=dt.date(2024, 3, 12))  # fmt: skip


def test_an_editor_writes_the_texts_and_finalising_waits_for_the_explanation_of_an_off_track_indicator(
    reports: ReportWorld,
) -> None:
    api = api_for(reports.editor)
    path = _path(reports)
    refused = api.patch(path, {"version": 0, "status": "final"})
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    [problem] = refused.json()["invalid_params"]
    assert (
        problem["name"] == "status"
        and "I2 Woninginbraken" in problem["reason"]
        and "I1" not in problem["reason"]
    )
    assert not ReportEdition.objects.exists()

    intro = api.patch(f"{path}/narratives/introduction", {"version": 0, "text": "Een rustig jaar."})
    assert intro.status_code == 200, intro.content
    assert (intro.json()["section"], intro.json()["version"], intro.json()["updated_by"]) == (
        "introduction", 1, reports.editor.username
    )  # fmt: skip
    stale = api.patch(f"{path}/narratives/introduction", {"version": 0, "text": "Iets anders"})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:ivp:problem:edit-conflict"
    priority = reports.priorities[0]
    saved = api.patch(f"{path}/priority-narratives/{priority.pk}", {"version": 0, "text": "Minder inbraken."})
    assert saved.status_code == 200 and saved.json()["theme"] == priority.code
    explained = api.patch(f"{path}/explanations/{reports.off_track.pk}",
                          {"version": 0, "text": "Een inbraakgolf in het voorjaar."})  # fmt: skip
    assert explained.status_code == 200 and explained.json()["indicator"] == "I2"

    report = api.get(path).json()
    assert (
        report["frozen"] is False
        and report["content"]["narratives"]["introduction"]["text"] == "Een rustig jaar."
    )
    assert api.patch(path, {"version": report["version"] + 1, "status": "final"}).status_code == 409
    final = api.patch(path, {"version": report["version"], "status": "final"})
    assert final.status_code == 200, final.content
    body = final.json()
    assert (body["status"], body["frozen"], body["edition"]) == ("final", True, 1)
    assert body["content"]["report"]["finalised_by"] == reports.editor.get_full_name()
    later = api.patch(f"{path}/narratives/conclusion", {"version": 0, "text": "Te laat"})
    assert later.status_code == 400 and "final" in later.json()["detail"]

    reopened = api.patch(path, {"version": body["version"], "status": "draft"})
    assert reopened.status_code == 200 and (reopened.json()["status"], reopened.json()["frozen"]) == (
        "draft",
        False,
    )
    assert api.patch(path, {"version": reopened.json()["version"], "status": "draft"}).status_code == 400
    assert ReportEdition.objects.count() == 1


def test_a_report_not_started_is_finalised_with_version_0_from_the_list(world: PlanWorld) -> None:
    api = api_for(world.editor)
    [first, *_rest] = api.get(f"/api/v1/plans/{world.plan.pk}/reports").json()["results"]
    assert (first["year"], first["version"]) == (2024, 0)
    final = api.patch(_path(world, 2024), {"version": 0, "status": "final"})
    assert final.status_code == 200, final.content
    assert final.json()["edition"] == 1 and AnnualReport.objects.get().status == ReportStatus.FINAL


def test_report_writes_are_refused_to_viewers_hidden_from_outsiders_and_checked(reports: ReportWorld) -> None:
    path = _path(reports)
    writes = [
        (path, {"version": 0, "status": "final"}),
        (f"{path}/narratives/introduction", {"version": 0, "text": "x"}),
        (f"{path}/explanations/{reports.off_track.pk}", {"version": 0, "text": "x"}),
    ]
    for target, body in writes:
        assert api_for(reports.viewer).patch(target, body).status_code == 403
        assert api_for(reports.outsider).patch(target, body).status_code == 404
    editor = api_for(reports.editor)
    assert editor.patch(f"{path}/narratives/preface", {"version": 0, "text": "x"}).status_code == 404
    assert editor.patch(f"{path}/priority-narratives/{reports.plan.themes.get(code='2.1').pk}",
                        {"version": 0, "text": "x"}).status_code == 400  # not a priority  # fmt: skip
    assert (
        editor.patch(
            f"{_path(reports, 2031)}/narratives/introduction", {"version": 0, "text": "x"}
        ).status_code
        == 404
    )
    invalid = editor.patch(f"{path}/narratives/introduction", {"version": -1})
    assert {p["name"] for p in invalid.json()["invalid_params"]} == {"version", "text"}
    assert not ReportSection.objects.exists() and not IndicatorExplanation.objects.exists()


def test_a_draft_report_of_an_adopted_plan_is_seen_by_its_members_only_and_final_editions_by_all(
    reports: ReportWorld,
) -> None:
    _adopt(reports)
    path = _path(reports)
    outsider = api_for(reports.outsider)
    hidden = outsider.get(path)
    assert hidden.status_code == 404 and "not final" in hidden.json()["detail"]
    assert (
        outsider.get(f"/api/v1/plans/{reports.plan.pk}/reports").status_code == 200
    )  # the years, with states
    for member in (reports.viewer, reports.editor, UserFactory(is_superuser=True)):
        assert api_for(member).get(path).json()["frozen"] is False

    editor = api_for(reports.editor)
    editor.patch(f"{path}/explanations/{reports.off_track.pk}", {"version": 0, "text": "Uitleg"})
    version = editor.get(path).json()["version"]
    editor.patch(path, {"version": version, "status": "final"})
    assert outsider.get(path).json()["edition"] == 1
    editor.patch(path, {"version": version + 1, "status": "draft"})  # reopened: a draft again
    seen = outsider.get(path).json()
    assert (seen["frozen"], seen["edition"], seen["status"]) == (True, 1, "draft")
    assert editor.get(path).json()["frozen"] is False
