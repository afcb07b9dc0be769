"""The contribution arithmetic: Decimal only, half-up to whole cents per member, total = sum."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ivp.areas.selectors import area_get, municipality_list
from ivp.core.errors import ValidationFailed
from ivp.funding.selectors import contribution_round, contribution_table, member_contribution, rate_parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("population", "rate", "expected"),
    [
        (1, "0.005", "0.01"),  # exactly half a cent goes up
        (5, "0.001", "0.01"),  # 0.005
        (15, "0.0003", "0.00"),  # 0.0045: rounded once, never 0.005 first
        (1001, "0.0005", "0.50"),  # 0.5005 -> 0.50
        (3, "0.0015", "0.00"),  # 0.0045
        (7, "0.0025", "0.02"),  # 0.0175 -> 0.02
        (158_986, "0.07", "11129.02"),  # Enschede-sized: exact, no rounding needed
        (123_457, "0.0725", "8950.63"),  # 8950.6325
        (41, "0.0725", "2.97"),  # 2.9725 -> 2.97
        (10, "0.0725", "0.73"),  # 0.725: half a cent goes up
    ],
)
def test_member_contribution_is_rounded_half_up_to_whole_cents(
    population: int, rate: str, expected: str
) -> None:
    amount = member_contribution(population=population, rate_eur=Decimal(rate))
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


def test_rounding_works_on_decimals_not_floats() -> None:
    # 2.675 is 2.67499999... as a float; as a Decimal it is exactly half a cent.
    assert contribution_round(Decimal("2.675")) == Decimal("2.68")
    assert contribution_round(Decimal("2.6749999")) == Decimal("2.67")


def test_the_total_is_the_sum_of_the_rounded_parts_and_the_rounding_difference_is_shown() -> None:
    members = list(municipality_list(region=area_get(code_or_name="RE10")))
    table = contribution_table(
        members=members, rate_eur=Decimal("0.0725"), population_year=2024, label="RE10"
    )
    assert table.complete and len(table.rows) == 31
    assert table.total_eur == sum(r.amount_eur for r in table.rows if r.amount_eur is not None)
    assert table.exact_total_eur == Decimal(table.total_population) * Decimal("0.0725")
    assert table.rounding_difference_eur == table.total_eur - table.exact_total_eur
    assert abs(table.rounding_difference_eur) <= Decimal("0.005") * len(table.rows)
    assert table.rounding_difference_eur != 0  # with four-decimal rates the parts round


def test_a_member_without_a_population_figure_gets_no_amount_and_is_flagged_not_counted_as_zero() -> None:
    # 2022 figures use the 2022 boundaries: Amsterdam (Weesp joined in 2022) has none.
    members = list(municipality_list(region=area_get(code_or_name="RE05")))
    table = contribution_table(members=members, rate_eur=Decimal("0.07"), population_year=2022, label="RE05")
    missing = [r.area.code for r in table.missing]
    assert missing == ["GM0363"]
    amsterdam = next(r for r in table.rows if r.area.code == "GM0363")
    assert amsterdam.population is None and amsterdam.amount_eur is None
    assert len(table.counted) == len(table.rows) - 1
    assert table.total_eur == sum(r.amount_eur for r in table.counted if r.amount_eur is not None)


def test_a_year_without_any_population_figure_is_refused_naming_the_years_there_are() -> None:
    members = list(municipality_list(region=area_get(code_or_name="RE02")))
    with pytest.raises(ValidationFailed, match=r"2023.*2024, 2022"):
        contribution_table(members=members, rate_eur=Decimal("0.07"), population_year=2023, label="RE02")


@pytest.mark.parametrize(("text", "rate"), [("0.07", "0.07"), ("0,07", "0.07"), (" 0.0725 ", "0.0725")])
def test_rates_are_read_as_exact_decimals_also_with_a_dutch_comma(text: str, rate: str) -> None:
    assert rate_parse(text) == Decimal(rate)


@pytest.mark.parametrize("text", ["", "abc", "0", "-0.05", "0.00001", "NaN", "Infinity", "101"])
def test_impossible_rates_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed):
        rate_parse(text)
