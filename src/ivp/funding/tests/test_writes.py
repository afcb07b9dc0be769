"""Funding writes as one transaction each, with an audit record of what actually changed: the
in-kind contributions of several partners all or nothing, no record for saving the same values
again, renamed budget lines recorded, a stale scheme refused (EditConflict) on the page too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ivp.core.errors import ValidationFailed
from ivp.core.models import AuditEvent
from ivp.funding import services
from ivp.funding.models import FundingScheme, InKindContribution
from ivp.networks.tests.factories import NetworkWorld, network_world
from ivp.plans.services import EditConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> NetworkWorld:
    return network_world()


def _scheme(world: NetworkWorld) -> FundingScheme:
    return services.scheme_save(actor=world.coordinator, network=world.network, rate_eur="0.07",
                                population_year=2024, first_year=2023, last_year=2026)  # fmt: skip


def _in_kind_events() -> int:
    return AuditEvent.objects.filter(object_type="in-kind contribution").count()


def test_in_kind_contributions_are_saved_all_or_nothing_and_only_changes_are_recorded(
    world: NetworkWorld,
) -> None:
    scheme = _scheme(world)
    om, riec = world.network.partners.order_by("pk")
    with pytest.raises(ValidationFailed) as refused:
        services.in_kind_set(actor=world.coordinator, scheme=scheme,
                             contributions=[(om, Decimal("0.5"), "Ruimte", ""), (riec, Decimal("1000"), "", "")])  # fmt: skip
    assert "fte" in refused.value.problems[0]
    assert not InKindContribution.objects.exists() and _in_kind_events() == 0

    given = [(om, Decimal("0.5"), "Ruimte", ""), (riec, Decimal("0"), "", "")]
    services.in_kind_set(actor=world.coordinator, scheme=scheme, contributions=given)
    assert _in_kind_events() == 1  # the partner without anything had nothing to remove
    services.in_kind_set(actor=world.coordinator, scheme=scheme, contributions=given)
    assert _in_kind_events() == 1  # the same values again: no change, no record
    services.in_kind_set(
        actor=world.coordinator, scheme=scheme, contributions=[(om, Decimal("0.75"), "Ruimte", "")]
    )
    change = AuditEvent.objects.filter(object_type="in-kind contribution").order_by("pk").last()
    assert change is not None and change.action == "changed" and change.changes == {"fte": ["0.50", "0.75"]}


def test_a_renamed_budget_line_is_recorded(world: NetworkWorld) -> None:
    scheme = _scheme(world)
    line = scheme.budget_lines.first()
    assert line is not None
    new = services.budget_save(actor=world.coordinator, scheme=scheme, names={line.pk: "Regie"}, amounts={},
                               new_line="Opleiding", new_amounts={2024: Decimal("100.00")})  # fmt: skip
    assert new is not None and [(a.year, a.amount_eur) for a in new.amounts.all()] == [
        (2024, Decimal("100.00"))
    ]
    event = AuditEvent.objects.filter(object_type="budget").get()
    assert event.changes["renamed"] == {line.name: "Regie"} and event.changes["added"] == "Opleiding"
    assert event.changes["amounts"] == {"Opleiding|2024": "100.00"}


def test_a_stale_scheme_is_refused_on_the_page_and_by_the_service(world: NetworkWorld) -> None:
    _scheme(world)
    with pytest.raises(EditConflict):
        services.scheme_save(actor=world.coordinator, network=world.network, rate_eur="0.08", population_year=2024,
                             first_year=2023, last_year=2026, expected_version=5)  # fmt: skip
    client = Client()
    client.force_login(world.coordinator)
    response = client.post(reverse("funding:scheme", args=[world.network.pk]),
                           {"rate_eur": "0,09", "population_year": "2024", "first_year": "2023",
                            "last_year": "2026", "version": "7"})  # fmt: skip
    assert response.status_code == 200 and "iemand anders" in response.content.decode().lower()
    assert FundingScheme.objects.get().rate_per_inhabitant_eur == Decimal("0.07")
