"""The bulletin's figures: the latest complete month, the year to date, main groups and the
network as the sum of its members."""

from __future__ import annotations

import pytest

from ivp.bulletins.selectors import bulletin_latest_month, bulletin_month_parse, network_bulletin_get
from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.networks.tests.factories import network_world
from ivp.stats.periods import Grain, Period
from ivp.stats.selectors import figures
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db


def test_the_bulletin_compares_the_latest_month_and_the_year_to_date_with_a_year_earlier(
    demo_store: StatsStore,
) -> None:
    world = network_world()
    bulletin = network_bulletin_get(network=world.network, store=demo_store)
    assert bulletin_latest_month(store=demo_store) == bulletin.month == Period(2023, Grain.MONTH, 12)
    assert bulletin.months[0] == Period(2023, Grain.MONTH, 1) and len(bulletin.months) == 12
    assert bulletin.has_demo and any("DEMONSTRATIEGEGEVENS" in n for n in bulletin.notes)
    enschede = bulletin.member("GM0153")
    assert [row.line.key for row in enschede.rows] == ["total", "G1", "G2", "G3"]
    # The figures are those of the statistics selector for the same months.
    direct = figures(area_codes=["GM0153"], crime_codes=["0.0.0"], first=Period(2022, Grain.MONTH, 1),
                     last=Period(2023, Grain.MONTH, 12), grain=Grain.MONTH, store=demo_store)  # fmt: skip
    counts = [r.count or 0 for r in direct.rows]
    total = enschede.rows[0]
    assert total.month.current.count == counts[-1] and total.month.previous.count == counts[11]
    assert total.year_to_date.current.count == sum(counts[12:])
    assert total.year_to_date.previous.count == sum(counts[:12])


def test_the_network_is_the_sum_of_its_members_and_its_rate_is_summed_count_over_summed_population(
    demo_store: StatsStore,
) -> None:
    world = network_world()
    bulletin = network_bulletin_get(network=world.network, store=demo_store)
    members = [bulletin.member(a.code).rows[0].year_to_date.current for a in bulletin.members]
    network = bulletin.member("GM0153").rows[0].network_year_to_date.current
    assert len(members) == 76
    assert network.count == sum(m.count or 0 for m in members)
    assert network.population == sum(m.population or 0 for m in members)
    assert network.per_1000 == pytest.approx(network.count * 1000 / network.population)  # type: ignore[operator]


def test_main_groups_leave_out_withheld_types_and_say_so(demo_store: StatsStore) -> None:
    world = network_world()
    bulletin = network_bulletin_get(network=world.network, store=demo_store)
    group_1 = next(line for line in bulletin.lines if line.key == "G1")
    assert any(item.startswith("1.4.1") for item in group_1.excluded)
    assert any("1.4.1" in note for note in bulletin.notes)


def test_an_earlier_month_can_be_chosen(demo_store: StatsStore) -> None:
    world = network_world()
    bulletin = network_bulletin_get(
        network=world.network, month=bulletin_month_parse("2023-03"), store=demo_store
    )
    assert bulletin.month == Period(2023, Grain.MONTH, 3) and len(bulletin.months) == 3


@pytest.mark.parametrize("text", ["2023", "maart", "2023-13"])
def test_a_month_must_be_written_as_year_and_month(text: str) -> None:
    with pytest.raises(ValidationFailed):
        bulletin_month_parse(text)


def test_a_municipality_outside_the_network_has_no_bulletin(demo_store: StatsStore) -> None:
    world = network_world()
    bulletin = network_bulletin_get(network=world.network, store=demo_store)
    with pytest.raises(NotFoundError, match="GM1641"):
        bulletin.member("GM1641")
