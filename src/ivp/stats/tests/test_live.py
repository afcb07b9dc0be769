"""Live updates (`source_update`), replayed from recorded OData replies: no socket is opened."""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from ivp.core.errors import IvpError
from ivp.stats.constants import RunMode, RunStatus
from ivp.stats.live import source_update
from ivp.stats.models import IngestRun
from ivp.stats.odata import ODataClient, SourceUnavailable, catalogue_base
from ivp.stats.services import classification_load
from ivp.stats.store import StatsStore

from .test_odata import FakeResponse, Replay

pytestmark = pytest.mark.django_db

FIRST = {
    "47013NED/Perioden": "47013NED_Perioden.json",
    "47013NED/TypedDataSet": ["47013NED_TypedDataSet_page1.json", "47013NED_TypedDataSet_page2.json"],
}
LATER = {
    "47013NED/Perioden": "47013NED_Perioden_later.json",
    "47013NED/TypedDataSet": "47013NED_TypedDataSet_later.json",
}
OFFLINE = urllib.error.URLError(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))


@pytest.fixture
def live_store(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> StatsStore:
    monkeypatch.delenv("IVP_ODATA_DATADERDEN_URL", raising=False)  # the real roots, replayed
    monkeypatch.delenv("IVP_ODATA_OPENDATA_URL", raising=False)
    classification_load(data_dir=settings.DATA_DIR)
    settings.VAR_DIR = tmp_path  # default_store() too, should anything fall back to it
    return StatsStore(tmp_path / "stats")


def politie(replay: Replay) -> ODataClient:
    return ODataClient(base_url=catalogue_base("dataderden", bulk=True), opener=replay, sleep=lambda _s: None)


def rows(store: StatsStore, where: str = "true") -> list[tuple[Any, ...]]:
    con = store.connect()
    try:
        return con.execute(
            "SELECT area_code, crime_code, measure, period_code, value_count, is_suppressed, is_provisional, origin "
            f"FROM core_observations WHERE {where} ORDER BY 1, 2, 3, 4"
        ).fetchall()
    finally:
        con.close()


def version_of(store: StatsStore) -> str:
    manifest = store.manifest()
    assert manifest is not None
    return manifest.version


def data_requests(replay: Replay) -> list[str]:
    return [urllib.parse.unquote(u) for u in replay.urls if "TypedDataSet" in u]


def test_a_full_update_lands_the_rows_through_the_one_parser(live_store: StatsStore) -> None:
    replay = Replay(dict(FIRST))
    seen: list[tuple[str, int]] = []
    run = source_update(source_key="politie_47013", client=politie(replay), store=live_store,
                        progress=lambda stage, pct: seen.append((stage, pct)))  # fmt: skip
    assert run.status == RunStatus.SUCCEEDED and run.mode == RunMode.LIVE
    assert run.inputs == ["live:47013NED"]
    assert run.rows_read == 24 and run.rows_loaded == 72  # 24 rows x 3 measures

    requests = data_requests(replay)
    assert len(requests) == 2 and "$skip=14" in requests[1]  # the second page through the next link
    assert "Perioden eq '2023MM11' or Perioden eq '2023MM12' or Perioden eq '2024MM01'" in requests[0]
    assert "substringof('GM', RegioS)" in requests[0]

    found = rows(live_store)
    assert {r[0] for r in found} == {"GM0363", "GM1641"}  # 'GM1641    ' trimmed
    assert {r[1] for r in found} == {"0.0.0", "1.1.1", "1.4.5", "2.5.2"}  # '1.1.1 ' trimmed
    assert {r[7] for r in found} == {"live:47013NED"}

    suppressed = rows(
        live_store, "area_code = 'GM1641' AND crime_code = '1.4.5' AND period_code = '2023MM12'"
    )
    assert [(r[2], r[4], r[5]) for r in suppressed] == [
        ("internet_reports", None, True),
        ("registered_crimes", None, True),
        ("reports", None, True),
    ]
    one_measure = rows(
        live_store, "area_code = 'GM1641' AND crime_code = '2.5.2' AND period_code = '2024MM01'"
    )
    assert [(r[2], r[4], r[5]) for r in one_measure] == [
        ("internet_reports", None, True),
        ("registered_crimes", 1, False),
        ("reports", 1, False),
    ]

    total = rows(
        live_store, "area_code = 'GM0363' AND crime_code = '0.0.0' AND measure = 'registered_crimes'"
    )
    assert [(r[3], r[4]) for r in total] == [("2023MM11", 6415), ("2023MM12", 6102), ("2024MM01", 6288)]

    provisional = {r[3]: r[6] for r in found}
    assert provisional == {"2023MM11": False, "2023MM12": False, "2024MM01": True}

    pcts = [pct for _stage, pct in seen]
    assert pcts == sorted(pcts) and pcts[-1] == 100


def test_a_second_update_adds_the_new_period_and_leaves_final_ones_alone(live_store: StatsStore) -> None:
    source_update(source_key="politie_47013", client=politie(Replay(dict(FIRST))), store=live_store)
    before = rows(live_store, "period_code LIKE '2023%'")
    version = version_of(live_store)

    replay = Replay(dict(LATER))
    run = source_update(source_key="politie_47013", client=politie(replay), store=live_store)
    assert run.status == RunStatus.SUCCEEDED
    (request,) = data_requests(replay)
    # only the new period and the one still provisional are asked for
    assert "(Perioden eq '2024MM01' or Perioden eq '2024MM02')" in request
    assert "2023MM" not in request

    assert rows(live_store, "period_code LIKE '2023%'") == before
    assert version_of(live_store) != version
    periods = {r[3] for r in rows(live_store)}
    assert periods == {"2023MM11", "2023MM12", "2024MM01", "2024MM02"}
    revised = rows(
        live_store, "area_code = 'GM0363' AND crime_code = '0.0.0' AND measure = 'registered_crimes'"
    )
    assert [(r[3], r[4]) for r in revised][-2:] == [("2024MM01", 6301), ("2024MM02", 5935)]


def test_explicit_periods_fetch_exactly_those(live_store: StatsStore) -> None:
    source_update(source_key="politie_47013", client=politie(Replay(dict(FIRST))), store=live_store)
    replay = Replay(dict(LATER))
    source_update(source_key="politie_47013", client=politie(replay), store=live_store, periods=["2024MM02"])
    (request,) = data_requests(replay)
    assert "(Perioden eq '2024MM02')" in request


def test_an_unknown_explicit_period_is_refused(live_store: StatsStore) -> None:
    replay = Replay(dict(FIRST))
    with pytest.raises(IvpError, match="does not have the period"):
        source_update(
            source_key="politie_47013", client=politie(replay), store=live_store, periods=["2019MM05"]
        )
    assert data_requests(replay) == []


def test_nothing_new_fetches_nothing(live_store: StatsStore) -> None:
    final = {
        "47013NED/Perioden": lambda _r: _final_periods(),
        "47013NED/TypedDataSet": ["47013NED_TypedDataSet_page1.json", "47013NED_TypedDataSet_page2.json"],
    }
    source_update(source_key="politie_47013", client=politie(Replay(final)), store=live_store)
    assert not any(r[6] for r in rows(live_store))  # all final
    version = version_of(live_store)

    replay = Replay({"47013NED/Perioden": lambda _r: _final_periods()})
    run = source_update(source_key="politie_47013", client=politie(replay), store=live_store)
    assert data_requests(replay) == []
    assert run.status == RunStatus.SUCCEEDED and run.rows_loaded == 0 and run.mode == RunMode.LIVE
    assert "nothing to fetch" in run.message
    assert version_of(live_store) == run.store_version == version


def _final_periods() -> Any:
    body = (Path(__file__).parent / "fixtures" / "odata" / "47013NED_Perioden.json").read_text(
        encoding="utf-8"
    )
    return FakeResponse(
        body.replace('"Voorlopig"', '"Definitief"').replace("Voorlopige cijfers", "").encode()
    )


def test_offline_fails_at_once_and_leaves_the_store_unchanged(live_store: StatsStore) -> None:
    source_update(source_key="politie_47013", client=politie(Replay(dict(FIRST))), store=live_store)
    version = version_of(live_store)
    before = rows(live_store)

    replay = Replay({"dataderden.cbs.nl": OFFLINE})
    with pytest.raises(SourceUnavailable, match=r"dataderden\.cbs\.nl.*seems to be offline"):
        source_update(source_key="politie_47013", client=politie(replay), store=live_store)
    assert len(replay.urls) == 1  # no retries
    assert version_of(live_store) == version
    assert rows(live_store) == before
    failed = IngestRun.objects.filter(source_key="politie_47013").first()
    assert failed is not None and failed.status == RunStatus.FAILED and "offline" in failed.message


def test_going_offline_half_way_stores_nothing(live_store: StatsStore) -> None:
    replay = Replay({
        "47013NED/Perioden": "47013NED_Perioden.json",
        "$skip=14": OFFLINE,
        "47013NED/TypedDataSet": "47013NED_TypedDataSet_page1.json",
    })  # fmt: skip
    with pytest.raises(SourceUnavailable):
        source_update(source_key="politie_47013", client=politie(replay), store=live_store)
    assert live_store.manifest() is None


def test_a_redesigned_table_is_refused_not_loaded_as_suppressed(live_store: StatsStore) -> None:
    page = (Path(__file__).parent / "fixtures" / "odata" / "47013NED_TypedDataSet_page2.json").read_text(
        encoding="utf-8"
    )
    renamed = page.replace("Aangiften_2", "Aangiften_4")
    replay = Replay({
        "47013NED/Perioden": "47013NED_Perioden.json",
        "47013NED/TypedDataSet": lambda _r: FakeResponse(renamed.encode()),
    })  # fmt: skip
    with pytest.raises(IvpError, match="without the column"):
        source_update(source_key="politie_47013", client=politie(replay), store=live_store)
    assert live_store.manifest() is None


def test_a_source_without_a_live_api_cannot_be_updated(live_store: StatsStore) -> None:
    with pytest.raises(IvpError, match="no live API"):
        source_update(source_key="politie_mik", client=politie(Replay({})), store=live_store)


def test_the_cbs_table_keeps_its_own_codes_and_total(live_store: StatsStore) -> None:
    replay = Replay({
        "83648NED/Perioden": "83648NED_Perioden.json",
        "83648NED/TypedDataSet": "83648NED_TypedDataSet.json",
    })  # fmt: skip
    odata = ODataClient(base_url=catalogue_base("opendata", bulk=True), opener=replay, sleep=lambda _s: None)
    run = source_update(source_key="cbs_83648", client=odata, store=live_store)
    assert run.status == RunStatus.SUCCEEDED
    assert all(u.startswith("https://opendata.cbs.nl/ODataFeed/odata/83648NED/") for u in replay.urls)
    assert "substringof('NL01', RegioS)" in data_requests(replay)[0]

    found = rows(live_store, "measure = 'registered_crimes'")
    assert {r[0] for r in found} == {"NL01", "GM0363", "GM1641"}
    assert {r[1] for r in found} == {"T001161", "CRI1000", "CRI1100"}
    nl_total = [(r[3], r[4], r[6]) for r in found if r[0] == "NL01" and r[1] == "T001161"]
    assert nl_total == [("2021JJ00", 786520, False), ("2022JJ00", 813135, False), ("2023JJ00", 808490, True)]
    suspects = rows(
        live_store, "area_code = 'GM1641' AND crime_code = 'CRI1100' AND measure = 'suspect_registrations'"
    )
    assert [(r[3], r[4], r[5]) for r in suspects][-1] == ("2023JJ00", None, True)


def test_fixtures_use_municipalities_of_the_test_database() -> None:
    from ivp.areas.models import Area

    assert set(Area.objects.filter(code__in=["GM0363", "GM1641"]).values_list("code", flat=True)) == {
        "GM0363",
        "GM1641",
    }
    assert Path(settings.DATA_DIR).is_dir()
