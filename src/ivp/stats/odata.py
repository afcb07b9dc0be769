"""A small OData v3 client for the CBS catalogues, on the standard library only.

Two catalogues serve the tables ivp reads (see docs: domain reference §2.1):

- `opendata`   — CBS StatLine, `https://opendata.cbs.nl/ODataApi/odata/<table>/` (83648NED …);
- `dataderden` — tables CBS publishes for others, here the politie tables,
  `https://dataderden.cbs.nl/ODataApi/OData/<table>/` (47013NED, 47025NED …).

How the service answers (OData v3, JSON "light"):

- a collection is `{"odata.metadata": "...", "value": [ {...}, ... ]}`; a long one is cut into
  pages and each page but the last carries `"odata.nextLink"`, an absolute URL that already repeats
  the query (`$format`, `$filter`, `$select`) and adds `$skip`. It is followed exactly as given:
  adding the parameters again doubles them (cf. J535D165/cbsodata pull request 15);
- the `ODataApi` root answers at most 10,000 cells per request and refuses more; the `ODataFeed`
  root (same paths) pages through any size in pages of 10,000 rows. `catalogue_base(bulk=True)`
  gives the Feed root for whole-table downloads;
- endpoints per table: `TypedDataSet` (numbers as JSON numbers, `null` = suppressed),
  `DataProperties` (the columns), and one per dimension (`SoortMisdrijf`, `RegioS`/
  `WijkenEnBuurten`, `Perioden` with `Key`, `Title`, `Description`, `Status` =
  `Definitief`/`Voorlopig`);
- dimension keys are padded with trailing spaces to the width of the dimension (`'1.1.1 '`,
  `'GM1641    '`); period keys are always 8 characters (`2023MM01`, `2023JJ00`).

Failures: HTTP 5xx, 429 and time-outs are retried with exponential back-off; other 4xx answers
are not retried (`ODataError`); a machine without network (no DNS, connection refused, no route)
fails at once with `SourceUnavailable`, before any retry.
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from ivp.core.errors import IvpError

# catalogue -> (environment variable, API root, Feed root)
CATALOGUES: dict[str, tuple[str, str, str]] = {
    "dataderden": (
        "IVP_ODATA_DATADERDEN_URL",
        "https://dataderden.cbs.nl/ODataApi/OData/",
        "https://dataderden.cbs.nl/ODataFeed/OData/",
    ),
    "opendata": (
        "IVP_ODATA_OPENDATA_URL",
        "https://opendata.cbs.nl/ODataApi/odata/",
        "https://opendata.cbs.nl/ODataFeed/odata/",
    ),
}
PAGE_ROWS = 10_000  # rows per page of the Feed; cells per request of the Api
MAX_URL_CHARS = 2_000  # keep every request URL below this (proxies and IIS limits)
USER_AGENT = "ivp-stats/1 (Integraal Veiligheidsplan; statistics update)"
_SAFE = "$'(),"  # left readable in query strings; spaces become %20, never '+'
_OFFLINE_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.ECONNREFUSED}
_RETRY_AFTER_MAX = 120.0


class ODataError(IvpError):
    """The service refused a request (HTTP 4xx) or gave an answer that cannot be read."""


class SourceUnavailable(IvpError):
    """The service cannot be reached: this machine is offline, or the service keeps failing."""


class Opener(Protocol):
    """What opens a request: `urllib.request.urlopen`, or a fake in tests. Returns a file-like
    response (`read()`, optionally `close()`); raises `urllib.error.HTTPError`/`URLError`/`OSError`."""

    def __call__(self, request: urllib.request.Request, /, *, timeout: float) -> Any: ...


def catalogue_base(catalogue: str, *, bulk: bool = False) -> str:
    """The root URL of a catalogue (`dataderden` or `opendata`), ending in `/`.

    `bulk=True` gives the Feed root (pages of 10,000 rows, no size limit) instead of the Api root.
    `IVP_ODATA_DATADERDEN_URL` / `IVP_ODATA_OPENDATA_URL` replace both (a mirror or a test server
    serves one root).
    """
    try:
        variable, api, feed = CATALOGUES[catalogue]
    except KeyError:
        known = ", ".join(sorted(CATALOGUES))
        raise IvpError(f"No OData catalogue '{catalogue}'. Known catalogues: {known}.") from None
    url = os.environ.get(variable, "").strip() or (feed if bulk else api)
    return url if url.endswith("/") else url + "/"


def encode_query(params: Iterable[tuple[str, str]]) -> str:
    """A query string with spaces as %20 (some OData parsers read '+' as a plus sign)."""
    return urllib.parse.urlencode(list(params), quote_via=urllib.parse.quote, safe=_SAFE)


def literal(value: str) -> str:
    """An OData string literal: `'GM0363'`, quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def period_filters(
    codes: Sequence[str],
    *,
    dimension: str = "Perioden",
    extra: str | None = None,
    max_chars: int = 1_600,
) -> list[str]:
    """`$filter` values selecting the periods `codes`, in as few chunks as fit.

    Each value reads `(Perioden eq '2023MM01' or Perioden eq '2023MM02') and (<extra>)` and is at
    most `max_chars` long once URL-encoded, so that the whole URL stays under ~2,000 characters
    (see `ODataClient.filter_budget`). Codes are used as given (period keys carry no padding).
    """
    tail = f" and ({extra})" if extra else ""
    chunks: list[str] = []
    current: list[str] = []

    def render(parts: list[str]) -> str:
        return "(" + " or ".join(parts) + ")" + tail

    for code in codes:
        clause = f"{dimension} eq {literal(code)}"
        if len(encode_query([("", render([clause]))])) - 1 > max_chars:
            raise ValueError(f"a filter for period {code!r} alone is longer than {max_chars} characters")
        if current and len(encode_query([("", render([*current, clause]))])) - 1 > max_chars:
            chunks.append(render(current))
            current = []
        current.append(clause)
    if current:
        chunks.append(render(current))
    return chunks


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def _reason(exc: BaseException) -> object:
    return exc.reason if isinstance(exc, urllib.error.URLError) else exc


