"""The statistics tables, declared once. Storage (Parquet), DuckDB views and docs come from here.

Layers: `raw_` is a source's rows as delivered (all text, with their row number); `core_` is the
tidy form every source is parsed into; `out_` holds aggregates kept up to date at load time.
Column names carry their unit (`_count`, `_code`, `_date`).

Every table is read as the view of its name (`core_observations`, `out_region_series`), with the
columns below. On disk each source is kept in a lean layout (ADR 0008): its rows hold only small
integer ids and the figure; the codes and everything that is the same for a whole period of one
input (source, table, grain, dates, flags, origin) are stored once per source in `core_keys`, and
the views join them back (`core_view_sql`, `region_view_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    duck_type: str
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    sort_key: tuple[str, ...]

    @property
    def layer(self) -> str:
        return self.name.split("_", 1)[0]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        """DuckDB `CREATE TABLE` for this table."""
        cols = ",\n  ".join(
            f"{c.name} {c.duck_type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns
        )
        return f"CREATE TABLE {self.name} (\n  {cols}\n)"

    def select_list(self) -> str:
        """`CAST(col AS type) AS col, ...`: puts any relation into this table's shape."""
        return ", ".join(f"CAST({c.name} AS {c.duck_type}) AS {c.name}" for c in self.columns)


_IDENTITY = (
    Column("source_key", "VARCHAR", "The ivp source (plugin) the row came from, e.g. `politie_47025`."),
    Column("table_id", "VARCHAR", "The CBS/politie table, e.g. `47025NED`."),
    Column(
        "classification",
        "VARCHAR",
        "`politie` (SoortMisdrijf 1.1.1 …), `cbs` (83648NED, T001161/CRI…) or `overlast`. Never mixed.",
    ),
    Column("area_code", "VARCHAR", "CBS region code without padding: NL01, PVxx, RExx, VRxx, GMxxxx."),
    Column("crime_code", "VARCHAR", "Crime or nuisance type code without padding (0.0.0 = total row)."),
    Column("measure", "VARCHAR", "What is counted, e.g. `registered_crimes`, `registered_nuisance`."),
    Column("period_code", "VARCHAR", "CBS period code: 2021MM01, 2021KW04 or 2021JJ00."),
    Column("period_grain", "VARCHAR", "`month`, `quarter` or `year`."),
    Column("period_start_date", "DATE", "First day of the period."),
)

CORE_OBSERVATIONS = Table(
    name="core_observations",
    description="One figure per source x area x crime type x measure x period, as published.",
    columns=(
        *_IDENTITY,
        Column("value_count", "BIGINT", "The figure; NULL when the publisher suppressed it.", nullable=True),
        Column(
            "is_suppressed", "BOOLEAN", "The publisher withheld the figure (NULL in the source): never 0."
        ),
        Column("is_provisional", "BOOLEAN", "The period is provisional (voorlopig) and may be revised."),
        Column("is_incomplete", "BOOLEAN", "The period was not yet complete when the data was extracted."),
        Column("is_demo", "BOOLEAN", "Demonstration data (synthetic), never real figures."),
        Column("origin", "VARCHAR", "Where the row was read: `file:<name>` or `live:<table>`."),
        Column("data_date", "DATE", "Date of the data: extraction or publication date of the source."),
    ),
    sort_key=("source_key", "area_code", "crime_code", "measure", "period_start_date", "period_grain"),
)

OUT_REGION_SERIES = Table(
    name="out_region_series",
    description=(
        "Municipal figures summed per region (country, province, police unit, safety region), kept up "
        "to date at load time so region questions need no join."
    ),
    columns=(
        Column(
            "region_code",
            "VARCHAR",
            "The region's code (NL01, PVxx, RExx, VRxx); for sources published per wijk or buurt also "
            "the municipality (GMxxxx), summed over its buurten.",
        ),
        *_IDENTITY[:3],
        *_IDENTITY[4:],
        Column("value_count", "BIGINT", "Sum over the reporting members.", nullable=True),
        Column("members_count", "INTEGER", "Number of member municipalities of the region."),
        Column("reporting_count", "INTEGER", "Members with a figure (not suppressed, present)."),
        Column("is_provisional", "BOOLEAN", "Any member figure is provisional."),
        Column("is_incomplete", "BOOLEAN", "Any member figure is incomplete."),
        Column("is_demo", "BOOLEAN", "Built from demonstration data."),
    ),
    sort_key=("source_key", "region_code", "crime_code", "measure", "period_start_date", "period_grain"),
)

TABLES = (CORE_OBSERVATIONS, OUT_REGION_SERIES)

# --- the stored (lean) layout -------------------------------------------------------------------

_ID = "INTEGER"
CORE_FACTS = Table(
    name="core_facts",
    description=(
        "What `core_observations/<source_key>.parquet` holds: one row per row of `core_observations`, "
        "as ids into the source's `core_keys`. `is_suppressed` is not stored: it is `value_count IS NULL`."
    ),
    columns=(
        Column("area_id", _ID, "`core_keys` id (dimension `area`) of `area_code`."),
        Column("crime_id", _ID, "`core_keys` id (dimension `crime`) of `crime_code`."),
        Column("measure_id", _ID, "`core_keys` id (dimension `measure`) of `measure`."),
        Column(
            "part_id",
            _ID,
            "`core_keys` id (dimension `part`): the period of one input, with everything the rows of "
            "that period and input share.",
        ),
        Column("value_count", "BIGINT", "The figure; NULL when the publisher suppressed it.", nullable=True),
    ),
    sort_key=("area_id", "crime_id", "measure_id", "part_id"),
)

