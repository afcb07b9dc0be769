"""Governance services and configurable criteria."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.networks.catalogue import catalogue_ensure
from ivp.networks.models import ExpertTeam, SteeringMember
from ivp.networks.services_governance import (
    expert_team_create,
    expert_team_dissolve,
    expert_team_member_add,
    steering_member_add,
)
from ivp.networks.services_rounds import criteria_set, round_create, scores_set

from .factories import network_world

pytestmark = pytest.mark.django_db


def test_an_expert_team_is_dissolved_only_with_its_final_report_and_then_takes_no_members() -> None:
    world = network_world()
    theme = catalogue_ensure(network=world.network)[0]
    team = expert_team_create(actor=world.coordinator, network=world.network, theme=theme, name="Expertteam OMG",
                              started_on=datetime.date(2023, 3, 1))  # fmt: skip
    with pytest.raises(ValidationFailed, match="Final report"):
        expert_team_dissolve(
            actor=world.coordinator, team=team, dissolved_on=datetime.date(2024, 1, 1), final_report=" "
        )
    with pytest.raises(AccessDenied):
        expert_team_dissolve(
            actor=world.member_editor, team=team, dissolved_on=datetime.date(2024, 1, 1), final_report="x"
        )
    expert_team_dissolve(actor=world.coordinator, team=team, dissolved_on=datetime.date(2024, 1, 1),
                         final_report="Risicotaxatie-instrument opgeleverd.")  # fmt: skip
    assert ExpertTeam.objects.get(pk=team.pk).status == "dissolved"
    with pytest.raises(ValidationFailed, match="dissolved"):
        expert_team_member_add(actor=world.coordinator, team=team, name="Nieuw", organisation_name="Politie")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database guards it too
        ExpertTeam.objects.filter(pk=team.pk).update(final_report="")


def test_the_steering_group_has_one_chair_a_new_chair_replaces_the_old() -> None:
    world = network_world()
    steering_member_add(
        actor=world.coordinator, network=world.network, name="A", office="Burgemeester", is_chair=True
    )
    steering_member_add(
        actor=world.coordinator, network=world.network, name="B", office="Burgemeester", is_chair=True
    )
    assert list(
        SteeringMember.objects.filter(network=world.network, is_chair=True).values_list("name", flat=True)
    ) == ["B"]
    with pytest.raises(AccessDenied):
        steering_member_add(actor=world.member_editor, network=world.network, name="C", office="x")


def test_the_criteria_are_configurable_until_the_first_score() -> None:
    world = network_world()
    round = round_create(actor=world.coordinator, network=world.network, title="R")
    client = Client()
    client.force_login(world.coordinator)
    client.post(reverse("networks:criteria", args=[round.pk]), {"criteria": "Urgent | 3\nRegionaal\n\n"})
    assert [(c.name, c.weight) for c in round.criteria.all()] == [("Urgent", 3), ("Regionaal", 1)]
    translation.activate("en")  # the request left Dutch active
    scorer = steering_member_add(actor=world.coordinator, network=world.network, name="A", office="x")
    scores_set(actor=world.coordinator, round=round, scorer=scorer, scores={("5.2", "urgent"): 4})
    with pytest.raises(ValidationFailed, match="fixed"):
        criteria_set(actor=world.coordinator, round=round, criteria=[("x", "X", 1)])
    with pytest.raises(ValidationFailed, match="from 0 to 5"):
        scores_set(actor=world.coordinator, round=round, scorer=scorer, scores={("5.2", "urgent"): 6})
