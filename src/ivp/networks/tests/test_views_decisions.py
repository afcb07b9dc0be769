"""The round page's forms after the consultation started: a partner's input and a steering group
adjustment go through one form handler; a district meeting's positions and the strategy are
saved all or nothing (one refused part stores none of them, and records nothing)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from ivp.areas.selectors import area_get
from ivp.core.models import AuditEvent
from ivp.networks.models import ConceptPriority, ConsultationPosition, PriorityRound, SteeringAdjustment
from ivp.networks.services_rounds import concepts_select, consultation_start, input_add, round_create

from .factories import LimburgWorld, limburg_world

pytestmark = pytest.mark.django_db


def _client(world: LimburgWorld) -> Client:
    client = Client()
    client.force_login(world.coordinator)
    return client


def _consulting(world: LimburgWorld) -> tuple[PriorityRound, list[ConceptPriority]]:
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde in consultatie")
    catalogue = {t.code: t for t in world.network.catalogue.all()}
    input_add(
        actor=world.coordinator, round=round, area=area_get(code_or_name="GM0935"), theme=catalogue["5.2"]
    )
    concepts = concepts_select(actor=world.coordinator, round=round,
                               selections=[(catalogue["5.4"], "Zorg"), (catalogue["5.2"], "Ondermijning")])  # fmt: skip
    consultation_start(actor=world.coordinator, round=round)
    return round, concepts


def test_a_partners_input_and_an_adjustment_are_saved_by_their_forms() -> None:
    world = limburg_world()
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde 1")
    client = _client(world)
    partner = world.network.partners.first()
    theme = world.network.catalogue.get(code="5.2")
    assert partner is not None
    response = client.post(reverse("networks:partner-input-add", args=[round.pk]),
                           {"partner-partner": partner.pk, "partner-name": "Fenomeen", "partner-theme": theme.pk})  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#partners")
    assert round.inputs.filter(partner=partner, given_name="Fenomeen").exists()
    missing = client.post(reverse("networks:partner-input-add", args=[round.pk]), {"partner-name": "x"})
    assert missing["Location"].endswith("#partners") and round.inputs.filter(partner=partner).count() == 1

    round, concepts = _consulting(world)
    response = client.post(reverse("networks:adjustment-add", args=[round.pk]),
                           {"adjust-concept": concepts[0].pk, "adjust-text": "Samengevoegd", "adjust-drop": "on"})  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#adjustments")
    assert SteeringAdjustment.objects.get(round=round).text == "Samengevoegd"
    assert ConceptPriority.objects.get(pk=concepts[0].pk).dropped


def test_a_district_meetings_positions_are_saved_all_or_nothing() -> None:
    world = limburg_world()
    round, concepts = _consulting(world)
    meeting = round.district_meetings.get(district="Noord")
    url = reverse("networks:positions", args=[round.pk])
    before = AuditEvent.objects.count()
    response = _client(world).post(url, {"meeting": meeting.pk, f"position|{concepts[0].pk}": "support",
                                         f"position|{concepts[1].pk}": "reject"})  # fmt: skip
    texts = [str(m) for m in get_messages(response.wsgi_request)]  # the page is Dutch
    assert any("niets opgeslagen" in t for t in texts)
    assert any("geef de opmerkingen bij dit standpunt" in t for t in texts)
    assert not ConsultationPosition.objects.exists() and AuditEvent.objects.count() == before
    _client(world).post(url, {"meeting": meeting.pk, f"position|{concepts[0].pk}": "support",
                              f"position|{concepts[1].pk}": "reject", f"remarks|{concepts[1].pk}": "Te breed"})  # fmt: skip
    assert ConsultationPosition.objects.count() == 2


def test_the_strategy_is_saved_all_or_nothing() -> None:
    world = limburg_world()
    round, concepts = _consulting(world)
    url = reverse("networks:strategy", args=[round.pk])
    long_name = "x" * 400  # more than the 300 characters of the wording: refused
    _client(world).post(url, {f"goals|{concepts[0].pk}": "Doel een", f"goals|{concepts[1].pk}": "Doel twee",
                              f"name|{concepts[1].pk}": long_name})  # fmt: skip
    assert [c.strategic_goals for c in ConceptPriority.objects.filter(round=round)] == [[], []]
    _client(world).post(
        url, {f"goals|{concepts[0].pk}": "Doel een\nDoel twee", f"goals|{concepts[1].pk}": "Doel"}
    )
    assert [c.strategic_goals for c in ConceptPriority.objects.filter(round=round)] == [
        ["Doel een", "Doel twee"], ["Doel"]]  # fmt: skip
