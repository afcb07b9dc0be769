"""The chart of an indicator in the report: its values per year and the target path."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ivp.core.charts import chart_spec
from ivp.plans.monitoring import format_value


def indicator_chart(indicator: dict[str, Any]) -> dict[str, Any] | None:
    """A Vega-Lite line chart of the indicator's history (from report content), or None when there
    is nothing to draw. Its description is the text alternative: every value in words."""
    value_label, path_label = _("Value"), _("Target path")
    points: list[dict[str, Any]] = []
    words: list[str] = []
    unit = indicator["unit"]
    for row in indicator["history"]:
        if row["value"] is not None:
            points.append({"year": str(row["year"]), "series": value_label, "value": float(row["value"])})
            words.append(f"{row['year']}: {format_value(row['value'], unit)}")
        elif row["year"] == indicator["baseline_year"] and indicator["baseline_value"] is not None:
            points.append(
                {"year": str(row["year"]), "series": value_label, "value": float(indicator["baseline_value"])}
            )
            words.append(f"{row['year']}: {format_value(indicator['baseline_value'], unit)}")
        if row["planned"] is not None:
            points.append({"year": str(row["year"]), "series": path_label, "value": float(row["planned"])})
    if not any(p["series"] == value_label for p in points):
        return None
    description = _("%(name)s per year: %(values)s.") % {
        "name": indicator["name"],
        "values": "; ".join(words),
    }
    if indicator["target_label"]:
        description += " " + _("Target %(year)s: %(target)s.") % {
            "year": indicator["target_year"],
            "target": indicator["target_label"],
        }
    spec = {
        "width": 260,
        "height": 110,
        "data": {"values": points},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("Year"), "axis": {"labelAngle": 0}},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": indicator["unit_label"],
                "scale": {"zero": False},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [value_label, path_label]},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [value_label, path_label]},
            },
        },
    }
    return chart_spec(spec, description=description)
