"""Vega-Lite specs for the explorer: a line or bar chart of the table, and a choropleth map of
municipalities over the bundled boundaries (no tiles, nothing fetched from elsewhere)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ivp.core.charts import chart_spec

from .constants import BOUNDARIES_OBJECT, BOUNDARIES_YEAR, MAX_CHART_SERIES, ChartKind
from .selectors import ExplorerResult, MapResult


def _series_name(area_name: str, crime_code: str, several_crimes: bool) -> str:
    return f"{area_name} \u2013 {crime_code}" if several_crimes else area_name


def series_count(result: ExplorerResult) -> int:
    return len({(r.area_code, r.crime_code) for r in result.rows})


def explorer_chart(result: ExplorerResult) -> dict[str, Any] | None:
    """The chart of the table, or None when it has more series than a chart can show legibly."""
    if not result.rows or series_count(result) > MAX_CHART_SERIES:
        return None
    selection = result.selection
    several = len(selection.crimes) > 1
    order = {p: i for i, p in enumerate(selection.periods)}
    values = [
        {
            "series": _series_name(r.area_name, r.crime_code, several),
            "period": r.period.label(),
            "order": order[r.period],
            "value": float(text) if (text := r.value.number_text) is not None else None,
            "shown": r.value.display(),
        }
        for r in result.rows
    ]
    measure = str(selection.measure.label)
    crimes = ", ".join(f"{c.code} {c.title}" for c in selection.crimes)
    periods = selection.periods
    kind = _("line chart") if selection.chart == ChartKind.LINE else _("bar chart")
    description = _(
        "%(kind)s of %(measure)s for %(crimes)s, %(first)s to %(last)s, per %(series)s. "
        "The figures are in the table below."
    ) % {
        "kind": kind.capitalize(),
        "measure": measure.lower(),
        "crimes": crimes,
        "first": periods[0].label(),
        "last": periods[-1].label(),
        "series": ", ".join(dict.fromkeys(str(v["series"]) for v in values)),
    }
    x = {"field": "period", "type": "ordinal", "sort": {"field": "order"}, "title": _("Period")}
    y = {"field": "value", "type": "quantitative", "title": measure}
    color = {"field": "series", "type": "nominal", "title": None}
    tooltip = [{"field": "series", "title": _("Series")}, {"field": "period", "title": _("Period")},
               {"field": "shown", "title": measure}]  # fmt: skip
    spec: dict[str, Any] = {
        "title": {"text": measure, "subtitle": _chart_subtitle(result)},
        "width": "container",
        "height": 320,
        "data": {"values": values},
        "transform": [{"filter": "datum.value != null"}],
    }
    if selection.chart == ChartKind.LINE:
        spec["mark"] = {"type": "line", "point": True, "strokeWidth": 2}
        spec["encoding"] = {"x": x, "y": y, "color": color, "strokeDash": color,
                            "tooltip": tooltip}  # fmt: skip
    else:
        spec["mark"] = {"type": "bar"}
        spec["encoding"] = {
            "x": x,
            "xOffset": {"field": "series"},
            "y": y,
            "color": color,
            "tooltip": tooltip,
        }
    return chart_spec(spec, description=description)


def _chart_subtitle(result: ExplorerResult) -> str:
    crimes = ", ".join(f"{c.code} {c.title}" for c in result.selection.crimes)
    if result.has_demo:
        return f"{crimes} · {_('demonstration data')}"
    return crimes


def explorer_map_spec(result: MapResult, *, boundaries_url: str) -> dict[str, Any]:
    """A choropleth of the chosen municipalities; the rest of the country in light grey."""
    measure = str(result.measure.label)
    shown = [v for v in result.values if v["value"] is not None]
    description = _(
        "Map of the municipalities with %(measure)s for %(crime)s in %(period)s: %(count)d municipalities "
        "with a value. The figures are in the table below the map."
    ) % {"measure": measure.lower(), "crime": f"{result.crime.code} {result.crime.title}",
         "period": result.period.label(), "count": len(shown)}  # fmt: skip
    subtitle = [f"{result.crime.code} {result.crime.title} · {result.period.label()}",
                _("Municipal boundaries of %(year)s") % {"year": BOUNDARIES_YEAR}]  # fmt: skip
    if result.has_demo:
        subtitle[0] += f" · {_('demonstration data')}"
    boundaries = {"url": boundaries_url, "format": {"type": "topojson", "feature": BOUNDARIES_OBJECT}}
    lookup = {
        "lookup": "properties.code",
        "from": {"data": {"values": result.values}, "key": "code", "fields": ["name", "value", "text"]},
    }
    spec = {
        "title": {"text": measure, "subtitle": subtitle},
        "width": "container",
        "height": 520,
        "projection": {"type": "mercator"},
        "layer": [
            {
                "data": boundaries,
                "mark": {"type": "geoshape", "fill": "#eeeeee", "stroke": "#ffffff", "strokeWidth": 0.4},
            },
            {
                "data": boundaries,
                "transform": [lookup, {"filter": "isValid(datum.name)"}],
                "mark": {"type": "geoshape", "stroke": "#1a1a1a", "strokeWidth": 0.6},
                "encoding": {
                    "color": {
                        "condition": {"test": "datum.value === null", "value": "#bdbdbd"},
                        "field": "value",
                        "type": "quantitative",
                        "title": measure,
                        "scale": {"scheme": "blues"},
                        "legend": {"orient": "right", "direction": "vertical"},
                    },
                    "tooltip": [
                        {"field": "name", "title": _("Municipality")},
                        {"field": "text", "title": measure},
                    ],
                },
            },
        ],
    }
    return chart_spec(spec, description=description)
