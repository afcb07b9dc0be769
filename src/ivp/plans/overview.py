"""A plan as a page: the plan file's dict (serialization.plan_to_dict) arranged for reading.

The overview page and the view of an earlier version both render this arrangement, the first
from the plan as it is now (with links to edit each item), the second from a revision's
snapshot (read-only). `snapshot_diff` compares two snapshots field by field for the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import (
    ActionStatus,
    Direction,
    IndicatorSource,
    IndicatorUnit,
    PartnerKind,
    PlanStatus,
    TargetComparator,
)

EditUrl = Callable[[str, str], str | None]
"""(kind, key) -> the URL to edit that item, or None. Kinds: field, theme, partner, holder,
indicator, action; the key is the code (field, theme, indicator), the name (partner, holder) or
the position in the list (action)."""


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value) if value is not None else ""


def _theme_out(theme: dict[str, Any], names: dict[str, str], edit: EditUrl) -> dict[str, Any]:
    approach = theme.get("approach", {})
    council = theme.get("council_input", {})
    municipality = theme.get("municipality")
    return {
        "code": theme["code"],
        "name": theme["name"],
        "is_priority": bool(theme.get("priority")),
        "municipality": municipality,
        "municipality_name": names.get(municipality, municipality) if municipality else "",
        "problem": theme.get("problem", []),
        "approach_basis": approach.get("basis", []),
        "approach_focus": approach.get("focus", []),
        "related_policy": approach.get("related_policy", []),
        "goals": theme.get("goals", []),
        "council_input_on": council.get("on", ""),
        "council_input": council.get("text", ""),
        "edit_url": edit("theme", theme["code"]),
    }


def _number(value: Any) -> str:
    return number_format(value, force_grouping=True) if value is not None else ""


def _target_text(target: dict[str, Any] | None, end_year: int | None) -> str:
    """The target in words, e.g. "at most 120 in 2027"."""
    if not target:
        return ""
    values = {"value": _number(target.get("value")), "year": target.get("year") or end_year or ""}
    comparator = target.get("comparator")
    if comparator == TargetComparator.AT_MOST:
        return _("at most %(value)s in %(year)s") % values
    if comparator == TargetComparator.AT_LEAST:
        return _("at least %(value)s in %(year)s") % values
    if comparator == TargetComparator.REDUCE_BY_PCT:
        return _("%(value)s%% below the baseline in %(year)s") % values
    return _label(TargetComparator, comparator)


def _indicator_out(ind: dict[str, Any], themes: dict[str, str], names: dict[str, str], edit: EditUrl,
                   values_url: EditUrl, end_year: int | None) -> dict[str, Any]:  # fmt: skip
    values = ind.get("values", [])
    latest_per_year: dict[int, dict[str, Any]] = {}
    for entry in values:  # entered order: the latest entry of a year counts
        latest_per_year[entry["year"]] = entry
    latest = latest_per_year[max(latest_per_year)] if latest_per_year else None
    source = ind.get("source", {})
    baseline = ind.get("baseline", {})
    link = ind.get("link")
    municipality = ind.get("municipality")
    return {
        "code": ind["code"],
        "name": ind["name"],
        "theme": ind.get("theme", ""),
        "theme_name": themes.get(ind.get("theme", ""), ""),
        "municipality_name": names.get(municipality, municipality) if municipality else "",
        "source_label": _label(IndicatorSource, source.get("kind")),
        "source_detail": source.get("detail", ""),
        "unit_label": _label(IndicatorUnit, ind.get("unit")),
        "direction_label": _label(Direction, ind.get("direction")),
        "baseline_value": baseline.get("value"),
        "baseline_year": baseline.get("year"),
        "target": _target_text(ind.get("target"), end_year),
        "link": link,
        "values": values,
        "values_by_year": [latest_per_year[y] for y in sorted(latest_per_year)],
        "latest": latest,
        "edit_url": edit("indicator", ind["code"]),
        "values_url": values_url("indicator", ind["code"]),
    }


def _no_url(kind: str, key: str) -> str | None:
    return None


def plan_overview(
    doc: dict[str, Any],
    *,
    names: dict[str, str],
    edit: EditUrl = _no_url,
    values_url: EditUrl = _no_url,
) -> dict[str, Any]:
    """The plan dict arranged for the page. `names`: municipality code -> name."""
    plan = doc.get("plan", {})
    municipalities = [(code, names.get(code, code)) for code in plan.get("municipalities", [])]
    fields = []
    theme_names: dict[str, str] = {}
    all_themes = []
    for field in doc.get("fields", []):
        themes = [_theme_out(t, names, edit) for t in field.get("themes", [])]
        for theme in themes:
            theme_names[theme["code"]] = f"{theme['code']} {theme['name']}"
        all_themes.extend(themes)
        fields.append(
            {
                "code": field["code"],
                "name": field["name"],
                "themes": themes,
                "edit_url": edit("field", field["code"]),
            }
        )
    priorities = [t for t in all_themes if t["is_priority"]]
    shared = [t for t in priorities if not t["municipality"]]
    spearheads = [
        {"code": code, "name": name, "themes": [t for t in priorities if t["municipality"] == code]}
        for code, name in municipalities
    ]
    holders = [
        {
            "name": h["name"],
            "office": h.get("office", ""),
            "themes": [theme_names.get(code, code) for code in h.get("themes", [])],
            "edit_url": edit("holder", h["name"]),
        }
        for h in doc.get("portfolio_holders", [])
    ]
    partners = [
        {
            "name": p["name"],
            "kind_label": _label(PartnerKind, p.get("kind")),
            "role": p.get("role", ""),
            "edit_url": edit("partner", p["name"]),
        }
        for p in doc.get("partners", [])
    ]
    indicators = [
        _indicator_out(ind, theme_names, names, edit, values_url, plan.get("period", {}).get("end"))
        for ind in doc.get("indicators", [])
    ]
    years: dict[int, list[dict[str, Any]]] = {}
    for position, action in enumerate(doc.get("actions", [])):
        years.setdefault(action["year"], []).append(
            action
            | {
                "theme_name": theme_names.get(action.get("theme", ""), ""),
                "status_label": _label(ActionStatus, action.get("status")),
                "edit_url": edit("action", str(position)),
            }
        )
    adopted = plan.get("adopted", {})
    return {
        "title": plan.get("title", ""),
        "organisation": plan.get("organisation", ""),
        "status": plan.get("status", PlanStatus.DRAFT),
        "status_label": _label(PlanStatus, plan.get("status", PlanStatus.DRAFT)),
        "start_year": plan.get("period", {}).get("start"),
        "end_year": plan.get("period", {}).get("end"),
        "adopted_on": adopted.get("on", ""),
        "adopted_by": adopted.get("by", ""),
        "municipalities": [{"code": c, "name": n} for c, n in municipalities],
        "is_joint": len(municipalities) > 1,
        "vision": plan.get("vision", ""),
        "budget": plan.get("budget", ""),
        "fields": fields,
        "priorities": priorities,
        "shared_priorities": shared,
        "spearheads": [s for s in spearheads if s["themes"]],
        "partners": partners,
        "holders": holders,
        "indicators": indicators,
        "action_years": sorted(years.items()),
    }


# -- comparing two versions -------------------------------------------------------------------

_KEYS = ("code", "name", "title")
_SEP = " \u203a "  # " > " as a typographic arrow, between the parts of a path
# Keys of the plan file, as a reader calls them.
_KEY_LABELS = {
    "plan": gettext_lazy("plan"),
    "title": gettext_lazy("title"),
    "organisation": gettext_lazy("organisation"),
    "municipalities": gettext_lazy("municipalities"),
    "municipality": gettext_lazy("municipality"),
    "period": gettext_lazy("period"),
    "start": gettext_lazy("first year"),
    "end": gettext_lazy("last year"),
    "status": gettext_lazy("status"),
    "adopted": gettext_lazy("adopted"),
    "on": gettext_lazy("date"),
    "by": gettext_lazy("by"),
    "vision": gettext_lazy("vision"),
    "budget": gettext_lazy("budget"),
    "fields": gettext_lazy("safety fields"),
    "themes": gettext_lazy("themes"),
    "priority": gettext_lazy("priority"),
    "problem": gettext_lazy("problem"),
    "approach": gettext_lazy("approach"),
    "basis": gettext_lazy("basis"),
    "focus": gettext_lazy("focus"),
    "related_policy": gettext_lazy("related policy"),
    "goals": gettext_lazy("goals"),
    "council_input": gettext_lazy("council input"),
    "text": gettext_lazy("text"),
    "partners": gettext_lazy("partners"),
    "kind": gettext_lazy("kind"),
    "role": gettext_lazy("role"),
    "portfolio_holders": gettext_lazy("portfolio holders"),
    "office": gettext_lazy("office"),
    "indicators": gettext_lazy("indicators"),
    "theme": gettext_lazy("theme"),
    "source": gettext_lazy("source"),
    "detail": gettext_lazy("detail"),
    "unit": gettext_lazy("unit"),
    "direction": gettext_lazy("good direction"),
    "baseline": gettext_lazy("baseline"),
    "value": gettext_lazy("value"),
    "year": gettext_lazy("year"),
    "target": gettext_lazy("target"),
    "comparator": gettext_lazy("comparison"),
    "link": gettext_lazy("link to police statistics"),
    "crime_code": gettext_lazy("crime type"),
    "per_1000": gettext_lazy("per 1,000 inhabitants"),
    "values": gettext_lazy("values"),
    "measured_on": gettext_lazy("measured on"),
    "note": gettext_lazy("note"),
    "actions": gettext_lazy("actions"),
    "description": gettext_lazy("description"),
    "lead_party": gettext_lazy("lead party"),
    "timing": gettext_lazy("timing"),
}


def _key_of(item: Any, position: int) -> str:
    if isinstance(item, dict):
        for key in _KEYS:
            if key in item:
                return str(item[key])
    return f"#{position + 1}"


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            label = str(_KEY_LABELS.get(key, key))
            _flatten(inner, f"{path}{_SEP}{label}" if path else label, out)
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        for position, inner in enumerate(value):
            _flatten(inner, f"{path}{_SEP}{_key_of(inner, position)}", out)
    else:
        out[path] = value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@dataclass(frozen=True)
class DiffRow:
    path: str
    old: str
    new: str


def snapshot_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[DiffRow]:
    """Every value that differs between two plan snapshots, with a readable path."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old or {}, "", before)
    _flatten(new, "", after)
    rows = []
    for path in [*after, *(p for p in before if p not in after)]:
        if before.get(path) != after.get(path):
            rows.append(DiffRow(path=path, old=_text(before.get(path)), new=_text(after.get(path))))
    return rows
