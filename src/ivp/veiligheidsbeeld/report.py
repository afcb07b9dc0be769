"""One template, two outputs: the veiligheidsbeeld as a page and as a PDF (and a standalone HTML
file for the CLI), from the same context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _

from ivp.areas.constants import AreaKind
from ivp.core.pdf import html_to_pdf

from . import charts
from .constants import LARGEST_CHANGES, MONTHLY_CHART_YEARS, TREND_YEARS
from .peers import PEER_GROUP_SIZE
from .periods import month_label
from .selectors import PEERS_KEY, Row, Veiligheidsbeeld
from .significance import MINIMUM_CHANGE_PCT, SIGNIFICANCE_LEVEL

TEMPLATE = "veiligheidsbeeld/veiligheidsbeeld.html"
# The per-type table leaves out the safety region and the province (they are in the key figures).
TYPE_TABLE_LEFT_OUT = {AreaKind.SAFETY_REGION, AreaKind.PROVINCE}


def largest_changes(picture: Veiligheidsbeeld) -> tuple[list[Row], list[Row]]:
    """The crime types with the largest rise and fall in count (usable figures only)."""
    known = [r for r in picture.type_rows if r.change.test is not None and r.change.difference]
    rises = sorted(
        (r for r in known if (r.change.difference or 0) > 0), key=lambda r: -(r.change.difference or 0)
    )
    falls = sorted(
        (r for r in known if (r.change.difference or 0) < 0), key=lambda r: r.change.difference or 0
    )
    return rises[:LARGEST_CHANGES], falls[:LARGEST_CHANGES]


def _sources(picture: Veiligheidsbeeld) -> list[dict[str, Any]]:
    out = []
    for key, info in [*picture.sources.items(), *picture.nuisance_sources.items()]:
        date = info.get("data_date")
        out.append(
            {
                "key": key,
                "table_id": info.get("table_id"),
                "title": info.get("title"),
                "data_date": dt.date.fromisoformat(date) if date else None,
                "is_demo": bool(info.get("is_demo")),
                "nuisance": key in picture.nuisance_sources,
            }
        )
    return out


def report_context(picture: Veiligheidsbeeld) -> dict[str, Any]:
    """What the template needs besides the picture: charts, tables and the method's numbers."""
    context: dict[str, Any] = {
        "picture": picture,
        "comparators": picture.comparators,
        "peers_key": PEERS_KEY,
        "sources": _sources(picture),
        "significance_level": SIGNIFICANCE_LEVEL,
        "significance_pct": round(SIGNIFICANCE_LEVEL * 100),
        "minimum_change_pct": round(MINIMUM_CHANGE_PCT),
        "peer_group_size": PEER_GROUP_SIZE,
        "trend_years": TREND_YEARS,
        "monthly_years": MONTHLY_CHART_YEARS,
        "generated_on": dt.date.today(),
    }
    if picture.rows:
        rises, falls = largest_changes(picture)
        type_comparators = [c for c in picture.comparators if c.kind not in TYPE_TABLE_LEFT_OUT]
        context |= {
            "trend_chart": charts.trend_chart(picture),
            "monthly_chart": charts.monthly_chart(picture),
            "groups_chart": charts.groups_chart(picture),
            "rises": rises,
            "falls": falls,
            "monthly_rows": [(month_label(m), f, r) for m, f, r in picture.monthly],
            "first_period": picture.trend_periods[0],
            "changes_tables": [
                (_("Largest rises"), rises, "vb-rises"),
                (_("Largest falls"), falls, "vb-falls"),
            ],
            "type_comparators": type_comparators,
            "type_columns": 5 + len(type_comparators),
            "data_period": (
                month_label(picture.trend_periods[0].months()[0]),
                month_label(picture.months[-1]),
            ),
        }
    return context


def veiligheidsbeeld_html(picture: Veiligheidsbeeld, *, for_pdf: bool, standalone: bool = False) -> str:
    """The report as HTML; `standalone` puts the print stylesheet inside the file (for the CLI's
    `-o FILE.html`, which is opened without a server)."""
    html = str(render_to_string(TEMPLATE, {**report_context(picture), "for_pdf": for_pdf}))
    if standalone:
        for name in ("ivp/pdf.css", "veiligheidsbeeld/veiligheidsbeeld.css"):
            path = finders.find(name)
            css = Path(path).read_text(encoding="utf-8") if isinstance(path, str) else ""
            html = html.replace(f'<link rel="stylesheet" href="{static(name)}">', f"<style>{css}</style>")
    return html


def veiligheidsbeeld_pdf(picture: Veiligheidsbeeld) -> bytes:
    return html_to_pdf(veiligheidsbeeld_html(picture, for_pdf=True))


def report_filename(picture: Veiligheidsbeeld, extension: str) -> str:
    return f"veiligheidsbeeld-{picture.area.code}-{picture.period.code}.{extension}"
