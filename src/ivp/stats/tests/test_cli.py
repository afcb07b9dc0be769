from __future__ import annotations

import csv
import io
import json

import pytest
from django.conf import settings

from ivp.core.tests.test_cli import run
from ivp.stats.sources.politie import NATIONAL_YEARLY_FILE
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db


def test_figures_for_the_netherlands_equal_the_bundled_national_source(
    bundled_store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "figures", "--area", "NL01", "--crime", "1.1.1", "--from", "2012", "--to", "2023",
                          "--per", "year", "--format", "csv")  # fmt: skip
    assert code == 0
    assert out.splitlines()[0].startswith("area_code,crime_code,period,count")
    got = {r["period"][:4]: int(r["count"]) for r in csv.DictReader(io.StringIO(out))}
    with (settings.DATA_DIR / NATIONAL_YEARLY_FILE).open(encoding="utf-8") as handle:
        expected = {r["year"]: int(r["incident_count"]) for r in csv.DictReader(handle)
                    if r["incident_type_code"] == "1.1.1 Diefstal/inbraak woning"}  # fmt: skip
    assert got == expected and len(got) == 12


def test_figures_table_marks_suppressed_and_provisional_and_names_the_source(
    bundled_store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "figures", "--area", "Nederland", "--crime", "1.4.1", "--from", "2023-01",
                          "--to", "2023-02", "--per", "month")  # fmt: skip
    assert code == 0
    assert "geheim" in out or "suppressed" in out
    assert "47025NED" in out and "*" in out


def test_figures_per_1000_for_several_areas_as_json(
    bundled_store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "figures", "--area", "GM1641", "--area", "RE10", "--crime", "0.0.0", "--from", "2023",
                          "--to", "2023", "--per-1000", "--format", "json")  # fmt: skip
    data = json.loads(out)
    assert code == 0 and [r["area_code"] for r in data["rows"]] == ["GM1641", "RE10"]
    assert data["rows"][0]["per_1000"] == round(462 * 1000 / 24400, 3)


def test_figures_refuse_unknown_codes_and_bad_periods(
    bundled_store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys, "figures", "--area", "NL01", "--crime", "9.9.9", "--from", "2012", "--to", "2013"
    )
    assert code == 2 and "9.9.9" in err
    code, _out, err = run(
        capsys, "figures", "--area", "NL01", "--crime", "1.1.1", "--from", "twaalf", "--to", "2013"
    )
    assert code == 2 and "twaalf" in err


def test_data_status_lists_sources_periods_and_dates(
    bundled_store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "data", "status")
    assert code == 0
    for text in ("politie_47025", "47025NED", "2012-01", "2023-12", "2024-03-01"):
        assert text in out
    code, out, _err = run(capsys, "data", "status", "--format", "json")
    assert json.loads(out)["sources"]["politie_47025"]["rows"] == 9204


def test_data_load_of_an_unknown_source_names_the_known_ones(
    store: StatsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "data", "load", "politie_99999")
    assert code == 2 and "politie_47025" in err
