"""A whole plan as a plain dict, in the plan file format (docs/plan-format.md), and as YAML.

`plan_to_dict` is the one export: the plan file (`ivp plan export`), the snapshot stored with
every revision, and the comparison of versions all use it. Empty optional values are left out,
so that export → import → export gives the same file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from .constants import PLAN_FORMAT_VERSION
from .models import Plan

FORMAT_NAME = "ivp-plan"


def number(value: Decimal | None) -> int | float | None:
    """A stored decimal as the plain number a person would write (12, 7.5)."""
    if value is None:
        return None
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out keys whose value is empty (None, "", [], {}); keep False and 0."""
    return {k: v for k, v in data.items() if v is not None and v != "" and v != [] and v != {}}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    municipalities = [link.area.code for link in plan.plan_municipalities.select_related("area")]
    fields = []
    for field in plan.fields.all():
        themes = []
        for theme in (
            plan.themes.filter(field=field).select_related("municipality").order_by("position", "code")
        ):
            approach = _clean(
                {
                    "basis": theme.approach_basis,
                    "focus": theme.approach_focus,
                    "related_policy": theme.related_policy,
                }
            )
            council = _clean(
                {
                    "on": theme.council_input_on.isoformat() if theme.council_input_on else None,
                    "text": theme.council_input,
                }
            )
            themes.append(
                _clean(
                    {
                        "code": theme.code,
                        "name": theme.name,
                        "priority": theme.is_priority or None,
                        "municipality": theme.municipality.code if theme.municipality else None,
                        "problem": theme.problem,
                        "approach": approach,
                        "goals": theme.goals,
                        "council_input": council,
                    }
                )
            )
        fields.append(_clean({"code": field.code, "name": field.name, "themes": themes}))
    partners = [_clean({"name": p.name, "kind": p.kind, "role": p.role}) for p in plan.partners.all()]
    holders = [
        _clean({"name": h.name, "office": h.office, "themes": [t.code for t in h.themes.order_by("code")]})
        for h in plan.portfolio_holders.prefetch_related("themes")
    ]
    indicators = []
    for ind in plan.indicators.select_related("theme", "municipality").prefetch_related("values"):
        indicators.append(
            _clean(
                {
                    "code": ind.code,
                    "name": ind.name,
                    "theme": ind.theme.code if ind.theme else None,
                    "municipality": ind.municipality.code if ind.municipality else None,
                    "source": _clean({"kind": ind.source, "detail": ind.source_detail}),
                    "unit": ind.unit,
                    "direction": ind.direction,
                    "baseline": _clean({"value": number(ind.baseline_value), "year": ind.baseline_year}),
                    "target": _clean(
                        {
                            "comparator": ind.target_comparator,
                            "value": number(ind.target_value),
                            "year": ind.target_year,
                        }
                    )
                    if ind.target_comparator
                    else None,
                    "link": _clean(
                        {"crime_code": ind.stats_crime_code, "per_1000": ind.stats_per_1000 or None}
                    )
                    if ind.stats_crime_code
                    else None,
                    "values": [
                        _clean(
                            {
                                "year": v.year,
                                "value": number(v.value),
                                "measured_on": v.measured_on.isoformat() if v.measured_on else None,
                                "source": v.source,
                                "note": v.note,
                            }
                        )
                        for v in ind.values.all()
                    ],
                }
            )
        )
    actions = [
        _clean(
            {
                "year": a.year,
                "theme": a.theme.code if a.theme else None,
                "title": a.title,
                "description": a.description,
                "lead_party": a.lead_party,
                "partners": a.partners,
                "timing": a.timing,
                "status": a.status,
            }
        )
        for a in plan.actions.select_related("theme")
    ]
    return _clean(
        {
            "format": FORMAT_NAME,
            "format_version": PLAN_FORMAT_VERSION,
            "plan": _clean(
                {
                    "title": plan.title,
                    "organisation": plan.organisation.name,
                    "municipalities": municipalities,
                    "period": {"start": plan.start_year, "end": plan.end_year},
                    "status": plan.status,
                    "adopted": _clean(
                        {
                            "on": plan.adopted_on.isoformat() if plan.adopted_on else None,
                            "by": plan.adopted_by,
                        }
                    ),
                    "vision": plan.vision,
                    "budget": plan.budget_notes,
                }
            ),
            "fields": fields,
            "partners": partners,
            "portfolio_holders": holders,
            "indicators": indicators,
            "actions": actions,
        }
    )


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as literal blocks, keys in the order written."""


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
