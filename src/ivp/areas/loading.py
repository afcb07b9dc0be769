"""Load the bundled reference data on areas: municipalities, their regions and population.

Every file is read and checked completely before anything is written; one problem anywhere
rejects the whole load (naming file, row and field) and leaves the database as it was.
Loading the same files twice gives the same result.

Row numbers count records as a spreadsheet does: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ivp.core.errors import DataFileError, FileProblem
from ivp.core.text import normalise

from .constants import CODE_PATTERNS, OFFICIAL_REGION_KINDS, AreaKind
from .models import Area, AreaMembership, Population

# The bundled files, relative to the data directory (see data/SOURCES.md).
MUNICIPALITIES_FILE = "derived/gemeenten_2024_regio_indeling.csv"
REGION_CODES_FILE = "bernasco_staat_van_de_misdaad/data/RegioS.csv"
SAFETY_REGIONS_FILE = "mzelst_covid19/misc/safetyregions-population.csv"
POPULATION_2022_FILE = "matthijsvz88_dashboard_crime_nl/data/pop.csv"
ALIASES_FILE = "ivp/area_aliases.csv"
NATIONAL_POPULATION_FILE = "bernasco_staat_van_de_misdaad/data/NL_Population.csv"

POPULATION_2024_SOURCE = "CBS 85984NED Kerncijfers wijken en buurten 2024 (sum of buurten, rounded)"
POPULATION_2022_SOURCE = "CBS, population on 1 January 2022 (bundled pop.csv, 2022 municipal boundaries)"
NATIONAL_POPULATION_SOURCE = "CBS 83474NED, average population of the year (Nederland)"
_BOUNDARY_EVENT = re.compile(
    r"(?:Ontstaan|Gemeentelijke herindeling|Provinciale wijziging) per (\d{2})-(\d{2})-(\d{4})"
)


@dataclass
class AreaRecord:
    code: str
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    boundary_since: dt.date | None = None
    description: str = ""


@dataclass
class PopulationRecord:
    code: str
    year: int
    count: int
    reference_date: dt.date
    source: str


@dataclass
class ReferenceData:
    areas: dict[str, AreaRecord]
    memberships: set[tuple[str, str]]  # (region code, municipality code)
    populations: list[PopulationRecord]


@dataclass(frozen=True)
class LoadResult:
    areas_created: int
    areas_updated: int
    memberships_created: int
    memberships_removed: int
    populations_written: int

    @property
    def changed(self) -> bool:
        return any(
            (
                self.areas_created,
                self.areas_updated,
                self.memberships_created,
                self.memberships_removed,
            )
        )


class _Reader:
    """Collects problems while reading CSV files, so that all of them can be reported at once."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.problems: list[FileProblem] = []

    def problem(self, name: str, row: int | None, fld: str | None, message: str) -> None:
        self.problems.append(FileProblem(name, row, fld, message))

    def rows(self, name: str, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        path = self.data_dir / name
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            self.problem(name, None, None, f"cannot be read ({exc.strerror or exc})")
            return
        with handle:
            try:
                reader = csv.DictReader(handle)
                missing = [c for c in required if c not in (reader.fieldnames or [])]
                if missing:
                    self.problem(name, 1, ", ".join(missing), "required column(s) missing from the header")
                    return
                for number, row in enumerate(reader, start=2):
                    if None in row or any(v is None for v in row.values()):
                        self.problem(name, number, None, "wrong number of fields in this row")
                        continue
                    yield number, {k: v.strip() for k, v in row.items()}
            except (csv.Error, UnicodeDecodeError) as exc:
                self.problem(name, None, None, f"is not valid UTF-8 CSV ({exc})")

    def code(self, name: str, row: int, fld: str, value: str, kind: str) -> str | None:
        if not re.fullmatch(CODE_PATTERNS[kind], value):
            self.problem(name, row, fld, f"'{value}' is not a valid {kind} code")
            return None
        return value

    def integer(self, name: str, row: int, fld: str, value: str) -> int | None:
        try:
            number = float(value)
        except ValueError:
            self.problem(name, row, fld, f"'{value}' is not a number")
            return None
        if number < 0 or number != int(number):
            self.problem(name, row, fld, f"'{value}' is not a whole, non-negative number")
            return None
        return int(number)


def _boundary_since(description: str) -> dt.date | None:
    dates = [dt.date(int(y), int(m), int(d)) for d, m, y in _BOUNDARY_EVENT.findall(description)]
    return max(dates) if dates else None


def read_reference_data(*, data_dir: Path) -> ReferenceData:
    """Read and check every bundled file. Raises DataFileError listing all problems."""
    r = _Reader(data_dir)
    areas: dict[str, AreaRecord] = {}
    memberships: set[tuple[str, str]] = set()
    populations: list[PopulationRecord] = []

    # 1. Official names of the country, provinces, police units and municipalities (CBS RegioS).
    official: dict[str, tuple[str, str]] = {}
    for row_no, row in r.rows(REGION_CODES_FILE, ["Key", "Title", "Description"]):
        key, title = row["Key"], row["Title"]
        if not key:
            r.problem(REGION_CODES_FILE, row_no, "Key", "empty code")
            continue
        if not title:
            r.problem(REGION_CODES_FILE, row_no, "Title", "empty title")
            continue
        official[key] = (re.sub(r"\s*\((PV|RE|gemeente)\)$", "", title), row["Description"])
    for official_code, (title, _description) in official.items():
        prefix = official_code[:2]
        kind = {"NL": AreaKind.COUNTRY, "PV": AreaKind.PROVINCE, "RE": AreaKind.POLICE_UNIT}.get(prefix)
        if kind and re.fullmatch(CODE_PATTERNS[kind], official_code) and not official_code.endswith("99"):
            areas[official_code] = AreaRecord(code=official_code, name=title, kind=kind)

    # 2. Safety regions (names).
    for row_no, row in r.rows(SAFETY_REGIONS_FILE, ["Security_region_code", "Security_region_name"]):
        vr_code = r.code(
            SAFETY_REGIONS_FILE,
            row_no,
            "Security_region_code",
            row["Security_region_code"],
            AreaKind.SAFETY_REGION,
        )
        if vr_code and not row["Security_region_name"]:
            r.problem(SAFETY_REGIONS_FILE, row_no, "Security_region_name", "empty name")
        elif vr_code:
            name = row["Security_region_name"]
            areas[vr_code] = AreaRecord(code=vr_code, name=name, kind=AreaKind.SAFETY_REGION)

    # Aliases (our own curated list): other names used for an area, for matching and search.
    aliases: dict[str, tuple[int, set[str]]] = {}
    for row_no, row in r.rows(ALIASES_FILE, ["code", "alias"]):
        if not row["alias"]:
            r.problem(ALIASES_FILE, row_no, "alias", "empty alias")
        else:
            aliases.setdefault(row["code"], (row_no, set()))[1].add(row["alias"])

    # 3. Municipalities with province, safety region, police unit and population 2024.
    province_by_name = {
        normalise(name): a.code
        for a in areas.values()
        if a.kind == AreaKind.PROVINCE
        for name in (a.name, *aliases.get(a.code, (0, set()))[1])
    }
    columns = [
        "gm_code",
        "gemeentenaam",
        "provincie",
        "inwoners_2024_som_buurten",
        "veiligheidsregio_code",
        "politie_eenheid_code_afgeleid",
    ]
    municipalities: set[str] = set()
    for row_no, row in r.rows(MUNICIPALITIES_FILE, columns):
        code = r.code(MUNICIPALITIES_FILE, row_no, "gm_code", row["gm_code"], AreaKind.MUNICIPALITY)
        if code is None:
            continue
        if code in municipalities:
            r.problem(MUNICIPALITIES_FILE, row_no, "gm_code", f"{code} appears twice")
            continue
        municipalities.add(code)
        local_name = row["gemeentenaam"]
        if not local_name:
            r.problem(MUNICIPALITIES_FILE, row_no, "gemeentenaam", "empty name")
            continue
        title, description = official.get(code, (local_name, ""))
        record = AreaRecord(code=code, name=title, kind=AreaKind.MUNICIPALITY, description=description)
        record.aliases.add(local_name)
        record.boundary_since = _boundary_since(description)
        areas[code] = record
        memberships.add(("NL01", code))
        province = province_by_name.get(normalise(row["provincie"]))
        if province is None:
            r.problem(MUNICIPALITIES_FILE, row_no, "provincie", f"unknown province '{row['provincie']}'")
        else:
            memberships.add((province, code))
        for fld, kind in (
            ("veiligheidsregio_code", AreaKind.SAFETY_REGION),
            ("politie_eenheid_code_afgeleid", AreaKind.POLICE_UNIT),
        ):
            region = r.code(MUNICIPALITIES_FILE, row_no, fld, row[fld], kind)
            if region is not None and region not in areas:
                r.problem(MUNICIPALITIES_FILE, row_no, fld, f"{region} is not a known {kind}")
            elif region is not None:
                memberships.add((region, code))
        count = r.integer(
            MUNICIPALITIES_FILE,
            row_no,
            "inwoners_2024_som_buurten",
            row["inwoners_2024_som_buurten"],
        )
        if count is not None:
            populations.append(
                PopulationRecord(code, 2024, count, dt.date(2024, 1, 1), POPULATION_2024_SOURCE)
            )
    if not municipalities and not r.problems:
        r.problem(MUNICIPALITIES_FILE, None, None, "holds no municipalities")

    # 4. Population on 1 January 2022, only where the boundary has not changed since.
    for row_no, row in r.rows(POPULATION_2022_FILE, ["Populatie", "Key"]):
        found = areas.get(row["Key"])
        if found is None or found.kind != AreaKind.MUNICIPALITY or not row["Populatie"]:
            continue  # dissolved municipalities and regions: not used
        if found.boundary_since and found.boundary_since > dt.date(2022, 1, 1):
            continue  # the 2022 figure is for other borders (e.g. Amsterdam before Weesp joined)
        count = r.integer(POPULATION_2022_FILE, row_no, "Populatie", row["Populatie"])
        if count is not None:
            populations.append(
                PopulationRecord(found.code, 2022, count, dt.date(2022, 1, 1), POPULATION_2022_SOURCE)
            )

    # 5. The national population per year (average over the year), for national rates.
    for row_no, row in r.rows(NATIONAL_POPULATION_FILE, ["year", "population"]):
        year = r.integer(NATIONAL_POPULATION_FILE, row_no, "year", row["year"])
        try:
            count = round(float(row["population"]))
        except ValueError:
            r.problem(
                NATIONAL_POPULATION_FILE, row_no, "population", f"'{row['population']}' is not a number"
            )
            continue
        if year is not None and 1800 <= year <= 2200 and count > 0:
            populations.append(
                PopulationRecord("NL01", year, count, dt.date(year, 7, 1), NATIONAL_POPULATION_SOURCE)
            )
        elif year is not None:
            r.problem(NATIONAL_POPULATION_FILE, row_no, "year", f"'{row['year']}' is not a plausible year")

    # 6. Every alias must name a known area.
    for code, (row_no, names) in aliases.items():
        if code not in areas:
            r.problem(ALIASES_FILE, row_no, "code", f"unknown area code '{code}'")
        else:
            areas[code].aliases.update(names)

    if r.problems:
        raise DataFileError(r.problems)
    return ReferenceData(areas=areas, memberships=memberships, populations=populations)


def search_text_for(*, code: str, name: str, aliases: set[str]) -> str:
    parts = [normalise(code), normalise(name), *sorted(normalise(a) for a in aliases)]
    return " | ".join(dict.fromkeys(p for p in parts if p))[:600]


@transaction.atomic
def reference_data_store(*, data: ReferenceData) -> LoadResult:
    """Write checked reference data in one transaction. Groups made by users are not touched."""
    existing = {a.code: a for a in Area.objects.exclude(kind=AreaKind.GROUP)}
    created = updated = 0
    for record in data.areas.values():
        values = {
            "name": record.name,
            "kind": record.kind,
            "search_text": search_text_for(code=record.code, name=record.name, aliases=record.aliases),
            "boundary_since": record.boundary_since,
            "description": record.description,
        }
        area = existing.get(record.code)
        if area is None:
            existing[record.code] = Area.objects.create(code=record.code, **values)
            created += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(area, k, v)
            area.save()
            updated += 1

    ids = {code: area.pk for code, area in existing.items()}
    wanted = {(ids[region], ids[member]) for region, member in data.memberships}
    current = set(
        AreaMembership.objects.filter(region__kind__in=OFFICIAL_REGION_KINDS).values_list(
            "region_id", "member_id"
        )
    )
    stale = current - wanted
    removed = 0
    for region_id, member_id in stale:
        removed += AreaMembership.objects.filter(region_id=region_id, member_id=member_id).delete()[0]
    AreaMembership.objects.bulk_create(
        [AreaMembership(region_id=region, member_id=member) for region, member in sorted(wanted - current)]
    )

    written = 0
    stored = {(p.area_id, p.year): p for p in Population.objects.all()}
    for pop in data.populations:
        key = (ids[pop.code], pop.year)
        row = stored.get(key)
        if row is None:
            Population.objects.create(
                area_id=key[0],
                year=pop.year,
                inhabitants_count=pop.count,
                reference_date=pop.reference_date,
                source=pop.source,
            )
            written += 1
        elif (row.inhabitants_count, row.reference_date, row.source) != (
            pop.count,
            pop.reference_date,
            pop.source,
        ):
            row.inhabitants_count, row.reference_date, row.source = (
                pop.count,
                pop.reference_date,
                pop.source,
            )
            row.save()
            written += 1
    return LoadResult(created, updated, len(wanted - current), removed, written)


def reference_data_load(*, data_dir: Path) -> LoadResult:
    """Read, check and store the bundled area files from `data_dir`."""
    return reference_data_store(data=read_reference_data(data_dir=data_dir))
