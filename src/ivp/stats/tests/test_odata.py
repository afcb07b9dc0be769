"""The OData v3 client, replayed from recorded replies through a fake opener (never a socket)."""

from __future__ import annotations

import csv
import email.message
import errno
import io
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from ivp.stats.odata import (
    MAX_URL_CHARS,
    ODataClient,
    ODataError,
    SourceUnavailable,
    catalogue_base,
    period_filters,
)

FIXTURES = Path(__file__).parent / "fixtures" / "odata"
DATADERDEN = "https://dataderden.cbs.nl/ODataFeed/OData/"

Action = str | BaseException | Callable[[urllib.request.Request], Any]


class FakeResponse(io.BytesIO):
    status = 200


def reply(name: str) -> FakeResponse:
    return FakeResponse((FIXTURES / name).read_bytes())


def http_error(url: str, code: int, headers: dict[str, str] | None = None) -> urllib.error.HTTPError:
    message = email.message.Message()
    for key, value in (headers or {}).items():
        message[key] = value
    return urllib.error.HTTPError(
        url, code, {503: "Service Unavailable", 404: "Not Found"}.get(code, "Error"), message, io.BytesIO(b"")
    )


class Replay:
    """A fake opener: each request is answered by the first route whose text occurs in the
    (decoded) URL. A route's answer is a fixture name, an exception to raise, or a list of those,
    used one per request (the last one repeats)."""

    def __init__(self, routes: dict[str, Action | list[Action]]) -> None:
        self.routes = routes
        self.urls: list[str] = []
        self.timeouts: list[float] = []

    def __call__(self, request: urllib.request.Request, /, *, timeout: float) -> Any:
        url = request.full_url
        self.urls.append(url)
        self.timeouts.append(timeout)
        decoded = urllib.parse.unquote(url)
        for needle, answer in self.routes.items():
            if needle in decoded:
                if isinstance(answer, list):
                    answer = answer.pop(0) if len(answer) > 1 else answer[0]
                if isinstance(answer, BaseException):
                    raise answer
                if callable(answer):
                    return answer(request)
                return reply(answer)
        raise AssertionError(f"no recorded reply for {url}")


def client(replay: Replay, sleeps: list[float] | None = None, **kwargs: Any) -> ODataClient:
    pauses = sleeps if sleeps is not None else []
    return ODataClient(base_url=DATADERDEN, opener=replay, sleep=pauses.append, **kwargs)


# --- catalogues and URLs ---------------------------------------------------------------------


def test_catalogue_roots_and_their_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IVP_ODATA_DATADERDEN_URL", raising=False)
    monkeypatch.delenv("IVP_ODATA_OPENDATA_URL", raising=False)
    assert catalogue_base("dataderden") == "https://dataderden.cbs.nl/ODataApi/OData/"
    assert catalogue_base("opendata") == "https://opendata.cbs.nl/ODataApi/odata/"
    assert catalogue_base("dataderden", bulk=True) == "https://dataderden.cbs.nl/ODataFeed/OData/"
    assert catalogue_base("opendata", bulk=True) == "https://opendata.cbs.nl/ODataFeed/odata/"
    monkeypatch.setenv("IVP_ODATA_DATADERDEN_URL", "http://mirror.test/politie")
    assert catalogue_base("dataderden") == "http://mirror.test/politie/"
    assert catalogue_base("dataderden", bulk=True) == "http://mirror.test/politie/"
    with pytest.raises(Exception, match="No OData catalogue 'statline'"):
        catalogue_base("statline")


def test_url_asks_for_json_and_encodes_spaces_as_percent_20() -> None:
    url = client(Replay({})).url("47013NED/TypedDataSet", {"$filter": "RegioS eq 'GM0363    '"})
    assert url == (
        "https://dataderden.cbs.nl/ODataFeed/OData/47013NED/TypedDataSet"
        "?$format=json&$filter=RegioS%20eq%20'GM0363%20%20%20%20'"
    )
    assert "+" not in url


def test_get_json_reads_a_dimension() -> None:
    replay = Replay({"47013NED/Perioden": "47013NED_Perioden.json"})
    data = client(replay).get_json("47013NED/Perioden")
    assert [(p["Key"], p["Status"]) for p in data["value"]] == [
        ("2023MM11", "Definitief"),
        ("2023MM12", "Definitief"),
        ("2024MM01", "Voorlopig"),
    ]
    assert replay.timeouts == [30]


