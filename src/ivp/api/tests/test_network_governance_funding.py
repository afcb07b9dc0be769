"""The networks API's governance and funding writes: only the network's coordinators (403 for
members, 404 for outsiders), through the services, each recorded in the audit trail; the funding
scheme's `version` guards against a lost update (409); every problem names its field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ivp.core.models import AuditEvent
from ivp.funding.models import BudgetAmount, FundingScheme, InKindContribution
from ivp.funding.services import scheme_save
from ivp.networks.models import (
    CalendarActivity,
    ExpertTeam,
    ExpertTeamMember,
    Milestone,
    SteeringMember,
    WorkingGroupMember,
)
from ivp.networks.tests.factories import LimburgWorld, limburg_world, network_world

from .conftest import api_for
from .test_network_decisions import invalid, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def limburg() -> LimburgWorld:
    return limburg_world()


def test_the_coordinators_keep_the_governance(limburg: LimburgWorld) -> None:
    api = api_for(limburg.coordinator)
    base = f"/api/v1/networks/{limburg.network.pk}"
    first = api.post(f"{base}/steering-members", {"name": "A. Voorzitter", "office": "burgemeester",
                                                  "chair": True, "portfolio": "5.2"})  # fmt: skip
    assert first.status_code == 201, first.json()
    assert first.json() | {"id": 0} == {"id": 0, "name": "A. Voorzitter", "office": "burgemeester", "district": "",
                                        "chair": True, "portfolio": "5.2"}  # fmt: skip
    second = api.post(f"{base}/steering-members", {"name": "B. Burgemeester", "office": "burgemeester",
                                                   "chair": True})  # fmt: skip
    assert second.status_code == 201
    assert list(SteeringMember.objects.filter(is_chair=True).values_list("name", flat=True)) == [
        "B. Burgemeester"
    ]
    chair = AuditEvent.objects.filter(object_type="steering member").order_by("pk").last()
    assert chair is not None and chair.changes == {"chair": ["A. Voorzitter", "B. Burgemeester"]}
    twice = api.post(f"{base}/steering-members", {"name": "B. Burgemeester", "office": "wethouder"})
    assert invalid(twice) == {"name"}
    assert invalid(
        api.post(f"{base}/steering-members", {"name": "C", "office": "x", "portfolio": "9.9"})
    ) == {"portfolio"}

    team = api.post(f"{base}/expert-teams", {"name": "Expertteam ondermijning", "theme": "5.2",
                                             "started_on": "2025-02-01"})  # fmt: skip
    assert team.status_code == 201, team.json()
    team_id = team.json()["id"]
    expert = api.post(
        f"/api/v1/expert-teams/{team_id}/members", {"name": "E. Expert", "organisation": "Politie"}
    )
    assert expert.status_code == 201 and expert.json()["organisation"] == "Politie"
    early = api.post(f"/api/v1/expert-teams/{team_id}/dissolution",
                     {"dissolved_on": "2024-01-01", "final_report": "Klaar"})  # fmt: skip
    assert invalid(early) == {"dissolved_on"}
    done = api.post(f"/api/v1/expert-teams/{team_id}/dissolution",
                    {"dissolved_on": "2025-12-01", "final_report": "Eindrapport"})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "dissolved"
    assert ExpertTeam.objects.get(pk=team_id).final_report == "Eindrapport"
    assert send(api, "delete", f"/api/v1/expert-team-members/{expert.json()['id']}").status_code == 204

    worker = api.post(
        f"{base}/working-group", {"name": "W. Werker", "organisation": "RIEC", "role": "secretaris"}
    )
    assert worker.status_code == 201
    assert send(api, "delete", f"/api/v1/working-group-members/{worker.json()['id']}").status_code == 204
    milestone = api.post(f"{base}/milestones", {"title": "Strategie vastgesteld", "due_on": "2025-12-10"})
    assert milestone.status_code == 201 and milestone.json()["status"] == "planned"
    path = f"/api/v1/milestones/{milestone.json()['id']}"
    assert api.patch(path, {"status": "done"}).json()["status"] == "done"
    assert invalid(api.patch(path, {"status": "adopted"})) == {"status"}
    activity = api.post(f"{base}/calendar-activities", {"title": "Stuurgroep", "starts_on": "2025-01-15",
                                                        "recurrence": "quarterly"})  # fmt: skip
    assert activity.status_code == 201 and activity.json()["recurrence"] == "quarterly"
    detail = api.get(base).json()["governance"]
    assert [a["title"] for a in detail["calendar"]] == ["Stuurgroep"]
    assert detail["expert_teams"][0]["members"] == []
    assert send(api, "delete", path).status_code == 204
    assert send(api, "delete", f"/api/v1/calendar-activities/{activity.json()['id']}").status_code == 204
    assert send(api, "delete", f"/api/v1/steering-members/{second.json()['id']}").status_code == 204
    assert not Milestone.objects.exists() and not CalendarActivity.objects.exists()
    assert not WorkingGroupMember.objects.exists() and not ExpertTeamMember.objects.exists()

    recorded = {(e.action, e.object_type) for e in AuditEvent.objects.filter(actor=limburg.coordinator)}
    assert {("added", "steering member"), ("created", "expert team"), ("added", "expert team member"),
            ("dissolved", "expert team"), ("added", "working group member"), ("created", "milestone"),
            ("changed", "milestone"), ("created", "calendar activity"), ("removed", "milestone"),
            ("removed", "calendar activity"), ("removed", "steering member"),
            ("removed", "expert team member"), ("removed", "working group member")} <= recorded  # fmt: skip


def test_members_and_outsiders_do_not_change_the_governance(limburg: LimburgWorld) -> None:
    base = f"/api/v1/networks/{limburg.network.pk}"
    body = {"title": "Mijlpaal", "due_on": "2025-12-10"}
    assert api_for(limburg.maasgouw_editor).post(f"{base}/milestones", body).status_code == 403
    oost = network_world()
    assert api_for(oost.coordinator).post(f"{base}/milestones", body).status_code == 404
    assert (
        api_for(oost.member_viewer).post(f"{base}/milestones", body).status_code == 403
    )  # a viewer: before all
    member = SteeringMember.objects.create(network=limburg.network, name="A", office="b")
    assert (
        send(api_for(limburg.maasgouw_editor), "delete", f"/api/v1/steering-members/{member.pk}").status_code
        == 403
    )
    assert (
        send(api_for(oost.coordinator), "delete", f"/api/v1/steering-members/{member.pk}").status_code == 404
    )
    assert not Milestone.objects.exists() and SteeringMember.objects.filter(pk=member.pk).exists()


def test_the_coordinators_set_up_and_change_the_funding(limburg: LimburgWorld) -> None:
    api = api_for(limburg.coordinator)
    base = f"/api/v1/networks/{limburg.network.pk}/funding"
    assert api.patch(f"{base}/scheme", {"version": 1, "notes": "x"}).status_code == 404  # none yet
    no_figures = send(
        api, "put", f"{base}/scheme", {"rate_per_inhabitant_eur": 0.07, "population_year": 1990}
    )
    assert invalid(no_figures) == {"population_year"} and "Years with figures" in no_figures.json()["detail"]
    assert invalid(
        send(api, "put", f"{base}/scheme", {"rate_per_inhabitant_eur": 0.07001, "population_year": 2024})
    ) == {"rate_per_inhabitant_eur"}
    created = send(api, "put", f"{base}/scheme", {"rate_per_inhabitant_eur": 0.07, "population_year": 2024})
    assert created.status_code == 201, created.json()
    scheme = created.json()["scheme"]
    assert (scheme["first_year"], scheme["last_year"], scheme["version"]) == (2025, 2028, 1)
    assert [line["name"] for line in created.json()["budget"]] == [
        "Coordination", "Communication and administration", "Intelligence", "Projects"]  # fmt: skip

    replace = {"rate_per_inhabitant_eur": 0.08, "population_year": 2024}
    assert send(api, "put", f"{base}/scheme", replace).status_code == 409  # no version: it exists now
    assert send(api, "put", f"{base}/scheme", replace | {"version": 1}).status_code == 200
    stale = api.patch(f"{base}/scheme", {"version": 1, "notes": "Oud"})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:ivp:problem:edit-conflict"
    changed = api.patch(f"{base}/scheme", {"version": 2, "last_year": 2026})
    assert changed.status_code == 200 and changed.json()["scheme"]["rate_per_inhabitant_eur"] == 0.08
    assert invalid(api.patch(f"{base}/scheme", {"version": 3, "last_year": 2040})) == {"last_year"}
    assert FundingScheme.objects.get().version == 3

    line = api.post(
        f"{base}/budget-lines", {"name": "Opleiding", "amounts": [{"year": 2025, "amount_eur": 1250.5}]}
    )
    assert line.status_code == 201, line.json()
    (training,) = [b for b in line.json()["budget"] if b["name"] == "Opleiding"]
    assert training["amounts_eur"] == [1250.5, 0.0]
    outside = api.post(
        f"{base}/budget-lines", {"name": "Later", "amounts": [{"year": 2030, "amount_eur": 1}]}
    )
    assert invalid(outside) == {"amounts"}
    twice = api.post(f"{base}/budget-lines", {"name": "Opleiding"})
    assert invalid(twice) == {"name"}
    path = f"/api/v1/budget-lines/{training['id']}"
    renamed = api.patch(path, {"name": "Training", "amounts": [{"year": 2026, "amount_eur": 99.99}]})
    assert [(b["name"], b["amounts_eur"]) for b in renamed.json()["budget"] if b["id"] == training["id"]] == [
        ("Training", [1250.5, 99.99])]  # fmt: skip
    assert invalid(api.patch(path, {"amounts": [{"year": 2026, "amount_eur": 1.001}]})) == {
        "amounts.0.amount_eur"
    }
    budget = AuditEvent.objects.filter(object_type="budget").order_by("pk").last()
    assert budget is not None and budget.changes["renamed"] == {"Opleiding": "Training"}
    assert send(api, "delete", path).status_code == 204
    assert not BudgetAmount.objects.filter(line_id=training["id"]).exists()

    om, riec = limburg.network.partners.select_related("organisation").order_by("organisation__name")[:2]
    wrong = send(
        api,
        "put",
        f"{base}/in-kind",
        {
            "contributions": [
                {"partner": om.pk, "fte": 0.5, "facilities": "Vergaderruimte"},
                {"partner": 999999, "fte": 1},
            ]
        },
    )
    assert invalid(wrong) == {"contributions.1.partner"}
    reply = send(
        api,
        "put",
        f"{base}/in-kind",
        {
            "contributions": [
                {"partner": om.pk, "fte": 0.5, "facilities": "Vergaderruimte"},
                {"partner": riec.pk, "fte": 1.25},
            ]
        },
    )
    assert reply.status_code == 200, reply.json()
    assert sorted((c["partner_id"], c["fte"]) for c in reply.json()["in_kind"]) == sorted(
        [(om.pk, 0.5), (riec.pk, 1.25)])  # fmt: skip
    again = AuditEvent.objects.filter(object_type="in-kind contribution").count()
    send(api, "put", f"{base}/in-kind", {"contributions": [{"partner": om.pk, "fte": 0.5,
                                                              "facilities": "Vergaderruimte"}]})  # fmt: skip
    assert AuditEvent.objects.filter(object_type="in-kind contribution").count() == again  # nothing changed
    send(api, "put", f"{base}/in-kind", {"contributions": [{"partner": riec.pk, "fte": 0}]})
    assert list(InKindContribution.objects.values_list("partner_id", "fte")) == [(om.pk, Decimal("0.50"))]

    scenario = api.post(
        f"{base}/scenarios", {"name": "Hoger", "rate_per_inhabitant_eur": 0.1, "population_year": 2024}
    )
    assert scenario.status_code == 201 and [s["name"] for s in scenario.json()["scenarios"]][1:] == ["Hoger"]
    duplicate = api.post(
        f"{base}/scenarios", {"name": "Hoger", "rate_per_inhabitant_eur": 0.1, "population_year": 1990}
    )
    assert invalid(duplicate) == {"name", "population_year"}
    scenario_id = scenario.json()["scenarios"][1]["id"]
    assert send(api, "delete", f"/api/v1/scenarios/{scenario_id}").status_code == 204

    recorded = {(e.action, e.object_type) for e in AuditEvent.objects.filter(app="funding")}
    assert {("created", "funding scheme"), ("changed", "funding scheme"), ("changed", "budget"),
            ("added", "in-kind contribution"), ("removed", "in-kind contribution"),
            ("created", "funding scenario"), ("removed", "funding scenario")} <= recorded  # fmt: skip


def test_only_the_coordinators_change_the_funding(limburg: LimburgWorld) -> None:
    scheme_save(actor=limburg.coordinator, network=limburg.network, rate_eur="0.07", population_year=2024,
                first_year=2025, last_year=2028)  # fmt: skip
    base = f"/api/v1/networks/{limburg.network.pk}/funding"
    body = {"version": 1, "rate_per_inhabitant_eur": 0.5}
    assert api_for(limburg.maasgouw_editor).patch(f"{base}/scheme", body).status_code == 403
    assert api_for(network_world().coordinator).patch(f"{base}/scheme", body).status_code == 404
    line = FundingScheme.objects.get().budget_lines.first()
    assert line is not None
    assert (
        send(api_for(limburg.maasgouw_editor), "delete", f"/api/v1/budget-lines/{line.pk}").status_code == 403
    )
    assert FundingScheme.objects.get().version == 1 and FundingScheme.objects.get().budget_lines.count() == 4
