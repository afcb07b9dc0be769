from __future__ import annotations

import datetime as dt

import pytest

from ivp.stats.periods import Grain, Period, PeriodError, enumerate_periods, parse_bound, parse_code


@pytest.mark.parametrize(
    ("code", "grain", "start", "end"),
    [
        ("2021MM01", Grain.MONTH, dt.date(2021, 1, 1), dt.date(2021, 2, 1)),
        ("2021KW04", Grain.QUARTER, dt.date(2021, 10, 1), dt.date(2022, 1, 1)),
        ("2021JJ00", Grain.YEAR, dt.date(2021, 1, 1), dt.date(2022, 1, 1)),
        (" 2021MM12 ", Grain.MONTH, dt.date(2021, 12, 1), dt.date(2022, 1, 1)),
    ],
)
def test_period_codes_of_every_grain_are_read(code: str, grain: Grain, start: dt.date, end: dt.date) -> None:
    period = parse_code(code)
    assert (period.grain, period.start, period.end) == (grain, start, end)
    assert period.code == code.strip()


@pytest.mark.parametrize("code", ["2021MM13", "2021KW05", "2021JJ01", "2021M01", "21MM01", "2021X000", ""])
def test_malformed_period_codes_are_refused(code: str) -> None:
    with pytest.raises(PeriodError):
        parse_code(code)


def test_a_year_is_its_twelve_months_and_a_quarter_its_three() -> None:
    assert [m.code for m in parse_code("2021KW02").months()] == ["2021MM04", "2021MM05", "2021MM06"]
    assert len(parse_code("2021JJ00").months()) == 12
    assert parse_code("2021MM05").containing(Grain.QUARTER).code == "2021KW02"


def test_periods_are_enumerated_never_compared_as_strings() -> None:
    # As strings, "2021JJ00" sorts between the months of 2021; enumeration does not care.
    years = enumerate_periods(parse_bound("2019"), parse_bound("2021", end=True), Grain.YEAR)
    assert [p.code for p in years] == ["2019JJ00", "2020JJ00", "2021JJ00"]
    quarters = enumerate_periods(parse_bound("2020-11"), parse_bound("2021-07"), Grain.QUARTER)
    assert [p.code for p in quarters] == ["2021KW01", "2021KW02"]  # only whole quarters


def test_bounds_accept_year_or_year_month() -> None:
    assert parse_bound("2012") == Period(2012, Grain.MONTH, 1)
    assert parse_bound("2012", end=True) == Period(2012, Grain.MONTH, 12)
    assert parse_bound("2012-03") == Period(2012, Grain.MONTH, 3)
    with pytest.raises(PeriodError):
        parse_bound("maart 2012")
    with pytest.raises(PeriodError):
        enumerate_periods(parse_bound("2013"), parse_bound("2012"), Grain.YEAR)


def test_dutch_labels() -> None:
    assert parse_code("2021MM03").label() == "maart 2021"
    assert parse_code("2021KW04").label() == "2021 K4"
