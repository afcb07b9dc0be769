"""The networks API: who sees which network (404, never 403, for the others), the detail with
members, partners and governance, a round's ranked candidates and selected priorities, a
member's own input (and nobody else's), and the funding with parts that add up to the total."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation
from ivp.accounts.tests.factories import MembershipFactory
from ivp.core.models import AuditEvent
from ivp.funding.services import scenario_add, scheme_save
from ivp.networks.models import PriorityInput, PriorityRound
from ivp.networks.services_governance import steering_member_add
from ivp.networks.services_rounds import concepts_select, round_create
from ivp.networks.tests.factories import LimburgWorld, limburg_world, network_world

from .conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def limburg() -> LimburgWorld:
    return limburg_world()


def _round(world: LimburgWorld) -> PriorityRound:
    return round_create(actor=world.coordinator, network=world.network, title="Prioriteiten 2025-2028")


def test_a_member_sees_its_network_and_not_another_with_totals(limburg: LimburgWorld) -> None:
    oost = network_world()
    reply = api_for(limburg.maasgouw_editor).get("/api/v1/networks")
    assert reply.status_code == 200
    body = reply.json()
    assert body["count"] == 1 and [n["name"] for n in body["results"]] == [limburg.network.name]
    assert body["results"][0]["member_count"] == 31 and body["results"][0]["region"] == "RE10"
    assert api_for(oost.coordinator).get("/api/v1/networks").json()["count"] == 1
    reply = api_for(limburg.maasgouw_editor).get(f"/api/v1/networks/{oost.network.pk}")
    assert reply.status_code == 404 and reply["Content-Type"] == "application/problem+json"
    assert api_for(None).get("/api/v1/networks").status_code == 401


def test_the_detail_has_members_partners_governance_and_rounds(limburg: LimburgWorld) -> None:
    steering_member_add(actor=limburg.coordinator, network=limburg.network, name="A. Voorzitter",
                        office="burgemeester", is_chair=True)  # fmt: skip
    round = _round(limburg)
    body = api_for(limburg.maastricht_editor).get(f"/api/v1/networks/{limburg.network.pk}").json()
    assert body["id"] == limburg.network.pk and body["organisation"] == limburg.network.organisation.name
    members = {m["code"]: m["district"] for m in body["members"]}
    assert len(members) == 31 and members["GM1641"] == "Noord" and members["GM0935"] == "Zuid"
    assert {p["organisation"] for p in body["partners"]} >= {"Openbaar Ministerie"}
    (chair,) = body["governance"]["steering_group"]
    assert chair == {"id": chair["id"], "name": "A. Voorzitter", "office": "burgemeester", "district": "",
                     "chair": True, "portfolio": None}  # fmt: skip
    assert [(r["id"], r["status"]) for r in body["rounds"]] == [(round.pk, "collecting")]


def test_a_round_gives_ranked_candidates_and_the_selected_priorities_with_reasons(
    limburg: LimburgWorld,
) -> None:
    round = _round(limburg)
    theme = limburg.network.catalogue.get(code="5.4")
    concepts_select(actor=limburg.coordinator, round=round, selections=[(theme, "Verward gedrag neemt toe")])
    reply = api_for(limburg.maasgouw_editor).get(f"/api/v1/rounds/{round.pk}")
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "selected" and body["member_count"] == 31 and len(body["criteria"]) == 5
    assert [c["rank"] for c in body["candidates"]] == list(range(1, len(body["candidates"]) + 1))
    (first,) = [c for c in body["candidates"] if c["theme"] == "5.4"]
    assert first["selected"] is True and not any(c["selected"] for c in body["candidates"] if c != first)
    assert "GM1641" in first["members"] and first["member_count"] == len(first["members"])
    assert Decimal(str(first["member_pct"])) == (Decimal(100 * first["member_count"]) / 31).quantize(
        Decimal("0.1")
    )
    assert first["total"] is None  # nobody scored yet
    assert body["priorities"] == [{
        "rank": 1, "theme": "5.4", "theme_name": theme.name, "reason": "Verward gedrag neemt toe",
        "final_name": theme.name, "dropped": False, "strategic_goals": [], "positions": [],
    }]  # fmt: skip
    oost = network_world()
    other = round_create(actor=oost.coordinator, network=oost.network, title="Ronde Oost")
    assert api_for(limburg.maasgouw_editor).get(f"/api/v1/rounds/{other.pk}").status_code == 404


def test_a_member_adds_its_own_input_and_no_other_members(limburg: LimburgWorld) -> None:
    round = _round(limburg)
    path = f"/api/v1/rounds/{round.pk}/inputs"
    maastricht = api_for(limburg.maastricht_editor)
    reply = maastricht.post(path, {"municipality": "GM0935", "theme": "5.2", "remark": "Drugslabs"})
    assert reply.status_code == 201, reply.json()
    assert reply.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "municipality": "GM0935", "partner": None, "source": "form", "given_code": "5.2",
        "given_name": reply.json()["given_name"], "remark": "Drugslabs", "theme": "5.2", "created_at": "",
    }  # fmt: skip
    assert AuditEvent.objects.filter(
        action="added", object_type="input", actor=limburg.maastricht_editor
    ).exists()

    before = PriorityInput.objects.count()
    heerlen = maastricht.post(path, {"municipality": "GM0917", "theme": "5.2"})  # another member
    assert heerlen.status_code == 403 and heerlen["Content-Type"] == "application/problem+json"
    unknown = maastricht.post(path, {"municipality": "GM0935", "theme": "9.9"})
    assert unknown.status_code == 400 and unknown.json()["invalid_params"][0]["name"] == "theme"
    outside = maastricht.post(path, {"municipality": "GM0363", "theme": "5.2"})  # Amsterdam: no member
    assert outside.status_code == 400 and outside.json()["invalid_params"][0]["name"] == "municipality"
    viewer = MembershipFactory(organisation=Organisation.objects.get(kind="municipality", area__code="GM0935"),
                               role=Role.VIEWER).user  # fmt: skip
    assert api_for(viewer).post(path, {"municipality": "GM0935", "theme": "5.3"}).status_code == 403
    assert PriorityInput.objects.count() == before

    listing = api_for(viewer).get(path, {"page_size": 2}).json()
    assert listing["count"] == round.inputs.count() and len(listing["results"]) == 2 and listing["next"]


def test_an_input_is_refused_once_the_round_has_moved_on(limburg: LimburgWorld) -> None:
    round = _round(limburg)
    round.status = "consulting"
    round.save(update_fields=["status"])
    reply = api_for(limburg.maastricht_editor).post(
        f"/api/v1/rounds/{round.pk}/inputs", {"municipality": "GM0935", "theme": "5.2"}
    )
    assert reply.status_code == 400 and "not possible now" in reply.json()["detail"]


def test_the_funding_contributions_add_up_to_the_total(limburg: LimburgWorld) -> None:
    path = f"/api/v1/networks/{limburg.network.pk}/funding"
    member = api_for(limburg.maasgouw_editor)
    empty = member.get(path).json()
    assert empty["scheme"] is None and empty["contributions"] is None and empty["population_years"]
    scheme = scheme_save(actor=limburg.coordinator, network=limburg.network, rate_eur="0.0725",
                         population_year=2024, first_year=2025, last_year=2028)  # fmt: skip
    scenario_add(
        actor=limburg.coordinator, scheme=scheme, name="Hoger", rate_eur="0.10", population_year=2024
    )
    body = member.get(path).json()
    contributions = body["contributions"]
    assert body["scheme"]["rate_per_inhabitant_eur"] == 0.0725 and len(contributions["members"]) == 31
    parts = sum(
        Decimal(str(m["amount_eur"])) for m in contributions["members"] if m["amount_eur"] is not None
    )
    assert parts == Decimal(str(contributions["total_eur"]))
    assert [y["year"] for y in body["years"]] == [2025, 2026, 2027, 2028]
    assert [s["name"] for s in body["scenarios"]][1:] == ["Hoger"]
    assert member.get(f"/api/v1/networks/{network_world().network.pk}/funding").status_code == 404
