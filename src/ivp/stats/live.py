"""Live updates of a statistics source from the CBS/politie OData API.

`source_update` is the live twin of a file load: it fetches the rows a source is missing and hands
them, as delivered, to `services.source_load` (mode `live`, merge). The raw table, the one parser
(`Source.encode`), the validation and the store write are therefore the same as for a file.

What is fetched:

1. the table's `Perioden` dimension (`Key`, `Status` = `Definitief` | `Voorlopig`);
2. the periods to fetch: every period of the table that the store does not hold yet for this
   source, every period the table still calls `Voorlopig`, and every period the store holds as
   provisional (it may have become final since); or exactly the `periods` asked for;
3. the `TypedDataSet` rows of those periods, in chunks of periods so that each URL stays under
   ~2,000 characters, through the Feed root (pages of 10,000 rows; the Api root refuses more
   than 10,000 cells). Only municipalities are fetched (`GM…`), plus the national total `NL01` in
   tables whose area dimension is `RegioS`: the store is municipal, and the wijk/buurt tables
   would otherwise bring every wijk and buurt. The pseudo-municipalities `GM0000` (unknown),
   `GM0998` (abroad) and `GM0999` (not assignable) are left out;
4. a year is marked provisional when any fetched period of that year is `Voorlopig` (the loader
   marks provisional by year).

Nothing is written unless every row is read and valid; an offline machine fails at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ivp.core.errors import IvpError

from .constants import RunMode, RunStatus
from .models import IngestRun
from .odata import ODataClient, catalogue_base, period_filters
from .periods import PeriodError, parse_code
from .services import source_load
from .sources.base import Source, SourceInput
from .sources.registry import source_get
from .store import StatsStore, default_store

ProgressCallback = Callable[[str, int], None]

PROVISIONAL = "Voorlopig"
PSEUDO_AREAS = frozenset({"GM0000", "GM0998", "GM0999"})  # onbekend, buitenland, niet in te delen
FETCH_SHARE = 50  # the fetch takes progress 0-50 %, the load 50-100 %


@dataclass(frozen=True)
class TablePeriod:
    """One entry of a table's period dimension."""

    key: str  # as the API gives it (used in filters)
    code: str  # trimmed
    status: str  # Definitief | Voorlopig (or empty when the table does not say)

    @property
    def is_provisional(self) -> bool:
        return self.status.strip().lower() == PROVISIONAL.lower()


def area_filter(source: Source) -> str:
    """The `$filter` part restricting a table to municipalities (and NL01 where it exists).

    `substringof` leaves the key padding out of the question (`'GM0363'` vs `'GM0363    '`).
    """
    dim = source.area_dimension
    parts = [f"substringof('GM', {dim})"]
    if dim == "RegioS":
        parts.append(f"substringof('NL01', {dim})")
    return " or ".join(parts)


def table_periods(client: ODataClient, source: Source) -> list[TablePeriod]:
    """The table's periods in the order the table lists them."""
    found = []
    for row in client.iter_rows(source.table_id, source.period_dimension):
        key = row.get("Key")
        if not isinstance(key, str) or not key.strip():
            continue
        found.append(TablePeriod(key=key, code=key.strip(), status=str(row.get("Status") or "")))
    return found


def stored_periods(store: StatsStore, source_key: str) -> dict[str, bool]:
    """The periods the store holds for a source, each with whether any of its rows is provisional."""
    con = store.connect()
    try:
        rows = con.execute(
            "SELECT period_code, bool_or(is_provisional) FROM core_observations WHERE source_key = ? GROUP BY 1",
            [source_key],
        ).fetchall()
    finally:
        con.close()
    return {str(code): bool(provisional) for code, provisional in rows}


def periods_to_fetch(
    available: list[TablePeriod], stored: dict[str, bool], wanted: list[str] | None = None
) -> list[TablePeriod]:
    """The periods an update fetches (see the module docstring), in the table's order."""
    if wanted is not None:
        by_code = {p.code: p for p in available}
        codes: list[str] = []
        for text in wanted:
            try:
                codes.append(parse_code(text).code)
            except PeriodError as exc:
                raise IvpError(str(exc)) from None
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise IvpError(
                f"The table does not have the period(s) {', '.join(unknown)}. "
                f"It has {available[0].code} … {available[-1].code}."
                if available
                else f"The table does not have the period(s) {', '.join(unknown)}; it lists no periods."
            )
        chosen = set(codes)
        return [p for p in available if p.code in chosen]
    return [p for p in available if p.code not in stored or p.is_provisional or stored[p.code]]


