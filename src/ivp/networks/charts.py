"""The members on a map: a Vega-Lite geoshape over the explorer's bundled municipal boundaries,
coloured by where each member's priorities come from (plan in ivp, upload/form, none yet)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ivp.core.charts import chart_spec
from ivp.explorer.constants import BOUNDARIES_OBJECT

from .constants import InputSource
from .selectors import Dashboard

STATUS_COLOURS = ["#154273", "#1d7a3a", "#8a6d00"]  # >= 3:1 against white (see ivp.core.charts)


def member_status(source: str, has_plan: bool) -> str:
    if has_plan or source == InputSource.PLAN:
        return str(_("Plan in ivp"))
    if source:
        return str(_("Priorities uploaded or entered"))
    return str(_("No input yet"))


def members_map_spec(dashboard: Dashboard, *, boundaries_url: str) -> dict[str, Any]:
    values = [
        {
            "code": m.member.area.code,
            "name": m.member.area.name,
            "status": member_status(m.source, m.plan is not None),
        }
        for m in dashboard.members
    ]
    labels = [str(_("Plan in ivp")), str(_("Priorities uploaded or entered")), str(_("No input yet"))]
    description = _(
        "Map of the %(count)d member municipalities of %(network)s, coloured by where their local "
        "priorities come from: %(plans)d with a plan in ivp. The members are listed in the table below."
    ) % {"count": len(values), "network": dashboard.network.name, "plans": dashboard.plan_count}
    spec = {
        "width": "container",
        "height": 460,
        "projection": {"type": "mercator"},
        "data": {"url": boundaries_url, "format": {"type": "topojson", "feature": BOUNDARIES_OBJECT}},
        "transform": [
            {
                "lookup": "properties.code",
                "from": {"data": {"values": values}, "key": "code", "fields": ["name", "status"]},
            },
            {"filter": "isValid(datum.name)"},
        ],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.8},
        "encoding": {
            "color": {
                "field": "status",
                "type": "nominal",
                "title": _("Local priorities"),
                "scale": {"domain": labels, "range": STATUS_COLOURS},
                "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 400},
            },
            "tooltip": [
                {"field": "name", "title": _("Municipality")},
                {"field": "status", "title": _("Local priorities")},
            ],
        },
    }
    return chart_spec(spec, description=description)
