"""The statistics tables, declared once. Storage (Parquet), DuckDB views and docs come from here.

Layers: `raw_` is a source's rows as delivered (all text, with their row number); `core_` is the
tidy form every source is parsed into; `out_` holds aggregates kept up to date at load time.
Column names carry their unit (`_count`, `_code`, `_date`).
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
    for table in TABLES:
        lines += [f"## `{table.name}` ({table.layer})", "", table.description, ""]
        lines += ["| column | type | null | meaning |", "|---|---|---|---|"]
        for c in table.columns:
            lines.append(
                f"| `{c.name}` | {c.duck_type} | {'yes' if c.nullable else 'no'} | {c.description} |"
            )
        lines += ["", f"Sorted by {', '.join(f'`{k}`' for k in table.sort_key)}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(docs_markdown(), end="")