CORE_KEYS = Table(
    name="core_keys",
    description=(
        "What `core_keys/<source_key>.parquet` holds: the ids of one source's files. Ids follow the "
        "order of the codes (parts: of `period_start_date`, `period_grain`, `period_code`), so the "
        "files sorted on ids are sorted on the codes. Part columns are NULL for the other dimensions."
    ),
    columns=(
        Column("dimension", "VARCHAR", "`area`, `crime`, `measure` or `part`."),
        Column("id", _ID, "The id used in the files of this source."),
        Column("code", "VARCHAR", "The area code, crime code, measure or (for a part) period code."),
        Column("source_key", "VARCHAR", "Part: the ivp source.", nullable=True),
        Column("table_id", "VARCHAR", "Part: the CBS/politie table.", nullable=True),
        Column("classification", "VARCHAR", "Part: the classification of its crime codes.", nullable=True),
        Column("period_grain", "VARCHAR", "Part: `month`, `quarter` or `year`.", nullable=True),
        Column("period_start_date", "DATE", "Part: first day of the period.", nullable=True),
        Column("is_provisional", "BOOLEAN", "Part: the period is provisional.", nullable=True),
        Column("is_incomplete", "BOOLEAN", "Part: the period was incomplete at extraction.", nullable=True),
        Column("is_demo", "BOOLEAN", "Part: demonstration data.", nullable=True),
        Column("origin", "VARCHAR", "Part: where its rows were read.", nullable=True),
        Column("data_date", "DATE", "Part: date of the data.", nullable=True),
    ),
    sort_key=("dimension", "id"),
)

OUT_REGION_FACTS = Table(
    name="out_region_facts",
    description=(
        "What `out_region_series/<source_key>.parquet` holds: the region sums of one source, with ids "
        "into its `core_keys` (`part_id`: the first part of the period summed)."
    ),
    columns=(
        OUT_REGION_SERIES.columns[0],
        CORE_FACTS.columns[1],
        CORE_FACTS.columns[2],
        CORE_FACTS.columns[3],
        *OUT_REGION_SERIES.columns[-6:],
    ),
    sort_key=("region_code", "crime_id", "measure_id", "part_id"),
)

STORED = (CORE_FACTS, CORE_KEYS, OUT_REGION_FACTS)


def _key_join(keys: str, dimension: str, alias: str, id_column: str) -> str:
    return (
        f"JOIN (SELECT * FROM {keys} WHERE dimension = '{dimension}') {alias} ON {alias}.id = f.{id_column}"
    )


def core_view_sql(facts: str, keys: str) -> str:
    """SELECT of `core_observations` (its columns, in order) over one source's stored files:
    `facts` and `keys` are FROM-clause texts (e.g. `read_parquet('…')`)."""
    return f"""
        SELECT p.source_key, p.table_id, p.classification, a.code AS area_code, c.code AS crime_code,
               m.code AS measure, p.code AS period_code, p.period_grain, p.period_start_date, f.value_count,
               f.value_count IS NULL AS is_suppressed, p.is_provisional, p.is_incomplete, p.is_demo, p.origin,
               p.data_date
        FROM {facts} f
        {_key_join(keys, "area", "a", "area_id")}
        {_key_join(keys, "crime", "c", "crime_id")}
        {_key_join(keys, "measure", "m", "measure_id")}
        {_key_join(keys, "part", "p", "part_id")}
    """


def region_view_sql(facts: str, keys: str) -> str:
    """SELECT of `out_region_series` (its columns, in order) over one source's stored files."""
    return f"""
        SELECT f.region_code, p.source_key, p.table_id, p.classification, c.code AS crime_code,
               m.code AS measure, p.code AS period_code, p.period_grain, p.period_start_date, f.value_count,
               f.members_count, f.reporting_count, f.is_provisional, f.is_incomplete, f.is_demo
        FROM {facts} f
        {_key_join(keys, "crime", "c", "crime_id")}
        {_key_join(keys, "measure", "m", "measure_id")}
        {_key_join(keys, "part", "p", "part_id")}
    """


def docs_markdown() -> str:
    """The schema as Markdown (docs/stats-schema.md is this text; a test keeps them equal)."""
    lines = [
        "# Statistics store: schema",
        "",
        "Generated from `src/ivp/stats/schema.py`; do not edit by hand "
        "(`python -m ivp.stats.schema > docs/stats-schema.md`).",
        "",
        (__doc__ or "").strip(),
        "",
    ]
    for table in (*TABLES, *STORED):
        if table is CORE_FACTS:
            lines += [
                "## Stored layout",
                "",
                "How the tables above are kept on disk, per source (ADR 0008). The views join them back.",
                "",
            ]
        heading = "##" if table in TABLES else "###"
        lines += [f"{heading} `{table.name}` ({table.layer})", "", table.description, ""]
        lines += ["| column | type | null | meaning |", "|---|---|---|---|"]
        for c in table.columns:
            lines.append(
                f"| `{c.name}` | {c.duck_type} | {'yes' if c.nullable else 'no'} | {c.description} |"
            )
        lines += ["", f"Sorted by {', '.join(f'`{k}`' for k in table.sort_key)}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(docs_markdown(), end="")
