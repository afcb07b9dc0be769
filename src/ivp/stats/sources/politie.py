"""Politie open-data tables (catalogue "dataderden"), and the bundled files derived from them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

import duckdb

from ..constants import Classification
from .base import Source, SourceInput, _q
from .registry import register

# Dates of the bundled extracts (the upstream commits; see data/SOURCES.md).
NATIONAL_MONTHLY_FILE = "bernasco_staat_van_de_misdaad/at_commit_14f99b5/data/NL_Crime.csv"
NATIONAL_YEARLY_FILE = "bernasco_staat_van_de_misdaad/data/NL_Crime.csv"
NATIONAL_NUISANCE_FILE = "bernasco_staat_van_de_misdaad/at_commit_14f99b5/data/NL_Disorder.csv"
MUNICIPAL_2023_FILE = "bernasco_misdaad_concentratie/output/gemeenten_NL_gini.csv"
BURGLARY_POINTS_FILE = "maartensiffels_misdaad_in_kaart/MiK-Nederland-PC4.csv"
PC4_MUNICIPALITY_FILE = "certegis_postcodes/pc4_gemeente_gmcode_derived.csv"
NATIONAL_DATA_DATE = dt.date(2024, 3, 1)  # early-2024 extract of 47025NED (RegioS version of early 2024)
MUNICIPAL_2023_DATA_DATE = dt.date(2024, 9, 1)  # misdaad_concentratie, September 2024
BURGLARY_DATA_DATE = dt.date(2026, 6, 8)  # last weekly scrape of politie.nl "Misdaad in kaart"


@register
class Politie47025(Source):
    key = "politie_47025"
    table_id = "47025NED"
    title = "Geregistreerde misdrijven; soort misdrijf, regio, maandcijfers"

    def bundled_inputs(self, data_dir: Path) -> list[SourceInput]:
        return [
            SourceInput(
                name=name,
                path=data_dir / name,
                data_date=NATIONAL_DATA_DATE,
                provisional_years=frozenset({2023}),
            )
            for name in (NATIONAL_MONTHLY_FILE, NATIONAL_YEARLY_FILE)
        ]

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        assert item.path is not None
        if item.name == NATIONAL_MONTHLY_FILE:
            yearly = item.path.parents[2] / NATIONAL_YEARLY_FILE.split("/", 1)[1]
            national_titles_to_raw(
                con, item, raw, measure="GeregistreerdeMisdrijven_1", dimension="SoortMisdrijf", yearly=yearly
            )
        elif item.name == NATIONAL_YEARLY_FILE:
            national_yearly_to_raw(con, item, raw, measure="GeregistreerdeMisdrijven_1")
        else:
            super().raw_from_file(con, item, raw)


def national_titles_to_raw(
    con: duckdb.DuckDBPyConnection,
    item: SourceInput,
    raw: str,
    *,
    measure: str,
    dimension: str,
    yearly: Path | None = None,
) -> None:
    """Put a bundled national monthly file in the table's own raw shape.

    These files name the type by its published title and the month by a date
    (`1.1.1 Diefstal/inbraak woning,2012-01-01,…`). Two quirks of the real files are handled:
    - the nuisance file adds a yearly total per type as a second row dated 1 January: that row
      becomes the year (`2012JJ00`), never a second January;
    - the crime file wrote suppressed months as 0: where every month of a type-year is 0 while the
      published yearly figure (`yearly`) is above 0, those months are marked suppressed (NULL).
    """
    assert item.path is not None
    yearly_cte = (
        f"yearly AS (SELECT trim(incident_type_code) AS title, year, TRY_CAST(incident_count AS BIGINT) AS n "
        f"FROM read_csv({_q(str(yearly))}, all_varchar=true, header=true)),"
        if yearly
        else "yearly AS (SELECT NULL::VARCHAR AS title, NULL::VARCHAR AS year, NULL::BIGINT AS n WHERE false),"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {raw} AS
        WITH f AS (
            SELECT row_number() OVER () + 1 AS _row, *
            FROM read_csv({_q(str(item.path))}, all_varchar=true, header=true)
        ),
        {yearly_cte}
        numbered AS (
            SELECT f.*, TRY_CAST(f.date AS DATE) AS d,
                   row_number() OVER (PARTITION BY crime_type_code, date ORDER BY _row) AS occurrence
            FROM f
        ),
        month_sums AS (
            SELECT trim(crime_type_code) AS title, strftime(d, '%Y') AS year,
                   sum(TRY_CAST(frequency AS BIGINT)) AS total
            FROM numbered WHERE occurrence = 1 GROUP BY ALL
        )
        SELECT {_q(item.name)} AS _origin, n._row,
               coalesce(t.code, n.crime_type_code) AS "{dimension}",
               'NL01' AS "RegioS",
               CASE WHEN n.d IS NULL THEN n.date
                    WHEN n.occurrence = 2 AND strftime(n.d, '%m-%d') = '01-01' THEN strftime(n.d, '%YJJ00')
                    ELSE strftime(n.d, '%YMM%m') END AS "Perioden",
               CASE WHEN n.occurrence = 1 AND ms.total = 0 AND y.n > 0 THEN NULL
                    ELSE n.frequency END AS "{measure}"
        FROM numbered n
        LEFT JOIN crime_title t ON t.title = trim(n.crime_type_code)
        LEFT JOIN month_sums ms ON ms.title = trim(n.crime_type_code) AND ms.year = strftime(n.d, '%Y')
        LEFT JOIN yearly y ON y.title = trim(n.crime_type_code) AND y.year = strftime(n.d, '%Y')
        ORDER BY n._row
        """
    )


