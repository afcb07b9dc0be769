"""Test data for the explorer: the synthetic cube (demonstratiegegevens) for the municipalities
of one police unit, loaded as `demo_cube` through the one shared parser. Small and quick (a few
seconds), yet the unit's own figures are whole sums over all its members."""

from __future__ import annotations

from pathlib import Path

from ivp.areas.selectors import area_get, municipality_list
from ivp.stats.services import source_load
from ivp.stats.sources.base import SourceInput
from ivp.stats.sources.politie import NATIONAL_DATA_DATE
from ivp.stats.store import StatsStore
from ivp.stats.synthetic import cube_generate

UNIT = "RE10"  # Limburg: 31 municipalities
FIRST_YEAR, LAST_YEAR = 2019, 2023
THREE = ["GM0935", "GM0917", "GM1641"]  # Maastricht, Heerlen, Maasgouw (all in RE10)


def demo_unit_load(*, store: StatsStore, unit: str = UNIT) -> None:
    members = [m.code for m in municipality_list(region=area_get(code_or_name=unit))]
    work = store.root.parent / "explorer-cube"
    work.mkdir(parents=True, exist_ok=True)
    path = cube_generate(
        out=work / "demo_cube_test.csv", municipalities=members, first_year=FIRST_YEAR, last_year=LAST_YEAR
    )
    assert isinstance(path, Path)
    item = SourceInput(
        name=path.name, path=path, data_date=NATIONAL_DATA_DATE, provisional_years=frozenset({LAST_YEAR})
    )
    run = source_load(source_key="demo_cube", inputs=[item], store=store)
    assert run.status == "succeeded", run.error_report
