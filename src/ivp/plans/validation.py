"""Checking a parsed plan file against the plan format (docs/plan-format.md).

Every value is checked (type, required and unknown keys, allowed values, years, lengths) and
every reference is resolved (municipality codes, the organisation, theme codes within the file,
police crime type codes), and every problem is collected with its YAML path and line before
anything is stored. The result, `ValidPlan`, holds model field values ready to be written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ivp.accounts.models import Organisation
from ivp.areas.models import Area
from ivp.areas.selectors import area_by_code, area_get
from ivp.core.errors import DataFileError, NotFoundError
from ivp.stats.constants import Classification
from ivp.stats.selectors import crime_types_get

from .constants import (
    ActionStatus,
    Direction,
    IndicatorSource,
    IndicatorUnit,
    PartnerKind,
    PlanStatus,
    TargetComparator,
)
from .models import (
    Action,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    PortfolioHolder,
    SafetyField,
    Theme,
)
from .plan_file import ParsedFile, YamlPath, path_text
from .plan_schema import Checker, check_format, got, max_length

UNIT_RANGES: dict[str, tuple[Decimal | None, Decimal | None]] = {
    IndicatorUnit.PERCENT: (Decimal(0), Decimal(100)),
    IndicatorUnit.MARK: (Decimal(1), Decimal(10)),
    IndicatorUnit.COUNT: (Decimal(0), None),
    IndicatorUnit.CASES: (Decimal(0), None),
    IndicatorUnit.PER_1000: (Decimal(0), None),
}


@dataclass
class ThemeSpec:
    data: dict[str, Any]


@dataclass
class FieldSpec:
    data: dict[str, Any]
    themes: list[ThemeSpec] = field(default_factory=list)


@dataclass
class IndicatorSpec:
    data: dict[str, Any]
    theme: str | None
    values: list[dict[str, Any]]


@dataclass
class ValidPlan:
    """A checked plan file: model field values, references resolved, ready to be stored."""

    name: str
    organisation: Organisation
    municipalities: list[Area]
    plan: dict[str, Any]
    fields: list[FieldSpec]
    partners: list[dict[str, Any]]
    holders: list[tuple[dict[str, Any], list[str]]]
    indicators: list[IndicatorSpec]
    actions: list[tuple[dict[str, Any], str | None]]
    existing: Plan | None


def plan_file_validate(*, parsed: ParsedFile, replace: bool = False) -> ValidPlan:
    """Check everything in the parsed file; raise DataFileError with every problem, or return it."""
    root = check_format(parsed)
    c = Checker(parsed)
    c.mapping(root, ())
    plan_path: YamlPath = ("plan",)
    p = c.mapping(root.get("plan"), plan_path) or {}
    title = c.text(p, "title", plan_path, max_length=max_length(Plan, "title"), blank=False)
    organisation = _organisation(c, p)
    municipalities = _municipalities(c, p)
    period = c.mapping(p["period"], (*plan_path, "period")) if "period" in p else None
    start = c.year(period, "start", (*plan_path, "period")) if period else None
    end = c.year(period, "end", (*plan_path, "period")) if period else None
    if start and end and end < start:
        c.add((*plan_path, "period", "end"), _("the last year is before the first year"))
    elif start and end and end > start + 9:
        c.add((*plan_path, "period", "end"), _("a plan covers at most ten years"))
    status = c.choice(p, "status", plan_path, PlanStatus.values, PlanStatus.DRAFT)
    adopted_path = (*plan_path, "adopted")
    adopted = c.mapping(p["adopted"], adopted_path) if "adopted" in p else None
    adopted_on = c.date(adopted, "on", adopted_path) if adopted else None
    adopted_by = (
        c.text(adopted, "by", adopted_path, max_length=max_length(Plan, "adopted_by")) if adopted else ""
    )
    if status != PlanStatus.DRAFT and adopted_on is None and not (adopted and "on" in adopted):
        c.add((*adopted_path, "on"), _("an adopted or superseded plan needs the date of adoption"))
    if status == PlanStatus.DRAFT and (adopted_on or adopted_by):
        c.add(adopted_path, _("a draft plan has not been adopted: leave out adopted, or give the status"))
    plan_data = {
        "title": title,
        "start_year": start,
        "end_year": end,
        "status": status,
        "adopted_on": adopted_on,
        "adopted_by": adopted_by,
        "vision": c.text(p, "vision", plan_path, max_length=100_000),
        "budget_notes": c.text(p, "budget", plan_path, max_length=100_000),
    }
    codes = [a.code for a in municipalities]
    fields, theme_paths = _fields(c, root, codes)
    partners = _partners(c, root)
    holders = _holders(c, root, theme_paths)
    indicators = _indicators(c, root, codes, theme_paths, (start, end))
    actions = _actions(c, root, theme_paths, (start, end))
    existing = None
    if organisation is not None and title and start and end:
        existing = (
            Plan.objects.filter(organisation=organisation, title=title, start_year=start, end_year=end)
            .order_by("pk")
            .first()
        )
        if existing is not None and not replace:
            c.add(
                (*plan_path, "title"),
                _("this organisation already has the plan “%(title)s” for %(start)d-%(end)d (id %(id)d); "
                  "import with --replace to replace it")
                % {"title": title, "start": start, "end": end, "id": existing.pk},
            )  # fmt: skip
    if c.problems or organisation is None:
        raise DataFileError(sorted(c.problems, key=lambda x: x.row or 0))
    return ValidPlan(
        name=parsed.name,
        organisation=organisation,
        municipalities=municipalities,
        plan=plan_data,
        fields=fields,
        partners=partners,
        holders=holders,
        indicators=indicators,
        actions=actions,
        existing=existing,
    )


def _organisation(c: Checker, p: dict[str, Any]) -> Organisation | None:
    name = c.text(p, "organisation", ("plan",), max_length=200, blank=False)
    if not name.strip():
        return None
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        similar = list(
            Organisation.objects.filter(name__icontains=name.strip()[:40]).values_list("name", flat=True)[:3]
        )
        hint = _(" Did you mean: %(names)s?") % {"names": ", ".join(similar)} if similar else ""
        c.add(("plan", "organisation"), _("no organisation named %(got)s.") % {"got": got(name)} + hint)
    return organisation


def _municipalities(c: Checker, p: dict[str, Any]) -> list[Area]:
    result: list[Area] = []
    entries = c.items(p, "municipalities", ("plan",))
    if "municipalities" in p and not entries and isinstance(p["municipalities"], list):
        c.add(("plan", "municipalities"), _("a plan needs at least one municipality"))
    for where, code in entries:
        area = _municipality(c, where, code)
        if area is None:
            continue
        if area in result:
            c.add(where, _("%(code)s is listed twice") % {"code": area.code})
        else:
            result.append(area)
    return result


def _municipality(c: Checker, where: YamlPath, code: Any) -> Area | None:
    if not isinstance(code, str) or not code.strip():
        c.add(where, _("expected a municipality code such as GM1641, got %(got)s") % {"got": got(code)})
        return None
    area = area_by_code(code=code)
    if area is None:
        try:
            named = area_get(code_or_name=code)
            c.add(
                where,
                _("%(got)s is a name: write its code %(code)s") % {"got": got(code), "code": named.code},
            )
        except NotFoundError:
            c.add(where, _("no municipality with code %(got)s") % {"got": got(code)})
        return None
    if not area.is_municipality:
        c.add(where, _("%(code)s is a region, not a municipality") % {"code": area.code})
        return None
    return area


def _local(c: Checker, m: dict[str, Any], path: YamlPath, codes: list[str]) -> Area | None:
    """The optional `municipality` of a theme or indicator: one of the plan's municipalities."""
    if m.get("municipality") is None:
        return None
    value = m["municipality"]
    area = area_by_code(code=value) if isinstance(value, str) and value.strip() else None
    if area is None or area.code not in codes:
        c.add(
            (*path, "municipality"),
            _("%(got)s is not one of the plan's municipalities (%(codes)s)")
            % {"got": got(value), "codes": ", ".join(codes) or "-"},
        )
        return None
    return area