def _failed_run(source: Source, name: str, exc: BaseException) -> None:
    IngestRun.objects.create(
        source_key=source.key,
        mode=RunMode.LIVE,
        inputs=[name],
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        message=f"{type(exc).__name__}: {exc}"[:2000],
    )


def _fetch_rows(
    client: ODataClient, source: Source, chosen: list[TablePeriod], report: Callable[[str, int], None]
) -> list[dict[str, Any]]:
    columns = source.raw_columns
    wanted = set(columns)
    budget = client.filter_budget(source.table_id, "TypedDataSet")
    filters = period_filters(
        [p.key for p in chosen],
        dimension=source.period_dimension,
        extra=area_filter(source),
        max_chars=budget,
    )
    records: list[dict[str, Any]] = []
    for number, flt in enumerate(filters):
        report(
            f"fetch {source.table_id} ({number + 1}/{len(filters)})",
            5 + (FETCH_SHARE - 5) * number // len(filters),
        )
        for row in client.iter_rows(source.table_id, "TypedDataSet", filter=flt):
            missing = wanted - row.keys()
            if missing:
                raise IvpError(
                    f"{source.table_id} answered without the column(s) {', '.join(sorted(missing))}: the table "
                    f"may have been redesigned. ivp expects {', '.join(columns)}."
                )
            area = row.get(source.area_dimension)
            if isinstance(area, str) and area.strip().upper() in PSEUDO_AREAS:
                continue
            records.append({c: row[c] for c in columns})
    return records


def source_update(
    *,
    source_key: str,
    progress: ProgressCallback | None = None,
    client: ODataClient | None = None,
    store: StatsStore | None = None,
    periods: list[str] | None = None,
) -> IngestRun:
    """Fetch what a source is missing from the live API and load it as one tracked run.

    `periods` (codes like `2024MM01`) fetches exactly those periods instead of the missing and
    provisional ones. Raises `odata.SourceUnavailable` when the API cannot be reached and
    `IvpError` when the source has no live API or the answer cannot be used; a failed fetch is
    recorded as a failed run and leaves the store unchanged.
    """
    source = source_get(source_key)
    if source.catalogue is None:
        raise IvpError(
            f"The source '{source.key}' ({source.title}) has no live API and cannot be updated live; "
            "load its files instead."
        )
    store = store or default_store()
    client = client or ODataClient(base_url=catalogue_base(source.catalogue, bulk=True))
    name = f"live:{source.table_id}"

    def report(stage: str, pct: int) -> None:
        if progress:
            progress(stage, max(0, min(100, pct)))

    try:
        report(f"read periods of {source.table_id}", 0)
        available = table_periods(client, source)
        chosen = periods_to_fetch(available, stored_periods(store, source.key), periods)
        if not chosen:
            manifest = store.manifest()
            run = IngestRun.objects.create(
                source_key=source.key,
                mode=RunMode.LIVE,
                inputs=[name],
                status=RunStatus.SUCCEEDED,
                finished_at=timezone.now(),
                progress_pct=100,
                stage="up to date",
                message=f"{source.table_id}: no new or provisional periods; nothing to fetch.",
                store_version=manifest.version if manifest else "",
            )
            report("up to date", 100)
            return run
        records = _fetch_rows(client, source, chosen, report)
        if not records:
            raise IvpError(
                f"{source.table_id} returned no rows for {', '.join(p.code for p in chosen)} "
                "(municipalities and NL01 only)."
            )
    except IvpError as exc:
        _failed_run(source, name, exc)
        raise

    provisional_years = frozenset(int(p.code[:4]) for p in chosen if p.is_provisional)
    report(f"fetched {len(records)} rows of {len(chosen)} period(s)", FETCH_SHARE)
    item = SourceInput(
        name=name,
        records=records,
        data_date=timezone.localdate(),
        provisional_years=provisional_years,
    )
    run = source_load(
        source_key=source.key,
        inputs=[item],
        mode=RunMode.LIVE,
        merge=True,
        store=store,
        progress=(lambda stage, pct: report(stage, FETCH_SHARE + pct * (100 - FETCH_SHARE) // 100)),
    )
    report("done", 100)  # source_load ends its run at 100 % without a last callback
    return run
