"""Population per municipality and year (03759NED): one parser behind the file and the live path."""

from __future__ import annotations

import socket
import urllib.error
from pathlib import Path

import pytest

from ivp.areas.models import Population
from ivp.core.errors import DataFileError
from ivp.stats.models import IngestRun
from ivp.stats.odata import ODataClient, SourceUnavailable
from ivp.stats.population import population_load, population_update

from .test_odata import Replay

FIXTURES = Path(__file__).parent / "fixtures" / "population"
EXPORT = FIXTURES / "03759NED_export.csv"
pytestmark = pytest.mark.django_db


def pop(code: str, year: int) -> int | None:
    found = Population.objects.filter(area__code=code, year=year).first()
    return found.inhabitants_count if found else None


def test_a_csv_export_is_read_with_totals_only_and_mergers_restated() -> None:
    run = population_load(files=[EXPORT])
    assert run.status == "succeeded" and run.rows_read == 14
    assert pop("GM1641", 2021) == 23905
    assert pop("NL01", 2022) == 17590672  # the total, not the men-only row
    assert pop("GM0363", 2021) == 872757 + 20557  # Amsterdam with Weesp, restated to 2024 borders
    assert pop("GM0363", 2022) == 882633 + 20766  # 1 January 2022: Weesp joined on 24 March
    assert pop("GM1982", 2021) == 28784 + 12649  # Land van Cuijk from its predecessors
    assert not Population.objects.filter(area__code__in=["GM0457", "GM0788", "PV31"]).exists()
    assert Population.objects.get(area__code="GM1641", year=2021).source.startswith("CBS 03759NED")


def test_a_broken_export_is_refused_naming_row_and_field_and_nothing_is_stored(tmp_path: Path) -> None:
    before = list(Population.objects.order_by("pk").values_list("pk", "inhabitants_count"))
    broken = tmp_path / "broken.csv"
    text = (
        EXPORT.read_text(encoding="utf-8")
        .replace('"23905"', '"veel"')
        .replace('"GM0363";"2021JJ00"', '"GM0001";"2021JJ00"')
    )
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        population_load(files=[broken])
    message = str(caught.value)
    assert "broken.csv, row 6, field 'BevolkingOp1Januari_1': 'veel' is not a whole" in message
    assert "broken.csv, row 8, field 'RegioS': 'GM0001' is neither a current municipality" in message
    assert list(Population.objects.order_by("pk").values_list("pk", "inhabitants_count")) == before
    assert IngestRun.objects.get(source_key="cbs_population").status == "failed"


def test_the_live_path_pages_through_the_api_and_uses_the_same_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ivp.stats.tests.test_odata as helper

    monkeypatch.setattr(helper, "FIXTURES", FIXTURES, raising=False)
    replay = Replay(
        {
            "$skip=8": "03759NED_TypedDataSet_page2.json",
            "03759NED/TypedDataSet": "03759NED_TypedDataSet_page1.json",
        }
    )
    client = ODataClient(
        base_url="https://opendata.cbs.nl/ODataFeed/odata/", opener=replay, sleep=lambda s: None
    )
    run = population_update(client=client)
    assert run.status == "succeeded" and run.mode == "live" and run.rows_read == 14
    assert len(replay.urls) == 2 and "Geslacht eq 'T001038'" in __import__("urllib.parse").parse.unquote(
        replay.urls[0]
    )
    assert pop("GM0363", 2021) == 872757 + 20557


def test_offline_the_live_path_fails_at_once_and_changes_nothing() -> None:
    before = Population.objects.count()
    replay = Replay(
        {"03759NED": urllib.error.URLError(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))}
    )
    client = ODataClient(
        base_url="https://opendata.cbs.nl/ODataFeed/odata/", opener=replay, sleep=lambda s: None
    )
    with pytest.raises(SourceUnavailable, match="offline"):
        population_update(client=client)
    assert len(replay.urls) == 1 and Population.objects.count() == before