def _unique(c: Checker, seen: dict[str, YamlPath], value: str, where: YamlPath, what: str) -> None:
    if not value:
        return
    if value in seen:
        c.add(
            where,
            _("%(what)s %(value)s is used twice (also at %(other)s)")
            % {"what": what, "value": got(value), "other": path_text(seen[value])},
        )
    else:
        seen[value] = where


def _fields(
    c: Checker, root: dict[str, Any], codes: list[str]
) -> tuple[list[FieldSpec], dict[str, YamlPath]]:
    fields: list[FieldSpec] = []
    field_codes: dict[str, YamlPath] = {}
    theme_codes: dict[str, YamlPath] = {}
    for f_pos, f_path, f in c.mappings(root, "fields", ()):
        code = c.text(f, "code", f_path, max_length=max_length(SafetyField, "code"), blank=False)
        _unique(c, field_codes, code, (*f_path, "code"), _("the field code"))
        spec = FieldSpec(
            data={
                "code": code,
                "name": c.text(f, "name", f_path, max_length=max_length(SafetyField, "name"), blank=False),
                "position": f_pos,
            }
        )
        for t_pos, t_path, t in c.mappings(f, "themes", f_path):
            t_code = c.text(t, "code", t_path, max_length=max_length(Theme, "code"), blank=False)
            _unique(c, theme_codes, t_code, (*t_path, "code"), _("the theme code"))
            a_path, ci_path = (*t_path, "approach"), (*t_path, "council_input")
            approach = c.mapping(t["approach"], a_path) if "approach" in t else {}
            council = c.mapping(t["council_input"], ci_path) if "council_input" in t else {}
            approach, council = approach or {}, council or {}
            data = {
                "code": t_code,
                "name": c.text(t, "name", t_path, max_length=max_length(Theme, "name"), blank=False),
                "is_priority": c.boolean(t, "priority", t_path),
                "municipality": _local(c, t, t_path, codes),
                "problem": c.texts(t, "problem", t_path),
                "approach_basis": c.texts(approach, "basis", a_path),
                "approach_focus": c.texts(approach, "focus", a_path),
                "related_policy": c.texts(approach, "related_policy", a_path),
                "goals": c.texts(t, "goals", t_path),
                "council_input_on": c.date(council, "on", ci_path),
                "council_input": c.text(council, "text", ci_path, max_length=100_000),
                "position": t_pos,
            }
            spec.themes.append(ThemeSpec(data=data))
        fields.append(spec)
    return fields, theme_codes