def national_yearly_to_raw(
    con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str, *, measure: str
) -> None:
    """The bundled national yearly file (`incident_type_code,year,incident_count`)."""
    assert item.path is not None
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {raw} AS
        SELECT {_q(item.name)} AS _origin, f._row,
               coalesce(t.code, f.incident_type_code) AS "SoortMisdrijf", 'NL01' AS "RegioS",
               f.year || 'JJ00' AS "Perioden", f.incident_count AS "{measure}"
        FROM (SELECT row_number() OVER () + 1 AS _row, *
              FROM read_csv({_q(str(item.path))}, all_varchar=true, header=true)) f
        LEFT JOIN crime_title t ON t.title = trim(f.incident_type_code)
        ORDER BY f._row
        """
    )


@register
class Politie47013(Source):
    key = "politie_47013"
    table_id = "47013NED"
    title = "Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente"
    measures: ClassVar = {
        "GeregistreerdeMisdrijven_1": "registered_crimes",
        "Aangiften_2": "reports",
        "Internetaangiften_3": "internet_reports",
    }


@register
class Politie47018(Source):
    key = "politie_47018"
    table_id = "47018NED"
    title = "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers"
    area_dimension = "WijkenEnBuurten"

    def bundled_inputs(self, data_dir: Path) -> list[SourceInput]:
        return [SourceInput(name=MUNICIPAL_2023_FILE, path=data_dir / MUNICIPAL_2023_FILE,
                            data_date=MUNICIPAL_2023_DATA_DATE)]  # fmt: skip

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        if item.name != MUNICIPAL_2023_FILE:
            super().raw_from_file(con, item, raw)
            return
        # Total registered crime 2023 per municipality, summed over its buurten (indeling 2024).
        assert item.path is not None
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {raw} AS
            SELECT {_q(item.name)} AS _origin, _row, '0.0.0' AS "SoortMisdrijf",
                   'GM' || nummer AS "WijkenEnBuurten", '2023JJ00' AS "Perioden",
                   misdaad AS "GeregistreerdeMisdrijven_1"
            FROM (SELECT row_number() OVER () + 1 AS _row, *
                  FROM read_csv({_q(str(item.path))}, all_varchar=true, header=true))
            ORDER BY _row
            """
        )


@register
class Politie47022(Source):
    key = "politie_47022"
    table_id = "47022NED"
    title = "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, maandcijfers"
    area_dimension = "WijkenEnBuurten"


@register
class Politie47024(Source):
    key = "politie_47024"
    table_id = "47024NED"
    title = "Geregistreerde overlast; soort overlast, wijk, buurt, maandcijfers"
    classification = Classification.OVERLAST
    crime_dimension = "Overlast"
    area_dimension = "WijkenEnBuurten"
    measures: ClassVar = {"GeregistreerdeOverlast_1": "registered_nuisance"}


