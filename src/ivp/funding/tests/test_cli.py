"""`ivp network funding`: the issue's done-when test and the other formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ivp.cli import main
from ivp.funding.exports import TOTAL_CODE

pytestmark = pytest.mark.django_db


def _csv_rows(text: str) -> tuple[list[dict[str, str]], list[str]]:
    data, _blank, notes = text.partition("\n\n")
    return list(csv.DictReader(io.StringIO(data))), [line for line in notes.splitlines() if line]


def test_funding_of_police_unit_oost_nederland_lists_all_76_members_adding_up_exactly_to_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["network", "funding", "RE02", "--rate", "0.07", "--year", "2024", "--format", "csv"]) == 0
    rows, notes = _csv_rows(capsys.readouterr().out)
    members, total = rows[:-1], rows[-1]
    assert len(members) == 76
    assert len({m["code"] for m in members}) == 76
    assert all(m["code"].startswith("GM") and m["amount_eur"] for m in members)
    assert all(m["population_year"] == "2024" for m in rows)  # the year used, on every row
    assert total["code"] == TOTAL_CODE
    assert sum(Decimal(m["amount_eur"]) for m in members) == Decimal(total["amount_eur"])
    assert sum(int(m["population"]) for m in members) == int(total["population"])
    # Every amount is the member's population x 0.07, in whole cents.
    assert all(Decimal(m["amount_eur"]) == Decimal(m["population"]) * Decimal("0.07") for m in members)
    assert Decimal(total["amount_eur"]) == Decimal("233667.70")  # 3,338,110 inhabitants x 0.07
    enschede = next(m for m in members if m["code"] == "GM0153")
    assert enschede["name"] == "Enschede"
    # The bundled data has 2024 figures for every member of RE02, and the output says so.
    assert any("2024" in note and "76" in note for note in notes)


def test_a_year_without_population_figures_is_refused_with_the_years_there_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["network", "funding", "RE02", "--rate", "0.07", "--year", "2023", "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "2023" in err and "2024, 2022" in err


def test_members_without_a_figure_for_the_year_are_named_in_the_output_and_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["network", "funding", "RE05", "--rate", "0.07", "--year", "2022", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows, notes = _csv_rows(captured.out)
    amsterdam = next(r for r in rows if r["code"] == "GM0363")
    assert amsterdam["population"] == "" and amsterdam["amount_eur"] == ""
    assert any("GM0363" in note for note in notes)
    assert "GM0363" not in captured.err and "1" in captured.err
    total = rows[-1]
    assert sum(Decimal(r["amount_eur"]) for r in rows[:-1] if r["amount_eur"]) == Decimal(total["amount_eur"])


def test_json_gives_exact_amounts_as_strings_and_the_members_without_a_figure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["network", "funding", "RE10", "--rate", "0,0725", "--year", "2024", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rate_per_inhabitant_eur"] == "0.0725" and data["population_year"] == 2024
    assert len(data["members"]) == 31 and data["members_without_population"] == []
    assert sum(Decimal(m["amount_eur"]) for m in data["members"]) == Decimal(data["total"]["amount_eur"])
    assert "half up" in data["rounding_rule"] or "afgerond" in data["rounding_rule"]


def test_the_table_format_shows_the_total_and_the_rounding_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "funding", "RE10", "--rate", "0.05", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "Maasgouw" in out and "2024" in out


def test_xlsx_holds_the_same_rows_and_a_total_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "re02.xlsx"
    assert main(["network", "funding", "RE02", "--rate", "0.07", "--year", "2024", "--format", "xlsx",
                 "-o", str(target)]) == 0  # fmt: skip
    assert "re02.xlsx" in capsys.readouterr().out
    assert main(["network", "funding", "RE02", "--rate", "0.07", "--year", "2024", "--format", "csv"]) == 0
    rows, _notes = _csv_rows(capsys.readouterr().out)
    sheet = load_workbook(target).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 76 + 1
    assert [v[0] for v in values[1:]] == [r["code"] for r in rows]
    assert [Decimal(str(v[5])).quantize(Decimal("0.01")) for v in values[1:]] == [
        Decimal(r["amount_eur"]) for r in rows
    ]
    assert values[-1][0] == TOTAL_CODE


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "funding", "RE02", "--rate", "0.07", "--year", "2024", "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err


def test_a_municipality_is_not_a_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "funding", "GM0153", "--rate", "0.07", "--year", "2024"]) == 2
    assert "Enschede" in capsys.readouterr().err
