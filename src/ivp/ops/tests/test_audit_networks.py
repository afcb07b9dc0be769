"""Network decisions, funding and bulletin sendings in the audit trail: recorded by the services
with who, what and why, in the transaction of the change (a refused change records nothing),
shown to the network's administrators on /audit/ and to nobody of another organisation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ivp.accounts.constants import Role
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.selectors import area_get
from ivp.bulletins.services import bulletin_send, subscriber_add, subscriber_delete
from ivp.bulletins.tests.conftest import bulletin_var_dir, demo_store  # noqa: F401  (fixtures)
from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.core.models import AuditEvent
from ivp.funding.services import budget_save, scenario_add, scheme_save
from ivp.networks.services_governance import milestone_create, milestone_status_set, steering_member_add
from ivp.networks.services_rounds import (
    adjustment_add,
    concepts_select,
    consultation_start,
    input_add,
    round_create,
    round_finalise,
    strategy_set,
)
from ivp.networks.tests.factories import LimburgWorld, limburg_world

pytestmark = pytest.mark.django_db


def _events(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def _audit_page(user: Any) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="nl")
    return response.status_code, response.content.decode()


def _decided_round(world: LimburgWorld) -> None:
    """A round from the example plans and a member's input to an adopted strategy."""
    actor, network = world.coordinator, world.network
    round = round_create(actor=actor, network=network, title="Prioriteiten 2025-2028")
    catalogue = {t.code: t for t in network.catalogue.all()}
    input_add(actor=world.maastricht_editor, round=round, area=area_get(code_or_name="GM0935"),
              theme=catalogue["5.2"], remark="Drugslabs in het buitengebied")  # fmt: skip
    concepts = concepts_select(actor=actor, round=round, selections=[
        (catalogue["5.2"], "Alle gemeenten noemen ondermijning"),
        (catalogue["5.4"], "Verward gedrag neemt toe"),
    ])  # fmt: skip
    consultation_start(actor=actor, round=round)
    adjustment_add(actor=actor, round=round, concept=concepts[1], final_name="Zorg en veiligheid",
                   text="Hernoemd na de DVO Zuid")  # fmt: skip
    for concept in concepts:
        strategy_set(actor=actor, concept=concept, goals=[f"Doel {concept.theme.code}"])
    round_finalise(actor=actor, round=round, adopted_on=datetime.date(2025, 12, 10))


def test_the_decisions_of_a_round_are_recorded_with_who_and_why() -> None:
    world = limburg_world()
    _decided_round(world)
    events = _events(app="networks", organisation=world.network.organisation)
    by_action = {(e.action, e.object_type): e for e in events}
    assert ("created", "network") in by_action and ("created", "round") in by_action

    member_input = by_action[("added", "input")]
    assert member_input.actor == world.maastricht_editor
    assert member_input.object_label == "Prioriteiten 2025-2028: Maastricht"
    assert "Drugslabs in het buitengebied" in member_input.summary

    selection = by_action[("selected", "concept priorities")]
    assert selection.actor == world.coordinator
    assert "1. " in selection.summary and "Alle gemeenten noemen ondermijning" in selection.summary
    assert [s["reason"] for s in selection.changes["selected"]] == [
        "Alle gemeenten noemen ondermijning", "Verward gedrag neemt toe",
    ]  # fmt: skip
    adjustment = by_action[("adjusted", "concept priority")]
    assert adjustment.summary == "Hernoemd na de DVO Zuid"
    assert adjustment.changes == {"dropped": False, "final_name": "Zorg en veiligheid"}
    adoption = by_action[("adopted", "strategy")]
    assert adoption.changes["adopted_on"] == "2025-12-10"
    assert len(adoption.changes["priorities"]) == 2
    assert [e.action for e in events].index("selected") < [e.action for e in events].index("adopted")


