"""Population per municipality and year: CBS 03759NED, from a CSV export or the live API.

"Bevolking op 1 januari en gemiddeld; geslacht, leeftijd, burgerlijke staat en regio". Only the
totals are used (Geslacht `T001038`, Leeftijd `10000`, BurgerlijkeStaat `T001019`) and the
measure `BevolkingOp1Januari_1`, for municipalities (`GM…`) and the Netherlands (`NL01`), per
year (`JJ00`). The figures go to the areas' population table, which the rates per 1,000 use.

Both paths hand their rows, as delivered, to one parser (`parse_rows`), which:
- trims the padded keys and keeps only the total rows (other breakdowns are ignored);
- reads a missing (NULL) figure as *unknown*: no population is stored, never 0;
- restates municipalities that merged to today's borders: a predecessor's population (it has
  figures only while it existed) is added to the current municipality's (see
  `ivp/municipal_mergers.csv`); a split municipality (no single successor) is left out;
- refuses anything else it cannot read, naming the origin, row and field, and then stores nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area, Population
from ivp.core.errors import DataFileError, FileProblem

from .constants import RunMode, RunStatus
from .models import IngestRun
from .services import ProgressCallback, _Run, read_mergers

KEY = "cbs_population"
TABLE_ID = "03759NED"
CATALOGUE = "opendata"
MEASURE = "BevolkingOp1Januari_1"
TOTALS = {"Geslacht": "T001038", "Leeftijd": "10000", "BurgerlijkeStaat": "T001019"}
SOURCE_LABEL = "CBS 03759NED, population on 1 January"
LIVE_FILTER = (
    "Geslacht eq 'T001038' and Leeftijd eq '10000' and BurgerlijkeStaat eq 'T001019' "
    "and (substringof('GM',RegioS) or substringof('NL01',RegioS)) and substringof('JJ',Perioden)"
)
_AREA = re.compile(r"^(NL01|GM\d{4})$")
_YEAR = re.compile(r"^(\d{4})JJ00$")


def parse_rows(
    rows: Iterable[Mapping[str, Any]], *, origin: str, data_dir: Path
) -> dict[tuple[str, int], int]:
    """Population per (current area code, year). Raises DataFileError listing every problem."""
    mergers, split = read_mergers(data_dir)
    current = set(Area.objects.filter(kind=AreaKind.MUNICIPALITY).values_list("code", flat=True)) | {"NL01"}
    problems: list[FileProblem] = []
    own: dict[tuple[str, int], int] = {}
    restated: dict[tuple[str, int], int] = defaultdict(int)
    seen = 0
    for number, row in enumerate(rows, start=2):
        seen += 1
        if any(str(row.get(k) or "").strip() != v for k, v in TOTALS.items() if k in row):
            continue  # a breakdown (by sex, age, marital status): not used
        area = str(row.get("RegioS") or "").strip().upper()
        period = str(row.get("Perioden") or "").strip()
        value = row.get(MEASURE)
        year_match = _YEAR.match(period)
        if not _AREA.match(area):
            if area.startswith("GM") or area.startswith("NL"):
                problems.append(FileProblem(origin, number, "RegioS", f"'{area}' is not a CBS region code"))
            continue  # provinces and other regions: not used
        if year_match is None:
            problems.append(
                FileProblem(origin, number, "Perioden", f"'{period}' is not a year code (like 2023JJ00)")
            )
            continue
        if value is None or str(value).strip() in {"", "."}:
            continue  # unknown: no figure, never 0
        try:
            count = int(str(value).strip())
            if count < 0:
                raise ValueError
        except ValueError:
            problems.append(
                FileProblem(origin, number, MEASURE, f"'{value}' is not a whole, non-negative number")
            )
            continue
        year = int(year_match.group(1))
        if area in split:
            continue
        if area in mergers:
            restated[(mergers[area], year)] += count
        elif area in current:
            own[(area, year)] = count
        else:
            problems.append(
                FileProblem(
                    origin,
                    number,
                    "RegioS",
                    f"'{area}' is neither a current municipality nor in the merger list",
                )
            )
    if seen == 0:
        problems.append(FileProblem(origin, None, None, "holds no rows"))
    if problems:
        raise DataFileError(problems)
    for key, count in restated.items():
        # A predecessor has figures only while it existed: add them to the successor, so every
        # year is counted within today's borders.
        own[key] = own.get(key, 0) + count
    return own


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        head = handle.readline()
        handle.seek(0)
        delimiter = ";" if head.count(";") > head.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [c for c in ("RegioS", "Perioden", MEASURE) if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError([FileProblem(path.name, 1, ", ".join(missing), "required column(s) missing")])
        return list(reader)


@transaction.atomic
def _store(figures: dict[tuple[str, int], int], *, source: str) -> int:
    ids = dict(Area.objects.filter(code__in={code for code, _y in figures}).values_list("code", "pk"))
    written = 0
    for (code, year), count in sorted(figures.items()):
        Population.objects.update_or_create(
            area_id=ids[code],
            year=year,
            defaults={"inhabitants_count": count, "reference_date": dt.date(year, 1, 1), "source": source},
        )
        written += 1
    return written


def population_load(
    *,
    rows: Iterable[Mapping[str, Any]] | None = None,
    files: list[Path] | None = None,
    origin: str = "",
    mode: RunMode = RunMode.FILE,
    data_dir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> IngestRun:
    """Load population figures (from CSV exports or live rows) as one tracked run."""
    data_dir = data_dir or Path(settings.DATA_DIR)
    inputs = [f.name for f in files] if files else [origin or f"live:{TABLE_ID}"]
    run = IngestRun.objects.create(source_key=KEY, mode=mode, inputs=inputs)
    try:
        figures: dict[tuple[str, int], int] = {}
        read = 0
        batches: list[tuple[str, list[Mapping[str, Any]]]] = (
            [(f.name, list(_csv_rows(f))) for f in files] if files else [(inputs[0], list(rows or []))]
        )
        for number, (name, batch) in enumerate(batches):
            if progress:
                progress(f"read {name}", int(50 * number / max(1, len(inputs))))
            read += len(batch)
            figures.update(parse_rows(batch, origin=name, data_dir=data_dir))
        if progress:
            progress("write population", 80)
        written = _store(figures, source=SOURCE_LABEL)
    except DataFileError as exc:
        _finish(run, RunStatus.FAILED, message=str(exc)[:2000], rows_invalid=len(exc.problems),
                error_report=[{"file": p.path, "row": p.row, "field": p.field, "message": p.message} for p in exc.problems])  # fmt: skip
        raise
    except BaseException as exc:
        _finish(run, RunStatus.FAILED, message=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    if progress:
        progress("done", 100)
    return _finish(run, RunStatus.SUCCEEDED, rows_read=read, rows_loaded=written, progress_pct=100)


def population_update(*, client: Any = None, progress: ProgressCallback | None = None) -> IngestRun:
    """Fetch the population of every municipality and year from the live API (CBS open catalogue)."""
    from .odata import ODataClient, catalogue_base

    client = client or ODataClient(base_url=catalogue_base(CATALOGUE, bulk=True))
    if progress:
        progress(f"fetch {TABLE_ID}", 5)
    try:
        rows = list(
            client.iter_rows(TABLE_ID, filter=LIVE_FILTER, select=["RegioS", "Perioden", MEASURE, *TOTALS])
        )
    except Exception as exc:
        run = IngestRun.objects.create(source_key=KEY, mode=RunMode.LIVE, inputs=[f"live:{TABLE_ID}"])
        _finish(run, RunStatus.FAILED, message=f"{exc}"[:2000])
        raise
    return population_load(rows=rows, origin=f"live:{TABLE_ID}", mode=RunMode.LIVE, progress=progress)


def _finish(run: IngestRun, status: RunStatus, **fields: Any) -> IngestRun:
    return _Run(run, None).finish(status, **fields)