def _is_offline(reason: object) -> bool:
    if isinstance(reason, socket.gaierror | ConnectionRefusedError):
        return True
    return isinstance(reason, OSError) and reason.errno in _OFFLINE_ERRNOS


def _is_transient(reason: object) -> bool:
    return isinstance(
        reason,
        TimeoutError | ConnectionResetError | ConnectionAbortedError | http.client.IncompleteRead,
    )


def _retry_after(exc: urllib.error.HTTPError) -> float:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return min(float(value), _RETRY_AFTER_MAX) if value else 0.0
    except ValueError:
        return 0.0  # an HTTP date: fall back to the back-off


class ODataClient:
    """Reads one OData v3 root (`base_url`, e.g. `catalogue_base('dataderden', bulk=True)`).

    `retries` is the number of extra attempts after a failed one (so at most `retries + 1`
    requests per URL); attempt `n` (from 0) is followed by a pause of `backoff * 2**n` seconds, or
    the server's `Retry-After` when that is longer. `opener` and `sleep` are replaceable for tests.
    """

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = 30,
        retries: int = 3,
        backoff: float = 1.0,
        opener: Opener | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.opener: Opener = opener or urllib.request.urlopen
        self.sleep = sleep

    # --- URLs ---------------------------------------------------------------------------

    def url(self, path: str, params: dict[str, str] | None = None) -> str:
        """The URL of `path` (relative to the root, or absolute) with `$format=json` and `params`."""
        url = path if urllib.parse.urlsplit(path).scheme else urllib.parse.urljoin(self.base_url, path)
        query = dict(params or {})
        existing = {k for k, _v in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)}
        if "$format" not in existing:
            query = {"$format": "json", **query}
        extra = encode_query((k, v) for k, v in query.items() if k not in existing)
        if not extra:
            return url
        return url + ("&" if "?" in url else "?") + extra

    def filter_budget(self, table_id: str, endpoint: str = "TypedDataSet", select: Sequence[str] = ()) -> int:
        """How long an encoded `$filter` may be for the URL to stay under `MAX_URL_CHARS`."""
        params = {"$select": ",".join(select)} if select else {}
        return MAX_URL_CHARS - len(self.url(f"{table_id}/{endpoint}", params)) - len("&$filter=") - 1

    # --- requests -----------------------------------------------------------------------

    def get_json(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """GET `path` and return the decoded JSON object, retrying what may pass."""
        url = self.url(path, params)
        body = self._fetch(url)
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ODataError(f"{_host(url)} did not answer with JSON ({exc}): {url}") from None
        if not isinstance(data, dict):
            raise ODataError(f"{_host(url)} answered with JSON that is not an object: {url}")
        if "odata.error" in data:
            error = data["odata.error"] or {}
            message = (error.get("message") or {}).get("value") if isinstance(error, dict) else None
            raise ODataError(f"{_host(url)} reported an error: {message or error}: {url}")
        return data

    def _fetch(self, url: str) -> bytes:
        host = _host(url)
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ODataError(f"Only http(s) URLs are read, not {url}")
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
        last = ""
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2**attempt
            try:
                response = self.opener(request, timeout=self.timeout)
                try:
                    body: bytes = response.read()
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()
                return body
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500:
                    raise ODataError(
                        f"{host} refused the request: HTTP {exc.code} {exc.reason} for {url}"
                    ) from None
                last = f"HTTP {exc.code} {exc.reason}"
                wait = max(wait, _retry_after(exc))
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = _reason(exc)
                if _is_offline(reason):
                    raise SourceUnavailable(
                        f"Cannot reach {host} ({reason}). This machine seems to be offline (no DNS, no route "
                        "or connection refused); check the network connection and try again. "
                        "Nothing was changed."
                    ) from None
                if not _is_transient(reason):
                    raise ODataError(f"Cannot read {url}: {reason}") from None
                last = "no answer within the time-out" if isinstance(reason, TimeoutError) else str(reason)
            if attempt < self.retries:
                self.sleep(wait)
        raise SourceUnavailable(
            f"{host} did not answer properly after {self.retries + 1} attempt(s) ({last}); "
            "the service may be down or busy, try again later. Nothing was changed."
        )

    # --- collections --------------------------------------------------------------------

    def iter_rows(
        self,
        table_id: str,
        endpoint: str = "TypedDataSet",
        filter: str | None = None,  # the OData name, though it shadows the built-in
        select: Sequence[str] | str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every row of `<table_id>/<endpoint>`, following `odata.nextLink` to the last page."""
        params: dict[str, str] = {}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = select if isinstance(select, str) else ",".join(select)
        url: str | None = self.url(f"{table_id}/{endpoint}", params)
        seen: set[str] = set()
        while url:
            if url in seen:
                raise ODataError(
                    f"{_host(url)} sent a next link that points back to a page already read: {url}"
                )
            seen.add(url)
            page = self.get_json(url)
            rows = page.get("value")
            if not isinstance(rows, list):
                raise ODataError(f"{_host(url)} answered without a 'value' list: {url}")
            for row in rows:
                if not isinstance(row, dict):
                    raise ODataError(f"{_host(url)} answered with a row that is not an object: {url}")
                yield row
            link = page.get("odata.nextLink")
            if link is None:
                url = None
                continue
            url = urllib.parse.urljoin(url, str(link))
            if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise ODataError(f"cannot follow the next link {link!r}")