def test_a_refused_or_invalid_change_records_nothing() -> None:
    world = limburg_world()
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde")
    theme = world.network.catalogue.get(code="5.2")
    before = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):  # a member's editor does not select for the network
        concepts_select(actor=world.maastricht_editor, round=round, selections=[(theme, "Reden")])
    with pytest.raises(AccessDenied):  # nor change another member's inputs
        input_add(actor=world.maasgouw_editor, round=round, area=area_get(code_or_name="GM0935"), theme=theme)
    with pytest.raises(ValidationFailed):  # no reason given
        concepts_select(actor=world.coordinator, round=round, selections=[(theme, " ")])
    assert AuditEvent.objects.count() == before


@pytest.mark.usefixtures("demo_store")
def test_governance_funding_and_bulletin_changes_are_recorded(mailoutbox: Any) -> None:
    world = limburg_world()
    actor, network = world.coordinator, world.network
    steering_member_add(
        actor=actor, network=network, name="A. Voorzitter", office="burgemeester", is_chair=True
    )
    milestone = milestone_create(actor=actor, network=network, title="Strategie vastgesteld",
                                 due_on=datetime.date(2025, 12, 10))  # fmt: skip
    milestone_status_set(actor=actor, milestone=milestone, status="done")
    scheme = scheme_save(actor=actor, network=network, rate_eur="0.07", population_year=2024,
                         first_year=2025, last_year=2028)  # fmt: skip
    scheme_save(actor=actor, network=network, rate_eur="0.08", population_year=2024, first_year=2025,
                last_year=2028)  # fmt: skip
    scenario_add(actor=actor, scheme=scheme, name="Hoger tarief", rate_eur="0.10", population_year=2024)
    line = scheme.budget_lines.first()
    assert line is not None
    budget_save(actor=actor, scheme=scheme, names={}, amounts={(line.pk, 2025): Decimal("1000.00")})
    subscriber = subscriber_add(actor=world.maasgouw_editor, network=network, area=area_get(code_or_name="GM1641"),
                                email="Veiligheid@Maasgouw.example")  # fmt: skip
    sending = bulletin_send(actor=actor, network=network)
    subscriber_delete(actor=world.maasgouw_editor, subscriber=subscriber)

    events = {(e.app, e.action, e.object_type): e for e in _events(organisation=network.organisation)}
    assert events[("networks", "added", "steering member")].object_label == "A. Voorzitter"
    assert events[("networks", "changed", "milestone")].changes == {"status": ["planned", "done"]}
    change = events[("funding", "changed", "funding scheme")]
    assert change.changes == {"rate_per_inhabitant_eur": ["0.0700", "0.0800"]}
    assert events[("funding", "created", "funding scenario")].object_label == "Hoger tarief"
    assert events[("funding", "changed", "budget")].changes["amounts"] == {f"{line.name}|2025": "1000.00"}
    assert events[("bulletins", "added", "subscriber")].actor == world.maasgouw_editor
    assert (
        events[("bulletins", "removed", "subscriber")].object_label == "Maasgouw: veiligheid@maasgouw.example"
    )
    sent = events[("bulletins", "sent", "bulletin sending")]
    assert sent.object_id == str(sending.pk) and sent.actor == actor


def test_the_network_administrators_see_its_decisions_and_outsiders_do_not() -> None:
    world = limburg_world()
    _decided_round(world)
    network_admin = MembershipFactory(organisation=world.network.organisation, role=Role.ADMINISTRATOR).user
    status, body = _audit_page(network_admin)
    assert status == 200
    assert "Alle gemeenten noemen ondermijning" in body
    assert "geselecteerd" in body and "prioriteringsronde" in body  # keys shown in Dutch
    assert world.coordinator.username in body

    member_admin = MembershipFactory(
        organisation=world.maasgouw_editor.memberships.get().organisation, role=Role.ADMINISTRATOR
    ).user
    status, body = _audit_page(member_admin)
    assert status == 200 and "Alle gemeenten noemen ondermijning" not in body
    assert _audit_page(world.coordinator)[0] == 403  # a coordinator is not an administrator
    assert "Alle gemeenten" in _audit_page(UserFactory(is_superuser=True))[1]
