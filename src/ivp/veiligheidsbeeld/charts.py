"""The Vega-Lite charts of the veiligheidsbeeld (one spec serves the page and the PDF)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ivp.core.charts import chart_spec

from .periods import month_label
from .selectors import Veiligheidsbeeld

WIDTH = 640
DEMO_COLOUR = "#b3400e"


def _title(picture: Veiligheidsbeeld, text: str) -> dict[str, Any]:
    title: dict[str, Any] = {"text": text, "anchor": "start", "fontSize": 14}
    if picture.has_demo:
        title |= {
            "subtitle": _("DEMONSTRATION DATA (demonstratiegegevens): not real figures"),
            "subtitleColor": DEMO_COLOUR,
            "subtitleFontWeight": "bold",
        }
    return title


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def trend_chart(picture: Veiligheidsbeeld) -> dict[str, Any]:
    """Registered crimes per 1,000 inhabitants per period, the municipality and its comparators."""
    names = [picture.area.name] + [c.label for c in picture.comparators]
    keys = [picture.area.code] + [c.key for c in picture.comparators]
    values = []
    for key, name in zip(keys, names, strict=True):
        for period, figure in zip(picture.trend_periods, picture.trend[(key, "0.0.0")], strict=True):
            if figure.usable:
                values.append(
                    {"area": name, "period": period.short_label(), "per_1000": _round(figure.per_1000)}
                )
    first, last = picture.trend_periods[0].short_label(), picture.trend_periods[-1].short_label()
    description = _(
        "Line chart: registered crimes per 1,000 inhabitants, %(first)s to %(last)s, for %(areas)s. "
        "The figures are in the table below the chart."
    ) % {"first": first, "last": last, "areas": ", ".join(names)}
    legend = {"title": None}
    spec = {
        "title": _title(picture, _("Registered crimes per 1,000 inhabitants")),
        "width": WIDTH,
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
            "y": {"field": "per_1000", "type": "quantitative", "title": _("per 1,000 inhabitants")},
            "color": {"field": "area", "type": "nominal", "sort": names, "legend": legend},
            "strokeDash": {"field": "area", "type": "nominal", "sort": names, "legend": legend},
            "tooltip": [
                {"field": "area", "title": _("Area")},
                {"field": "period", "title": _("Period")},
                {"field": "per_1000", "title": _("per 1,000 inhabitants"), "format": ".1f"},
            ],
        },
    }
    return chart_spec(spec, description=description)


def monthly_chart(picture: Veiligheidsbeeld) -> dict[str, Any]:
    """The municipality's registered crimes per month, with the average of the last 12 months."""
    bars, line = [], []
    for month, figure, rolling in picture.monthly:
        label = month.start.isoformat()
        if figure.status == "ok":
            bars.append({"month": label, "count": figure.count})
        if rolling is not None:
            line.append({"month": label, "rolling": round(rolling, 1)})
    first = month_label(picture.monthly[0][0]) if picture.monthly else ""
    last = month_label(picture.monthly[-1][0]) if picture.monthly else ""
    description = _(
        "Bar chart: registered crimes per month in %(area)s, %(first)s to %(last)s, with a line for the "
        "average of the last 12 months. The figures are in the table under 'Figures per month'."
    ) % {"area": picture.area.name, "first": first, "last": last}
    x = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None,
         "axis": {"format": "%m-%Y", "labelAngle": 0, "tickCount": 6}}  # fmt: skip
    spec = {
        "title": _title(picture, _("Registered crimes per month, %(area)s") % {"area": picture.area.name}),
        "width": WIDTH,
        "height": 220,
        "layer": [
            {
                "data": {"values": bars},
                "mark": {"type": "bar", "color": "#5b7fa8"},
                "encoding": {
                    "x": x,
                    "y": {"field": "count", "type": "quantitative", "title": _("crimes per month")},
                    "tooltip": [
                        {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": _("Month")},
                        {"field": "count", "title": _("Count")},
                    ],
                },
            },
            {
                "data": {"values": line},
                "mark": {"type": "line", "color": "#0b2442", "strokeWidth": 3},
                "encoding": {
                    "x": x,
                    "y": {"field": "rolling", "type": "quantitative"},
                    "tooltip": [
                        {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": _("Month")},
                        {"field": "rolling", "title": _("average of the last 12 months"), "format": ".1f"},
                    ],
                },
            },
        ],
    }
    return chart_spec(spec, description=description)


def groups_chart(picture: Veiligheidsbeeld) -> dict[str, Any]:
    """Per 1,000 inhabitants per main group in the period: the municipality and its comparators."""
    names = [picture.area.name] + [c.label for c in picture.comparators]
    values = []
    for row in picture.group_rows:
        figures = [row.change.current] + [row.others[c.key].current for c in picture.comparators]
        for name, figure in zip(names, figures, strict=True):
            if figure.usable:
                values.append({"group": row.line.title, "area": name, "per_1000": _round(figure.per_1000)})
    description = _(
        "Bar chart: registered crimes per 1,000 inhabitants per main group in %(period)s, for %(areas)s. "
        "The figures are in the table 'Key figures'."
    ) % {"period": picture.current_label, "areas": ", ".join(names)}
    spec = {
        "title": _title(
            picture, _("Per 1,000 inhabitants per main group, %(period)s") % {"period": picture.current_label}
        ),
        "width": WIDTH - 200,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "sort": [r.line.title for r in picture.group_rows],
                "axis": {"labelLimit": 240},
            },
            "yOffset": {"field": "area", "type": "nominal", "sort": names},
            "x": {"field": "per_1000", "type": "quantitative", "title": _("per 1,000 inhabitants")},
            "color": {"field": "area", "type": "nominal", "sort": names, "legend": {"title": None}},
            "tooltip": [
                {"field": "group", "title": _("Main group")},
                {"field": "area", "title": _("Area")},
                {"field": "per_1000", "title": _("per 1,000 inhabitants"), "format": ".1f"},
            ],
        },
    }
    return chart_spec(spec, description=description)
