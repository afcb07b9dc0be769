"""The veiligheidsbeeld through the API: the numbers of the page's selector, and problems for
bad input."""

from __future__ import annotations

from typing import Any

import pytest

from ivp.accounts.tests.factories import UserFactory
from ivp.veiligheidsbeeld.periods import ReportPeriod
from ivp.veiligheidsbeeld.report import largest_changes
from ivp.veiligheidsbeeld.selectors import veiligheidsbeeld_get
from ivp.veiligheidsbeeld.tests.conftest import demo_store, demo_var_dir  # noqa: F401  (fixtures)

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/veiligheidsbeeld/GM1641"


@pytest.fixture
def api(db: object) -> Api:
    return api_for(UserFactory())  # any signed-in user, without a role


def _figure(figure: Any) -> dict[str, Any]:
    return {"count": figure.count, "per_1000": figure.per_1000, "status": figure.status}


@pytest.mark.usefixtures("demo_store")
def test_the_numbers_are_those_of_the_page_with_the_demonstration_flag(api: Api) -> None:
    response = api.get(URL, {"period": "2023"})
    assert response.status_code == 200, response.content
    body = response.json()
    picture = veiligheidsbeeld_get(area_code="GM1641", period=ReportPeriod(2023))

    assert body["area"] == {"code": "GM1641", "name": "Maasgouw"}
    assert body["period"]["code"] == "2023" and body["period"]["complete"] is True
    assert (body["period"]["first_month"], body["period"]["last_month"]) == ("2023-01", "2023-12")
    assert (body["comparison_period"]["first_month"], body["comparison_period"]["last_month"]) == (
        "2022-01",
        "2022-12",
    )
    assert body["demo"] is picture.has_demo is True
    assert any(s["demo"] for s in body["sources"]) and body["source"] == picture.source_key
    assert [c["key"] for c in body["comparators"]] == [c.key for c in picture.comparators]
    assert {"RE10", "VR23", "PV31", "NL01", "peers"} <= {c["key"] for c in body["comparators"]}

    lines = {line["key"]: line for line in body["lines"]}
    assert list(lines) == [row.line.key for row in picture.rows]
    assert {"0.0.0", "G1", "G2", "G3", "1.1.1"} <= set(lines)
    for row in picture.rows:
        line = lines[row.line.key]
        assert {k: line["current"][k] for k in ("count", "per_1000", "status")} == _figure(row.change.current)
        assert {k: line["previous"][k] for k in ("count", "per_1000", "status")} == _figure(
            row.change.previous
        )
        assert line["change_pct"] == row.change.change_pct and line["significant"] == row.change.significant
        for comparison in line["comparisons"]:
            other = row.others[comparison["comparator"]]
            assert comparison["current"]["count"] == other.current.count
            assert comparison["current"]["per_1000"] == other.current.per_1000
    assert lines["0.0.0"]["current"]["count"] > 0

    rises, falls = largest_changes(picture)
    assert body["largest_changes"] == {
        "rises": [r.line.key for r in rises],
        "falls": [r.line.key for r in falls],
    }
    assert [(f["text"], f["line"], f["p_value"]) for f in body["findings"]] == [
        (f.text, f.line_key, f.p_value) for f in picture.findings
    ]
    assert all(f["test"] == body["method"]["test"] == "poisson_conditional_exact" for f in body["findings"])


@pytest.mark.usefixtures("demo_store")
def test_the_half_year_memo_compares_the_same_half_a_year_earlier(api: Api) -> None:
    body = api.get(URL, {"period": "2023-h2"}).json()
    assert body["period"]["code"] == "2023-H2" and body["period"]["half_year"] is True
    assert (body["period"]["first_month"], body["comparison_period"]["first_month"]) == ("2023-07", "2022-07")
    picture = veiligheidsbeeld_get(area_code="GM1641", period=ReportPeriod(2023, 2))
    assert body["lines"][0]["current"]["count"] == picture.row_total.change.current.count


@pytest.mark.usefixtures("demo_store")
@pytest.mark.parametrize(
    ("query", "name"),
    [({"period": "2023-H3"}, "period"), ({"period": "1800"}, "period"), ({"group": "GM0363"}, "group")],
)
def test_a_bad_period_or_group_is_a_problem_naming_the_parameter(
    api: Api, query: dict[str, str], name: str
) -> None:
    response = api.get(URL, query)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid_params"]] == [name]


@pytest.mark.parametrize("code", ["GM9999", "RE10"])
def test_an_unknown_area_or_a_region_is_not_found(api: Api, code: str) -> None:
    response = api.get(f"/api/v1/veiligheidsbeeld/{code}", {"period": "2023"})
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert code in response.json()["detail"]


def test_anonymous_callers_are_refused(db: object) -> None:
    assert api_for(None).get(URL).status_code == 401
