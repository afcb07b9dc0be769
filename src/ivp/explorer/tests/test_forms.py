"""Parsing the explorer's query string: every problem named on its field, never a crash."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from ivp.explorer.constants import MAX_AREAS, MAX_ROWS, ChartKind, Measure
from ivp.explorer.forms import ExplorerForm
from ivp.stats.periods import Grain

pytestmark = pytest.mark.django_db

GOOD = "area=GM0935&area=RE10&crime=1.1.1&from=2021&to=2023&grain=year&measure=per_1000&chart=bar"


def _form(query: str) -> ExplorerForm:
    form = ExplorerForm(QueryDict(query))
    form.is_valid()
    return form


def test_a_good_query_gives_the_selection_and_its_canonical_query_string() -> None:
    form = _form(GOOD)
    assert form.selection is not None
    assert form.selection.area_codes == ["GM0935", "RE10"] and form.selection.crime_codes == ["1.1.1"]
    assert form.selection.grain == Grain.YEAR and form.selection.measure == Measure.PER_1000
    assert form.selection.chart == ChartKind.BAR
    assert [p.code for p in form.selection.periods] == ["2021JJ00", "2022JJ00", "2023JJ00"]
    assert form.selection.query_string() == GOOD


def test_names_and_comma_separated_lists_become_codes_each_once() -> None:
    form = _form(
        "area=Maastricht%2C+gm0935%2C+RE10&area=&crime=1.1.1&from=2021-03&to=2023-11&grain=month&measure=count"
    )
    assert form.selection is not None and form.selection.area_codes == ["GM0935", "RE10"]
    assert form.selection.query_string().startswith(
        "area=GM0935&area=RE10&crime=1.1.1&from=2021-03&to=2023-11&"
    )
    assert form.selection.chart == ChartKind.LINE  # the default


def test_an_ambiguous_name_asks_for_a_code_and_names_the_options() -> None:
    form = _form(GOOD.replace("area=GM0935", "area=Limburg"))
    assert form.selection is None
    message = form.errors["area"][0]
    assert "PV31" in message and "RE10" in message


def test_an_unknown_area_is_named_on_the_areas_field() -> None:
    form = _form(GOOD.replace("GM0935", "GM9999"))
    assert form.selection is None
    assert list(form.errors) == ["area"] and "GM9999" in form.errors["area"][0]
    anchor, label, message = form.error_list()[0]
    assert (anchor, label) == ("id_area", "Gebieden") and "GM9999" in message


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        (GOOD.replace("from=2021", "from=20x1"), "period_from", "20x1"),
        (GOOD.replace("to=2023", "to=2023-13"), "period_to", "2023-13"),
        (GOOD.replace("from=2021", "from=2024"), "period_to", "voor het begin"),
        (GOOD.replace("from=2021", "from=2023-03"), "period_to", "geen hele jaar"),
        (GOOD.replace("crime=1.1.1", "crime=9.9.9"), "crime", "9.9.9"),
        (GOOD.replace("crime=1.1.1", "crime=E33"), "crime", "E33"),
        (GOOD.replace("grain=year", "grain=week"), "grain", "week"),
        (GOOD.replace("measure=per_1000", "measure=mean"), "measure", "mean"),
        (GOOD.replace("area=GM0935&area=RE10&", ""), "area", "minstens één gebied"),
        (GOOD.replace("crime=1.1.1&", ""), "crime", "minstens één soort misdrijf"),
    ],
)
def test_bad_input_gives_a_clear_message_on_the_field(query: str, field: str, words: str) -> None:
    form = _form(query)
    assert form.selection is None
    assert field in form.errors, form.errors
    assert words in " ".join(form.errors[field])


def test_too_many_areas_are_refused_with_the_limit() -> None:
    areas = "&".join(f"area=GM{n:04d}" for n in (14, 34, 37, 47, 50, 59, 60, 72, 74, 80, 85, 86, 88, 90, 93,
                                                  96, 98, 106, 109, 114, 118, 119, 141, 147, 148, 150))  # fmt: skip
    form = _form(f"{areas}&crime=1.1.1&from=2023&to=2023&grain=year&measure=count")
    assert form.selection is None and str(MAX_AREAS) in form.errors["area"][0]


def test_a_selection_over_the_row_limit_is_refused_not_cut() -> None:
    areas = "&".join(f"area=GM{n:04d}" for n in (14, 34, 37, 47, 50, 59, 60, 72, 74, 80))
    crimes = "&".join(f"crime=1.{a}.{b}" for a, b in ((1, 1), (1, 2), (2, 1), (2, 2), (2, 3)))
    form = _form(f"{areas}&{crimes}&from=2012&to=2023&grain=month&measure=count")
    assert form.selection is None
    message = " ".join(form.non_field_errors())
    assert "7200" in message and str(MAX_ROWS) in message
