"""The funding pages: who may see and change what, scheme, budget, in kind, scenarios, exports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ivp.accounts.models import User
from ivp.core.errors import AccessDenied
from ivp.funding import services
from ivp.funding.models import BudgetAmount, FundingScheme
from ivp.funding.selectors import funding_overview
from ivp.networks.tests.factories import NetworkWorld, network_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> NetworkWorld:
    return network_world()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scheme(world: NetworkWorld, rate: str = "0.07") -> FundingScheme:
    return services.scheme_save(actor=world.coordinator, network=world.network, rate_eur=rate,
                                population_year=2024, first_year=2023, last_year=2026)  # fmt: skip


def test_the_coordinator_sets_up_the_scheme_through_the_form(world: NetworkWorld) -> None:
    client = _client(world.coordinator)
    page = client.get(reverse("funding:page", args=[world.network.pk]))
    assert page.status_code == 200
    assert reverse("funding:scheme", args=[world.network.pk]) in page.content.decode()
    response = client.post(reverse("funding:scheme", args=[world.network.pk]),
                           {"rate_eur": "0,07", "population_year": "2024", "first_year": "2023",
                            "last_year": "2026"})  # fmt: skip
    assert response.status_code == 302
    scheme = FundingScheme.objects.get(network=world.network)
    assert scheme.rate_per_inhabitant_eur == Decimal("0.07")
    assert [line.name for line in scheme.budget_lines.all()] == [
        "Coördinatie", "Communicatie en administratie", "Informatiepositie", "Projecten"
    ]  # fmt: skip
    text = client.get(reverse("funding:page", args=[world.network.pk])).content.decode()
    assert "233.667,70" in text  # the yearly total of the 76 members, in Dutch notation


def test_members_and_viewers_see_the_funding_but_cannot_change_it(world: NetworkWorld) -> None:
    _scheme(world)
    url = reverse("funding:scheme", args=[world.network.pk])
    data = {"rate_eur": "0.10", "population_year": "2024", "first_year": "2023", "last_year": "2026"}
    for user in (world.member_editor, world.member_viewer):
        client = _client(user)
        page = client.get(reverse("funding:page", args=[world.network.pk]))
        assert page.status_code == 200
        assert url not in page.content.decode()  # no edit links
        assert client.post(url, data).status_code == 403
        assert client.post(reverse("funding:budget", args=[world.network.pk]), {}).status_code == 403
    assert FundingScheme.objects.get(network=world.network).rate_per_inhabitant_eur == Decimal("0.07")
    with pytest.raises(AccessDenied):
        services.scheme_save(actor=world.member_editor, network=world.network, rate_eur="0.10",
                             population_year=2024, first_year=2023, last_year=2026)  # fmt: skip


def test_an_outsider_does_not_see_the_funding(world: NetworkWorld) -> None:
    _scheme(world)
    client = _client(world.outsider)
    assert client.get(reverse("funding:page", args=[world.network.pk])).status_code == 403
    assert client.get(reverse("funding:xlsx", args=[world.network.pk])).status_code == 403


def test_the_budget_grid_saves_amounts_and_the_balance_follows(world: NetworkWorld) -> None:
    scheme = _scheme(world)
    lines = list(scheme.budget_lines.all())
    data: dict[str, Any] = {f"name_{line.pk}": line.name for line in lines}
    for year in range(2023, 2027):
        data[f"amount_{lines[0].pk}_{year}"] = "150.000,00"
        data[f"amount_{lines[3].pk}_{year}"] = "100.000"  # Dutch grouping dots
    data[f"delete_{lines[2].pk}"] = "on"
    data["new_line"] = "Kennisplatform"
    response = _client(world.coordinator).post(reverse("funding:budget", args=[world.network.pk]), data)
    assert response.status_code == 302, response.content.decode()
    overview = funding_overview(network=world.network)
    assert [row.name for row in overview.budget][-1] == "Kennisplatform"
    assert len(overview.budget) == 4
    assert overview.planned == [Decimal("250000.00")] * 4
    assert overview.balance == [Decimal("233667.70") - Decimal("250000.00")] * 4
    assert overview.balance_total_eur == Decimal("-65329.20")
    page = _client(world.coordinator).get(reverse("funding:page", args=[world.network.pk])).content.decode()
    assert "-65.329,20" in page and "ivp-funding-negative" in page


def test_a_negative_amount_is_refused_and_nothing_is_saved(world: NetworkWorld) -> None:
    scheme = _scheme(world)
    line = scheme.budget_lines.first()
    assert line is not None
    response = _client(world.coordinator).post(
        reverse("funding:budget", args=[world.network.pk]),
        {f"name_{line.pk}": "Nieuwe naam", f"amount_{line.pk}_2024": "-5"},
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not BudgetAmount.objects.exists()


def test_in_kind_contributions_per_partner(world: NetworkWorld) -> None:
    _scheme(world)
    partners = list(world.network.partners.all())
    data = {f"fte_{partners[0].pk}": "0,5", f"facilities_{partners[0].pk}": "Vergaderruimte",
            f"fte_{partners[1].pk}": "1", f"description_{partners[1].pk}": "Analist"}  # fmt: skip
    response = _client(world.coordinator).post(reverse("funding:in-kind", args=[world.network.pk]), data)
    assert response.status_code == 302
    overview = funding_overview(network=world.network)
    assert overview.fte_total == Decimal("1.50")
    assert {c.facilities for c in overview.in_kind} == {"Vergaderruimte", ""}


def test_scenarios_are_shown_side_by_side_with_the_scheme(world: NetworkWorld) -> None:
    scheme = _scheme(world)
    client = _client(world.coordinator)
    response = client.post(reverse("funding:scenario-add", args=[world.network.pk]),
                           {"scenario-name": "Tien cent", "scenario-rate_eur": "0,10",
                            "scenario-population_year": "2024"})  # fmt: skip
    assert response.status_code == 302
    services.scenario_add(actor=world.coordinator, scheme=scheme, name="Oude cijfers", rate_eur="0.07",
                          population_year=2022)  # fmt: skip
    overview = funding_overview(network=world.network)
    names = [c.name for c in overview.columns]
    assert names[1:] == ["Tien cent", "Oude cijfers"]
    main, ten, old = overview.columns
    assert ten.table.total_eur == Decimal("333811.00")  # 3,338,110 x 0.10
    assert old.table.population_year == 2022 and old.table.total_eur != main.table.total_eur
    assert main.period_total_eur == main.table.total_eur * 4
    page = client.get(reverse("funding:page", args=[world.network.pk])).content.decode()
    assert "Tien cent" in page and "333.811,00" in page
    duplicate = client.post(reverse("funding:scenario-add", args=[world.network.pk]),
                            {"scenario-name": "Tien cent", "scenario-rate_eur": "0,11",
                             "scenario-population_year": "2024"})  # fmt: skip
    assert duplicate.status_code == 400
    scenario_id = ten.scenario_id
    assert (
        _client(world.member_editor)
        .post(reverse("funding:scenario-delete", args=[world.network.pk, scenario_id]))
        .status_code
        == 403
    )
    client.post(reverse("funding:scenario-delete", args=[world.network.pk, scenario_id]))
    assert [c.name for c in funding_overview(network=world.network).columns][1:] == ["Oude cijfers"]


def test_the_xlsx_download_has_the_page_rows_a_total_row_and_the_budget_and_scenarios(
    world: NetworkWorld,
) -> None:
    scheme = _scheme(world, rate="0.0725")
    services.scenario_add(actor=world.coordinator, scheme=scheme, name="Vijf cent", rate_eur="0.05",
                          population_year=2024)  # fmt: skip
    client = _client(world.member_viewer)
    response = client.get(reverse("funding:xlsx", args=[world.network.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    contributions = list(book.worksheets[0].iter_rows(values_only=True))
    csv_rows = list(csv.reader(io.StringIO(
        client.get(reverse("funding:csv", args=[world.network.pk])).content.decode().partition("\n\n")[0]
    )))  # fmt: skip
    assert len(contributions) == len(csv_rows) == 1 + 76 + 1
    assert [r[0] for r in contributions[1:]] == [r[0] for r in csv_rows[1:]]
    amounts = [Decimal(str(r[5])).quantize(Decimal("0.01")) for r in contributions[1:-1]]
    assert (
        sum(amounts)
        == Decimal(str(contributions[-1][5])).quantize(Decimal("0.01"))
        == Decimal(csv_rows[-1][5])
    )
    assert book.sheetnames == ["Bijdragen", "Budget", "In natura", "Scenario's", "Toelichting"]
    scenarios = list(book.worksheets[3].iter_rows(values_only=True))
    assert scenarios[0][1:] == ("Regeling", "Vijf cent")
    assert Decimal(str(scenarios[-1][2])).quantize(Decimal("0.01")) == Decimal("166905.50")
