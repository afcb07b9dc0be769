from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import translation

from ivp.cli import main

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with translation.override("nl"):
        code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_areas_show_maasgouw_names_province_police_unit_and_safety_region(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(capsys, "areas", "show", "GM1641")
    assert code == 0
    assert out.splitlines()[0] == "Maasgouw (GM1641)"
    assert "Provincie: Limburg (PV31)" in out
    assert "Politie-eenheid: Limburg (RE10)" in out
    assert "Veiligheidsregio: Limburg-Noord (VR23)" in out
    assert "Inwoners 2024: 24.400" in out


def test_areas_show_accepts_a_name_and_gives_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "areas", "show", "maasgouw", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["code"] == "GM1641"
    assert {r["code"] for r in data["regions"]} == {"PV31", "RE10", "VR23", "NL01"}
    assert data["population"][-1] == {
        "year": 2024, "inhabitants": 24400, "reference_date": "2024-01-01", "source": data["population"][-1]["source"]
    }  # fmt: skip


def test_areas_list_region_lists_the_76_members_of_oost_nederland_with_population(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(capsys, "areas", "list", "--region", "RE02", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 76
    assert set(rows[0]) == {"code", "name", "province", "population", "population_year"}
    assert all(r["population"].isdigit() for r in rows)
    assert {r["province"] for r in rows} == {"Gelderland", "Overijssel"}


def test_areas_list_table_has_a_header_with_the_region_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(capsys, "areas", "list", "--region", "Oost-Nederland")
    assert code == 0
    assert out.startswith("Oost-Nederland (RE02): 76 gemeenten, 3.338.110 inwoners")
    assert " 2024" in out and "2.024" not in out


def test_areas_list_kind_lists_regions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "areas", "list", "--kind", "safety_region", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 25
    assert sum(r["members"] for r in data) == 342


def test_areas_show_region_lists_members(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "areas", "show", "VR23", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "code,name,population"
    assert "GM1641,Maasgouw,24400" in out


def test_an_unknown_code_fails_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "areas", "show", "GM9999")
    assert code == 2 and out == ""
    assert "Geen gebied 'GM9999'" in err


def test_listing_a_municipality_as_region_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "areas", "list", "--region", "GM1641")
    assert code == 2 and "is een gemeente, geen regio" in err


def test_areas_load_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "areas", "load")
    assert code == 0
    assert "Gebieden: 0 aangemaakt, 0 bijgewerkt" in out