@register
class Politie47021(Source):
    key = "politie_47021"
    table_id = "47021NED"
    title = "Geregistreerde overlast; soort overlast, regio, maandcijfers"
    classification = Classification.OVERLAST
    crime_dimension = "Overlast"
    measures: ClassVar = {"GeregistreerdeOverlast_1": "registered_nuisance"}

    def bundled_inputs(self, data_dir: Path) -> list[SourceInput]:
        return [
            SourceInput(
                name=NATIONAL_NUISANCE_FILE,
                path=data_dir / NATIONAL_NUISANCE_FILE,
                data_date=NATIONAL_DATA_DATE,
                provisional_years=frozenset({2023}),
            )
        ]

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        if item.name != NATIONAL_NUISANCE_FILE:
            super().raw_from_file(con, item, raw)
            return
        national_titles_to_raw(con, item, raw, measure="GeregistreerdeOverlast_1", dimension="Overlast")


@register
class PolitieBurglaryPoints(Source):
    """Residential burglaries shown on politie.nl "Misdaad in kaart", per postcode area, rolled up
    to municipalities through an approximate postcode table (2021 boundaries, one municipality per
    postcode area). Map points, not the official 47013NED counts: a measure of its own."""

    key = "politie_mik"
    table_id = "MiK"
    title = "Woninginbraken op de kaart (politie.nl Misdaad in kaart), per gemeente"
    catalogue = None
    measures: ClassVar = {
        "WoninginbrakenKaart": "burglary_map_points",
        "PogingenKaart": "attempted_burglary_map_points",
    }
    licence = "politie.nl Misdaad in kaart (scraped, no licence stated); approximate postcode mapping"

    def bundled_inputs(self, data_dir: Path) -> list[SourceInput]:
        return [
            SourceInput(
                name=BURGLARY_POINTS_FILE,
                path=data_dir / BURGLARY_POINTS_FILE,
                data_date=BURGLARY_DATA_DATE,
                complete_from=dt.date(2023, 5, 1),  # the scrape began on 20 April 2023
            )
        ]

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        assert item.path is not None
        pc4 = item.path.parent.parent / PC4_MUNICIPALITY_FILE
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {raw} AS
            WITH points AS (
                SELECT row_number() OVER () + 1 AS _row, *
                FROM read_csv({_q(str(item.path))}, all_varchar=true, header=true)
            ),
            mapped AS (
                SELECT p.*, m.gm_code,
                       strftime(TRY_STRPTIME(p.Datum, '%d-%m-%Y'), '%YMM%m') AS month_code
                FROM points p
                LEFT JOIN read_csv({_q(str(pc4))}, all_varchar=true, header=true) m ON m.pc4 = p.Postcode
            ),
            counted AS (
                SELECT gm_code, month_code, min(_row) AS _row,
                       count(*) FILTER (WHERE Soort = 'Woninginbraak') AS burglaries,
                       count(*) FILTER (WHERE Soort = 'Poging tot woninginbraak') AS attempts
                FROM mapped
                WHERE gm_code IS NOT NULL  -- postcode areas without a municipality (e.g. 2019) are left out
                GROUP BY gm_code, month_code, CASE WHEN month_code IS NULL THEN _row END
            ),
            months AS (  -- every month of the scrape: a municipality without points had 0 that month
                SELECT strftime(m, '%YMM%m') AS month_code
                FROM range((SELECT min(TRY_STRPTIME(Datum, '%d-%m-%Y')) FROM points)::DATE,
                           (SELECT max(TRY_STRPTIME(Datum, '%d-%m-%Y')) FROM points)::DATE + INTERVAL 1 DAY,
                           INTERVAL 1 MONTH) t(m)
            ),
            grid AS (SELECT g.code AS gm_code, m.month_code FROM current_gm g CROSS JOIN months m)
            SELECT {_q(item.name)} AS _origin, coalesce(c._row, 0) AS _row, '1.1.1' AS "SoortMisdrijf",
                   coalesce(c.gm_code, g.gm_code) AS "RegioS",
                   coalesce(c.month_code, g.month_code) AS "Perioden",
                   CAST(coalesce(c.burglaries, 0) AS VARCHAR) AS "WoninginbrakenKaart",
                   CAST(coalesce(c.attempts, 0) AS VARCHAR) AS "PogingenKaart"
            FROM counted c
            FULL OUTER JOIN grid g ON g.gm_code = c.gm_code AND g.month_code = c.month_code
            ORDER BY 2, 4, 5
            """
        )
