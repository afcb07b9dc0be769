from __future__ import annotations

import pytest
from django.utils import translation

from ivp.core.errors import ValidationFailed
from ivp.veiligheidsbeeld.periods import ReportPeriod, months_label, report_period_parse


def test_years_and_half_years_are_read_with_their_months() -> None:
    assert report_period_parse("2023") == ReportPeriod(2023)
    assert report_period_parse("2023-h1").months()[-1].number == 6
    second = report_period_parse(" 2023-H2 ")
    assert [m.number for m in second.months()] == list(range(7, 13)) and second.code == "2023-H2"
    assert second.shifted(-1) == ReportPeriod(2022, 2)


@pytest.mark.parametrize("text", ["2023-H3", "23", "twintig", "2023-Q1", "1800"])
def test_other_periods_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed):
        report_period_parse(text)


def test_labels_are_in_the_active_language() -> None:
    with translation.override("nl"):
        assert months_label(ReportPeriod(2023, 1).months()) == "januari\u2013juni 2023"
        assert ReportPeriod(2023, 2).label() == "tweede halfjaar 2023"