def _theme_ref(c: Checker, m: dict[str, Any], path: YamlPath, themes: dict[str, YamlPath]) -> str | None:
    code = m.get("theme")
    if code is None:
        return None
    if not isinstance(code, str) or code not in themes:
        c.add((*path, "theme"), _("no theme with code %(got)s in this file") % {"got": got(code)})
        return None
    return code


def _partners(c: Checker, root: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    names: dict[str, YamlPath] = {}
    for pos, path, m in c.mappings(root, "partners", ()):
        name = c.text(m, "name", path, max_length=max_length(Partner, "name"), blank=False)
        _unique(c, names, name, (*path, "name"), _("the partner"))
        kind = c.choice(m, "kind", path, PartnerKind.values)
        result.append(
            {"name": name, "kind": kind, "role": c.text(m, "role", path, max_length=100_000), "position": pos}
        )
    return result


def _holders(
    c: Checker, root: dict[str, Any], themes: dict[str, YamlPath]
) -> list[tuple[dict[str, Any], list[str]]]:
    result = []
    names: dict[str, YamlPath] = {}
    for pos, path, m in c.mappings(root, "portfolio_holders", ()):
        name = c.text(m, "name", path, max_length=max_length(PortfolioHolder, "name"), blank=False)
        _unique(c, names, name, (*path, "name"), _("the portfolio holder"))
        office = c.text(m, "office", path, max_length=max_length(PortfolioHolder, "office"), blank=False)
        codes: list[str] = []
        for where, code in c.items(m, "themes", path):
            if not isinstance(code, str) or code not in themes:
                c.add(where, _("no theme with code %(got)s in this file") % {"got": got(code)})
            elif code in codes:
                c.add(where, _("%(code)s is listed twice") % {"code": code})
            else:
                codes.append(code)
        result.append(({"name": name, "office": office, "position": pos}, codes))
    return result


def _in_range(c: Checker, where: YamlPath, value: Decimal | None, unit: str) -> None:
    low, high = UNIT_RANGES.get(unit, (None, None))
    if value is None or ((low is None or value >= low) and (high is None or value <= high)):
        return
    if high is None:
        c.add(where, _("a value in %(unit)s cannot be below %(low)s") % {"unit": unit, "low": low})
    else:
        c.add(
            where,
            _("a value in %(unit)s lies between %(low)s and %(high)s")
            % {"unit": unit, "low": low, "high": high},
        )


def _indicators(
    c: Checker,
    root: dict[str, Any],
    codes: list[str],
    themes: dict[str, YamlPath],
    period: tuple[int | None, int | None],
) -> list[IndicatorSpec]:
    result = []
    seen: dict[str, YamlPath] = {}
    crime_codes: dict[str, list[YamlPath]] = {}
    for pos, path, m in c.mappings(root, "indicators", ()):
        code = c.text(m, "code", path, max_length=max_length(Indicator, "code"), blank=False)
        _unique(c, seen, code, (*path, "code"), _("the indicator code"))
        source = c.mapping(m["source"], (*path, "source")) if "source" in m else None
        source = source or {}
        unit = c.choice(m, "unit", path, IndicatorUnit.values)
        direction = c.choice(m, "direction", path, Direction.values)
        data: dict[str, Any] = {
            "code": code,
            "name": c.text(m, "name", path, max_length=max_length(Indicator, "name"), blank=False),
            "municipality": _local(c, m, path, codes),
            "source": c.choice(source, "kind", (*path, "source"), IndicatorSource.values),
            "source_detail": c.text(
                source, "detail", (*path, "source"), max_length=max_length(Indicator, "source_detail")
            ),
            "unit": unit,
            "direction": direction,
            "position": pos,
        }
        data |= _baseline_and_target(c, m, path, unit, direction, period)
        data |= _link(c, m, path, data["source"], unit, crime_codes)
        values = _values(c, m, path, unit)
        if values and data["stats_crime_code"]:
            c.add(
                (*path, "values"),
                _("a linked indicator takes its values from the police statistics: leave out values"),
            )
        result.append(IndicatorSpec(data=data, theme=_theme_ref(c, m, path, themes), values=values))
    for crime, wheres in crime_codes.items():
        try:
            crime_types_get(codes=[crime], classification=Classification.POLITIE)
        except NotFoundError:
            for where in wheres:
                c.add(
                    where,
                    _("no police crime type %(got)s (politie classification, e.g. 1.1.1)")
                    % {"got": got(crime)},
                )
    return result


def _baseline_and_target(
    c: Checker,
    m: dict[str, Any],
    path: YamlPath,
    unit: str,
    direction: str,
    period: tuple[int | None, int | None],
) -> dict[str, Any]:
    b_path, t_path = (*path, "baseline"), (*path, "target")
    baseline = (c.mapping(m["baseline"], b_path) if "baseline" in m else None) or {}
    b_value, b_year = c.number(baseline, "value", b_path), c.year(baseline, "year", b_path)
    _in_range(c, (*b_path, "value"), b_value, unit)
    # `year: ~` counts as missing (an invalid year is already reported by c.year).
    if b_value is not None and baseline.get("year") is None:
        c.add((*b_path, "year"), _("a baseline value needs its year"))
    target = (c.mapping(m["target"], t_path) if "target" in m else None) or {}
    comparator = c.choice(target, "comparator", t_path, TargetComparator.values)
    t_value, t_year = c.number(target, "value", t_path), c.year(target, "year", t_path)
    start, end = period
    if comparator:
        if baseline.get("year") is None:
            c.add(t_path, _("a target needs the baseline year (baseline.year)"))
        if comparator == TargetComparator.REDUCE_BY_PCT:
            if baseline.get("value") is None:
                c.add(t_path, _("reduce_by_pct needs a baseline value to reduce from"))
            if t_value is not None and not Decimal(0) < t_value <= Decimal(100):
                c.add((*t_path, "value"), _("a reduction is a percentage above 0 and at most 100"))
        else:
            _in_range(c, (*t_path, "value"), t_value, unit)
        wrong = {TargetComparator.AT_MOST: Direction.UP, TargetComparator.REDUCE_BY_PCT: Direction.UP,
                 TargetComparator.AT_LEAST: Direction.DOWN}.get(TargetComparator(comparator))  # fmt: skip
        if direction and direction == wrong:
            c.add(
                (*path, "direction"),
                _("direction %(direction)s contradicts the target %(comparator)s")
                % {"direction": direction, "comparator": comparator},
            )
        effective = t_year or end
        if t_year is not None and start and end and not start <= t_year <= end:
            message = _("the target year %(year)d is not in the plan's period %(start)d-%(end)d")
            c.add((*t_path, "year"), message % {"year": t_year, "start": start, "end": end})
        elif effective and b_year and effective <= b_year:
            c.add(
                (*t_path, "year"),
                _("the target year must come after the baseline year %(year)d") % {"year": b_year},
            )
    return {
        "baseline_value": b_value,
        "baseline_year": b_year,
        "target_comparator": comparator,
        "target_value": t_value if comparator else None,
        "target_year": t_year if comparator else None,
    }


def _link(
    c: Checker,
    m: dict[str, Any],
    path: YamlPath,
    source: str,
    unit: str,
    crime_codes: dict[str, list[YamlPath]],
) -> dict[str, Any]:
    l_path = (*path, "link")
    link = (c.mapping(m["link"], l_path) if "link" in m else None) or {}
    crime = c.text(link, "crime_code", l_path, max_length=max_length(Indicator, "stats_crime_code"))
    per_1000 = c.boolean(link, "per_1000", l_path)
    if crime.strip():
        crime_codes.setdefault(crime, []).append((*l_path, "crime_code"))
        if source and source != IndicatorSource.POLICE:
            c.add(l_path, _("only a police indicator (source.kind: police) can be linked to the statistics"))
        wanted = IndicatorUnit.PER_1000 if per_1000 else IndicatorUnit.COUNT
        if unit and unit != wanted:
            c.add((*path, "unit"), _("a linked indicator has unit %(unit)s (link.per_1000 is %(per)s)")
                  % {"unit": wanted, "per": "true" if per_1000 else "false"})  # fmt: skip
    return {"stats_crime_code": crime, "stats_per_1000": per_1000 if crime else False}


def _values(c: Checker, m: dict[str, Any], path: YamlPath, unit: str) -> list[dict[str, Any]]:
    result = []
    for _index, where, v in c.mappings(m, "values", path):
        value = c.number(v, "value", where)
        _in_range(c, (*where, "value"), value, unit)
        result.append(
            {
                "year": c.year(v, "year", where),
                "value": value,
                "measured_on": c.date(v, "measured_on", where),
                "source": c.text(
                    v, "source", where, max_length=max_length(IndicatorValue, "source"), blank=False
                ),
                "note": c.text(v, "note", where, max_length=100_000),
            }
        )
    return result


def _actions(
    c: Checker, root: dict[str, Any], themes: dict[str, YamlPath], period: tuple[int | None, int | None]
) -> list[tuple[dict[str, Any], str | None]]:
    result = []
    start, end = period
    for pos, path, m in c.mappings(root, "actions", ()):
        year = c.year(m, "year", path)
        if year is not None and start and end and not start <= year <= end:
            c.add((*path, "year"), _("the year %(year)d is not in the plan's period %(start)d-%(end)d")
                  % {"year": year, "start": start, "end": end})  # fmt: skip
        data = {
            "year": year,
            "title": c.text(m, "title", path, max_length=max_length(Action, "title"), blank=False),
            "description": c.text(m, "description", path, max_length=100_000),
            "lead_party": c.text(
                m, "lead_party", path, max_length=max_length(Action, "lead_party"), blank=False
            ),
            "partners": c.text(m, "partners", path, max_length=max_length(Action, "partners")),
            "timing": c.text(m, "timing", path, max_length=max_length(Action, "timing")),
            "status": c.choice(m, "status", path, ActionStatus.values, ActionStatus.PLANNED),
            "position": pos,
        }
        result.append((data, _theme_ref(c, m, path, themes)))
    return result
