"""The networks API's writes of a priority-setting round: the coordinators take every decision
from criteria to the adopted strategy through the services (each recorded in the audit trail,
with who and why); a stale `version` changes nothing (409); one wrong part of a body stores
nothing and is named in `invalid_params`; members' editors change only their own inputs; viewers
nothing; a round the user may not see is 404."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation
from ivp.accounts.tests.factories import MembershipFactory
from ivp.areas.selectors import area_get
from ivp.core.models import AuditEvent
from ivp.networks.models import ConsultationPosition, CriterionScore, Network, PriorityInput, PriorityRound
from ivp.networks.services_governance import steering_member_add
from ivp.networks.services_rounds import input_add, round_create
from ivp.networks.tests.factories import LimburgWorld, limburg_world, network_world

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


def send(api: Api, method: str, path: str, body: Any = None) -> Any:
    """A JSON request with any method (the shared test client has GET, POST and PATCH)."""
    data = json.dumps(body) if body is not None else None
    return getattr(api.client, method)(path, data, content_type="application/json", **api._headers())


def invalid(reply: Any) -> set[str]:
    assert reply.status_code == 400, reply.content
    assert reply["Content-Type"] == "application/problem+json"
    return {p["name"] for p in reply.json()["invalid_params"]}


@pytest.fixture
def limburg() -> LimburgWorld:
    return limburg_world()


def _round(world: LimburgWorld) -> PriorityRound:
    round = round_create(actor=world.coordinator, network=world.network, title="Prioriteiten 2025-2028")
    input_add(actor=world.coordinator, round=round, area=area_get(code_or_name="GM0935"),
              theme=world.network.catalogue.get(code="5.2"), remark="Drugslabs")  # fmt: skip
    return round


def _version(api: Api, round: PriorityRound) -> int:
    version: int = api.get(f"/api/v1/rounds/{round.pk}").json()["version"]
    return version


def test_the_coordinators_take_a_round_from_criteria_to_the_adopted_strategy(limburg: LimburgWorld) -> None:
    api = api_for(limburg.coordinator)
    created = api.post(f"/api/v1/networks/{limburg.network.pk}/rounds", {"title": "Prioriteiten 2029-2032"})
    assert created.status_code == 201, created.json()
    round = PriorityRound.objects.get(pk=created.json()["id"])
    assert len(created.json()["criteria"]) == 5 and created.json()["status"] == "collecting"
    input_add(actor=limburg.coordinator, round=round, area=area_get(code_or_name="GM0935"),
              theme=limburg.network.catalogue.get(code="5.2"))  # fmt: skip
    path = f"/api/v1/rounds/{round.pk}"

    criteria = {
        "version": _version(api, round),
        "criteria": [
            {"code": "urgency", "name": "Is het urgent?", "weight": 2},
            {"name": "Vraagt het meer dan regulier?"},
        ],
    }
    reply = send(api, "put", f"{path}/criteria", criteria)
    assert reply.status_code == 200, reply.json()
    assert [(c["code"], c["weight"]) for c in reply.json()["criteria"]] == [
        ("urgency", 2), ("vraagt-het-meer-dan-regulier", 1)]  # fmt: skip
    stale = send(api, "put", f"{path}/criteria", criteria)  # the version was raised by the change
    assert stale.status_code == 409 and stale.json()["type"] == "urn:ivp:problem:edit-conflict"

    member = steering_member_add(actor=limburg.coordinator, network=limburg.network, name="A. Voorzitter",
                                 office="burgemeester", is_chair=True)  # fmt: skip
    scores = {"scorer": member.pk, "scores": [{"theme": "5.2", "criterion": "urgency", "score": 5},
                                              {"theme": "5.4", "criterion": "urgency", "score": 2}]}  # fmt: skip
    reply = api.post(f"{path}/scores", scores)
    assert reply.status_code == 200, reply.json()
    assert {(s["theme"], s["score"]) for s in reply.json()["scores"]} == {("5.2", 5), ("5.4", 2)}
    ranked = {c["theme"]: c for c in reply.json()["candidates"]}
    assert ranked["5.2"]["total"] == 10.0 and ranked["5.2"]["rank"] == 1
    fixed = send(api, "put", f"{path}/criteria", criteria | {"version": _version(api, round)})
    assert invalid(fixed) == {"criteria"} and "fixed" in fixed.json()["detail"]

    selection = {"version": _version(api, round), "priorities": [
        {"theme": "5.2", "reason": "Alle gemeenten noemen ondermijning"},
        {"theme": "5.4", "reason": "Verward gedrag neemt toe"}]}  # fmt: skip
    reply = send(api, "put", f"{path}/selection", selection)
    assert reply.status_code == 200, reply.json()
    assert reply.json()["status"] == "selected"
    assert [(p["rank"], p["theme"], p["reason"]) for p in reply.json()["priorities"]] == [
        (1, "5.2", "Alle gemeenten noemen ondermijning"), (2, "5.4", "Verward gedrag neemt toe")]  # fmt: skip

    reply = send(api, "put", f"{path}/status", {"version": _version(api, round), "status": "consulting"})
    assert reply.status_code == 200, reply.json()
    assert reply.json()["status"] == "consulting"
    assert [m["district"] for m in reply.json()["district_meetings"]] == ["Noord", "Zuid"]

    positions = {
        "district": "Zuid",
        "held_on": "2025-09-18",
        "positions": [
            {"priority": "5.2", "position": "support"},
            {"priority": "5.4", "position": "support_with_remarks", "remarks": "Meer aandacht voor jeugd"},
        ],
    }
    reply = api.post(f"{path}/positions", positions)
    assert reply.status_code == 200, reply.json()
    by_theme = {p["theme"]: p["positions"] for p in reply.json()["priorities"]}
    assert by_theme["5.4"] == [{"district": "Zuid", "position": "support_with_remarks",
                                "remarks": "Meer aandacht voor jeugd"}]  # fmt: skip
    reply = api.post(f"{path}/adjustments", {"priority": "5.4", "text": "Hernoemd na de DVO Zuid",
                                             "final_name": "Zorg en veiligheid"})  # fmt: skip
    assert reply.status_code == 201, reply.json()
    assert reply.json()["adjustments"][0]["priority"] == "5.4"
    strategy = {"version": _version(api, round), "priorities": [
        {"priority": "5.2", "goals": ["Een regionaal beeld van drugslabs", " "]},
        {"priority": "5.4", "goals": ["Een sluitende aanpak"]}]}  # fmt: skip
    reply = send(api, "put", f"{path}/strategy", strategy)
    assert reply.status_code == 200, reply.json()
    goals = {p["theme"]: (p["final_name"], p["strategic_goals"]) for p in reply.json()["priorities"]}
    assert goals["5.2"][1] == ["Een regionaal beeld van drugslabs"]
    assert goals["5.4"] == ("Zorg en veiligheid", ["Een sluitende aanpak"])

    final = {"version": _version(api, round), "status": "final"}
    assert invalid(send(api, "put", f"{path}/status", final)) == {"adopted_on"}
    reply = send(api, "put", f"{path}/status", final | {"adopted_on": "2025-12-10"})
    assert reply.status_code == 200, reply.json()
    assert reply.json()["status"] == "final" and reply.json()["adopted_on"] == "2025-12-10"

    events = AuditEvent.objects.filter(organisation=limburg.network.organisation, actor=limburg.coordinator)
    recorded = {(e.action, e.object_type) for e in events}
    assert {("created", "round"), ("changed", "criteria"), ("scored", "scores"),
            ("selected", "concept priorities"), ("started", "consultation"), ("recorded", "position"),
            ("adjusted", "concept priority"), ("changed", "strategy"), ("adopted", "strategy")} <= recorded  # fmt: skip


def test_a_wrong_part_of_a_body_stores_nothing_and_is_named(limburg: LimburgWorld) -> None:
    round = _round(limburg)
    api = api_for(limburg.coordinator)
    path = f"/api/v1/rounds/{round.pk}"
    Network.objects.filter(pk=limburg.network.pk).update(max_priorities=1)
    two = {"version": round.version, "priorities": [{"theme": "5.2", "reason": "Ondermijning"},
                                                    {"theme": "5.4", "reason": "Zorg"}]}  # fmt: skip
    reply = send(api, "put", f"{path}/selection", two)
    assert invalid(reply) == {"priorities"} and "At most 1" in reply.json()["detail"]
    unknown = send(api, "put", f"{path}/selection", two | {"priorities": [{"theme": "9.9", "reason": "x"}]})
    assert invalid(unknown) == {"priorities.0.theme"}
    no_reason = send(api, "put", f"{path}/selection", two | {"priorities": [{"theme": "5.2", "reason": ""}]})
    assert invalid(no_reason) == {"priorities.0.reason"}
    scorer = steering_member_add(actor=limburg.coordinator, network=limburg.network, name="B", office="x")
    score = api.post(
        f"{path}/scores",
        {
            "scorer": scorer.pk,
            "scores": [
                {"theme": "5.2", "criterion": "urgency", "score": 4},
                {"theme": "5.2", "criterion": "urgency", "score": 6},
            ],
        },
    )
    assert invalid(score) == {"scores.1.score"}
    bad = api.post(
        f"{path}/scores",
        {
            "scorer": scorer.pk,
            "scores": [
                {"theme": "5.2", "criterion": "urgency", "score": 4},
                {"theme": "9.9", "criterion": "urgency", "score": 1},
            ],
        },
    )
    assert invalid(bad) == {"scores"} and "Unknown theme 9.9" in bad.json()["detail"]
    assert not CriterionScore.objects.filter(criterion__round=round).exists()
    state = api.post(
        f"{path}/positions", {"district": "Noord", "positions": [{"priority": "5.2", "position": "reject"}]}
    )
    assert invalid(state) == {
        "district",
        "positions.0.priority",
    }  # no consultation yet: no meetings, no concepts
    assert PriorityRound.objects.get(pk=round.pk).version == round.version


def test_a_district_meetings_positions_are_stored_all_or_nothing(limburg: LimburgWorld) -> None:
    from ivp.networks.services_rounds import concepts_select, consultation_start

    round = _round(limburg)
    catalogue = {t.code: t for t in limburg.network.catalogue.all()}
    concepts_select(actor=limburg.coordinator, round=round,
                    selections=[(catalogue["5.2"], "Ondermijning"), (catalogue["5.4"], "Zorg")])  # fmt: skip
    consultation_start(actor=limburg.coordinator, round=round)
    before = AuditEvent.objects.exclude(app="api").count()  # not the token api_for makes
    reply = api_for(limburg.coordinator).post(f"/api/v1/rounds/{round.pk}/positions", {
        "district": "Noord", "positions": [{"priority": "5.2", "position": "support"},
                                           {"priority": "5.4", "position": "reject"}]})  # fmt: skip
    assert invalid(reply) == {"positions"} and "remarks" in reply.json()["detail"].lower()
    assert (
        not ConsultationPosition.objects.exists() and AuditEvent.objects.exclude(app="api").count() == before
    )


def test_who_may_write_a_rounds_decisions(limburg: LimburgWorld) -> None:
    round = _round(limburg)
    path = f"/api/v1/rounds/{round.pk}/selection"
    body = {"version": round.version, "priorities": [{"theme": "5.2", "reason": "Ondermijning"}]}
    member = send(api_for(limburg.maastricht_editor), "put", path, body)
    assert member.status_code == 403 and member["Content-Type"] == "application/problem+json"
    assert send(api_for(limburg.maastricht_editor), "put", path, {}).status_code == 403  # before the body
    viewer = MembershipFactory(organisation=limburg.network.organisation, role=Role.VIEWER).user
    assert send(api_for(viewer), "put", path, body).status_code == 403
    oost = network_world()
    assert send(api_for(oost.coordinator), "put", path, body).status_code == 404
    assert send(api_for(None), "put", path, body).status_code == 401
    assert api_for(limburg.coordinator).post(f"/api/v1/networks/{oost.network.pk}/rounds",
                                             {"title": "X"}).status_code == 404  # fmt: skip
    assert PriorityRound.objects.get(pk=round.pk).status == "collecting"
    assert not AuditEvent.objects.filter(action="selected").exists()


def test_a_member_removes_only_its_own_inputs_and_the_coordinators_map_them(limburg: LimburgWorld) -> None:
    round = _round(limburg)
    maastricht = round.inputs.get(area__code="GM0935")
    from_plan = round.inputs.filter(source="plan").first()
    assert from_plan is not None
    maasgouw = api_for(limburg.maasgouw_editor)
    assert send(maasgouw, "delete", f"/api/v1/inputs/{maastricht.pk}").status_code == 403
    assert maasgouw.patch(f"/api/v1/inputs/{maastricht.pk}", {"theme": "5.3"}).status_code == 403
    coordinator = api_for(limburg.coordinator)
    mapped = coordinator.patch(f"/api/v1/inputs/{maastricht.pk}", {"theme": "5.3"})
    assert mapped.status_code == 200 and mapped.json()["theme"] == "5.3"
    assert invalid(coordinator.patch(f"/api/v1/inputs/{maastricht.pk}", {"theme": "9.9"})) == {"theme"}
    plan = send(coordinator, "delete", f"/api/v1/inputs/{from_plan.pk}")
    assert invalid(plan) == {"non_field_errors"} and "plan" in plan.json()["detail"]
    assert (
        send(api_for(limburg.maastricht_editor), "delete", f"/api/v1/inputs/{maastricht.pk}").status_code
        == 204
    )
    assert not PriorityInput.objects.filter(pk=maastricht.pk).exists()
    removed = AuditEvent.objects.get(action="removed", object_type="input")
    assert removed.actor == limburg.maastricht_editor and removed.object_label.endswith("Maastricht")
    assert send(coordinator, "delete", f"/api/v1/inputs/{maastricht.pk}").status_code == 404


def test_a_partners_input_is_added_by_the_coordinators(limburg: LimburgWorld) -> None:
    round = _round(limburg)
    partner = limburg.network.partners.get(organisation__name="Openbaar Ministerie")
    path = f"/api/v1/rounds/{round.pk}/partner-inputs"
    body = {"partner": partner.pk, "name": "Beleidsplan OM: ondermijning", "theme": "5.2"}
    reply = api_for(limburg.coordinator).post(path, body)
    assert reply.status_code == 201, reply.json()
    assert reply.json()["partner"] == "Openbaar Ministerie" and reply.json()["source"] == "partner"
    assert api_for(limburg.maastricht_editor).post(path, body).status_code == 403
    assert invalid(api_for(limburg.coordinator).post(path, body | {"partner": 999999})) == {"partner"}


def test_a_member_of_another_organisation_sees_the_round_but_a_viewer_writes_nothing(
    limburg: LimburgWorld,
) -> None:
    round = _round(limburg)
    viewer = MembershipFactory(organisation=Organisation.objects.get(kind="municipality", area__code="GM0935"),
                               role=Role.VIEWER).user  # fmt: skip
    item = round.inputs.get(area__code="GM0935")
    assert send(api_for(viewer), "delete", f"/api/v1/inputs/{item.pk}").status_code == 403
    assert api_for(viewer).get(f"/api/v1/rounds/{round.pk}").status_code == 200