# --- paging ----------------------------------------------------------------------------------


def test_paging_follows_the_next_link_as_given_until_the_last_page() -> None:
    replay = Replay(
        {
            "TypedDataSet?$format=json&$filter=(Perioden eq '2023MM11'": [
                "47013NED_TypedDataSet_page1.json",
                "47013NED_TypedDataSet_page2.json",
            ]
        }
    )
    flt = period_filters(
        ["2023MM11", "2023MM12", "2024MM01"], extra="substringof('GM', RegioS) or substringof('NL01', RegioS)"
    )
    rows = list(client(replay).iter_rows("47013NED", filter=flt[0]))
    assert len(rows) == 24
    assert len({r["ID"] for r in rows}) == 24
    first_page = json.loads((FIXTURES / "47013NED_TypedDataSet_page1.json").read_text(encoding="utf-8"))
    assert replay.urls[1] == first_page["odata.nextLink"]  # followed exactly: no parameter added twice
    assert replay.urls[1].count("$filter=") == 1 and replay.urls[1].count("$format=") == 1


def test_a_next_link_back_to_a_page_already_read_stops_the_loop() -> None:
    def looping(request: urllib.request.Request) -> FakeResponse:
        return FakeResponse(
            json.dumps({"value": [{"Key": "x"}], "odata.nextLink": request.full_url}).encode()
        )

    with pytest.raises(ODataError, match="points back"):
        list(client(Replay({"Perioden": looping})).iter_rows("47013NED", "Perioden"))


# --- retries ---------------------------------------------------------------------------------


def test_a_503_is_retried_with_backoff_then_succeeds() -> None:
    url = DATADERDEN + "47013NED/Perioden"
    replay = Replay({"Perioden": [http_error(url, 503), http_error(url, 503), "47013NED_Perioden.json"]})
    sleeps: list[float] = []
    rows = list(client(replay, sleeps, backoff=0.5).iter_rows("47013NED", "Perioden"))
    assert len(rows) == 3
    assert len(replay.urls) == 3
    assert sleeps == [0.5, 1.0]


def test_a_429_waits_at_least_as_long_as_retry_after() -> None:
    url = DATADERDEN + "47013NED/Perioden"
    replay = Replay({"Perioden": [http_error(url, 429, {"Retry-After": "7"}), "47013NED_Perioden.json"]})
    sleeps: list[float] = []
    client(replay, sleeps).get_json("47013NED/Perioden")
    assert sleeps == [7.0]


def test_a_service_that_keeps_failing_gives_up_after_the_retries() -> None:
    url = DATADERDEN + "47013NED/Perioden"
    replay = Replay({"Perioden": [http_error(url, 502)]})
    sleeps: list[float] = []
    with pytest.raises(
        SourceUnavailable, match=r"dataderden\.cbs\.nl did not answer properly after 4 attempt"
    ):
        client(replay, sleeps).get_json("47013NED/Perioden")
    assert len(replay.urls) == 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_a_404_is_not_retried() -> None:
    url = DATADERDEN + "47099NED/Perioden"
    replay = Replay({"Perioden": [http_error(url, 404)]})
    sleeps: list[float] = []
    with pytest.raises(ODataError, match="HTTP 404"):
        client(replay, sleeps).get_json("47099NED/Perioden")
    assert len(replay.urls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "timeout",
    [urllib.error.URLError(TimeoutError("timed out")), TimeoutError("The read operation timed out")],
    ids=["connect", "read"],
)
def test_a_timeout_is_retried(timeout: BaseException) -> None:
    replay = Replay({"Perioden": [timeout, "47013NED_Perioden.json"]})
    sleeps: list[float] = []
    assert len(client(replay, sleeps, timeout=5).get_json("47013NED/Perioden")["value"]) == 3
    assert len(replay.urls) == 2 and sleeps == [1.0] and replay.timeouts == [5, 5]


def test_persistent_timeouts_end_as_unavailable() -> None:
    replay = Replay({"Perioden": [urllib.error.URLError(TimeoutError("timed out"))]})
    with pytest.raises(SourceUnavailable, match="no answer within the time-out"):
        client(replay, retries=1).get_json("47013NED/Perioden")
    assert len(replay.urls) == 2


# --- offline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.URLError(socket.gaierror(socket.EAI_NONAME, "Name or service not known")),
        urllib.error.URLError(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")),
        urllib.error.URLError(OSError(errno.ENETUNREACH, "Network is unreachable")),
        ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
    ],
    ids=["dns", "refused", "unreachable", "refused-unwrapped"],
)
def test_offline_fails_at_once_with_a_clear_message(failure: BaseException) -> None:
    replay = Replay({"Perioden": [failure]})
    sleeps: list[float] = []
    with pytest.raises(SourceUnavailable) as caught:
        client(replay, sleeps).get_json("47013NED/Perioden")
    assert "dataderden.cbs.nl" in str(caught.value)
    assert "seems to be offline" in str(caught.value)
    assert len(replay.urls) == 1 and sleeps == []


# --- answers that cannot be used -------------------------------------------------------------


def test_an_answer_that_is_not_json_is_refused() -> None:
    replay = Replay({"Perioden": lambda _r: FakeResponse(b"<html>maintenance</html>")})
    with pytest.raises(ODataError, match="did not answer with JSON"):
        client(replay).get_json("47013NED/Perioden")


def test_an_odata_error_object_is_refused() -> None:
    body = {"odata.error": {"code": "", "message": {"lang": "nl-NL", "value": "Onbekende kolom Regio"}}}
    replay = Replay({"Perioden": lambda _r: FakeResponse(json.dumps(body).encode())})
    with pytest.raises(ODataError, match="Onbekende kolom Regio"):
        client(replay).get_json("47013NED/Perioden")


def test_only_http_urls_are_read() -> None:
    with pytest.raises(ODataError, match="Only http"):
        ODataClient(base_url="file:///etc/", opener=Replay({})).get_json("passwd")


# --- period filters --------------------------------------------------------------------------


def test_period_filter_reads_like_the_cbs_examples() -> None:
    assert period_filters(["2023MM01"], extra="substringof('GM', RegioS)") == [
        "(Perioden eq '2023MM01') and (substringof('GM', RegioS))"
    ]


def test_long_period_lists_are_chunked_so_every_url_stays_short() -> None:
    codes = [f"{y}MM{m:02d}" for y in range(2012, 2025) for m in range(1, 13)]
    odata = client(Replay({}))
    budget = odata.filter_budget("47013NED")
    chunks = period_filters(
        codes, extra="substringof('GM', RegioS) or substringof('NL01', RegioS)", max_chars=budget
    )
    assert len(chunks) > 1
    urls = [odata.url("47013NED/TypedDataSet", {"$filter": c}) for c in chunks]
    assert max(len(u) for u in urls) < MAX_URL_CHARS
    found = [code for c in chunks for code in c.split("'") if code[:2] == "20"]
    assert found == codes


def test_a_filter_that_cannot_fit_is_an_error() -> None:
    with pytest.raises(ValueError, match="alone is longer"):
        period_filters(["2023MM01"], max_chars=10)


# --- the fixtures themselves -----------------------------------------------------------------


def _classification(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["Key"]: row["Title"] for row in csv.DictReader(handle)}


def test_fixture_codes_and_titles_exist_in_the_bundled_classifications() -> None:
    data = Path(settings.DATA_DIR)
    known = {
        "47": _classification(data / "bernasco_staat_van_de_misdaad" / "data" / "SoortMisdrijf.csv"),
        "83": _classification(data / "matthijsvz88_dashboard_crime_nl" / "data" / "misdrijf_meta.csv"),
    }
    checked = 0
    for path in sorted(FIXTURES.glob("*.json")):
        codes = known[path.name[:2]]
        for row in json.loads(path.read_text(encoding="utf-8"))["value"]:
            if "SoortMisdrijf" in row:  # a data row: the key exactly as published, padding included
                assert row["SoortMisdrijf"] in codes, (path.name, row["SoortMisdrijf"])
                checked += 1
            elif path.name.endswith("_SoortMisdrijf.json"):  # a dimension entry: key and title
                assert codes.get(row["Key"]) == row["Title"], (path.name, row["Key"], row["Title"])
                checked += 1
    assert checked > 60
