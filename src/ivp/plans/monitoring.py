"""Monitoring: each indicator's value per year and its status against the target path. Reads only.

Values
- A manual indicator's value for a year is the latest entered `IndicatorValue` of that year (with
  its source, date and who entered it); earlier entries stay as history.
- A linked indicator (`stats_crime_code`) takes registered crimes from the statistics store
  (`ivp.stats.selectors.figures`, per year): for the indicator's municipality, or the plan's only
  municipality, or all the plan's municipalities together. A group's count is the sum of its
  members' counts and its rate the summed count over the summed population, never an average of
  rates. A suppressed or missing figure (of any member) is "no data", never 0. Provisional,
  incomplete and demonstration figures (demonstratiegegevens) are flagged.

Status (see docs/monitoring.md for the rule in full, with examples)
- `no_data`: no value for the year.
- `no_target`: the indicator has no target (or a relative target without a baseline value), or
  the year lies before the baseline year.
- Otherwise the target path: a straight line from the baseline (year, value) to the target
  (year, value). The comparator sets the good direction: at most / reduce by % = lower is better,
  at least = higher is better. Before the target year a value is `on_track` when it is on the
  good side of the path, or on the wrong side by at most `TOLERANCE` (10%) of the planned change
  |target - baseline|. From the target year on, and whenever no path can be drawn (no baseline
  value, a baseline that already meets the target, a target year not after the baseline year),
  the target itself counts: `on_track` only when the value meets it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.core.errors import IvpError

from .constants import Direction, IndicatorUnit, TargetComparator
from .models import Indicator, IndicatorValue, Plan

TOLERANCE = Decimal("0.10")
"""Share of the planned change (|target - baseline|) a value may lag behind the path."""

DEMO_LABEL = "demonstratiegegevens"


class Status(StrEnum):
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


STATUS_LABELS = {
    Status.ON_TRACK: gettext_lazy("on track"),
    Status.OFF_TRACK: gettext_lazy("off track"),
    Status.NO_TARGET: gettext_lazy("no target"),
    Status.NO_DATA: gettext_lazy("no data"),
}
COMPARATOR_SIGNS = {
    TargetComparator.AT_MOST: "≤",
    TargetComparator.AT_LEAST: "≥",
    TargetComparator.REDUCE_BY_PCT: "≤",
}


# --- numbers ------------------------------------------------------------------------------


def plain(value: Decimal) -> Decimal:
    """The value without trailing zeros and without an exponent (40.000 -> 40, 12.50 -> 12.5)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_number(value: Decimal | int | float | str | None, *, places: int = 2) -> str:
    """A number as shown on screen in the active language: at most `places` decimals, no
    trailing zeros, thousands grouped (Dutch: 1.234,5)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    number = plain(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return number_format(number, force_grouping=True)


def format_value(value: Decimal | str | None, unit: str) -> str:
    text = format_number(value)
    if text and unit == IndicatorUnit.PERCENT:
        return text + "%"
    return text


# --- readings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    """Where a value comes from: a statistics table (with its data date) or an entered source."""

    title: str
    table_id: str = ""
    data_date: str | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class Reading:
    """An indicator's value for one year, or why there is none (`value` None = no data)."""

    year: int
    value: Decimal | None
    sources: tuple[SourceRef, ...] = ()
    measured_on: dt.date | None = None
    entered_by: str = ""
    entered_at: dt.datetime | None = None
    note: str = ""
    is_suppressed: bool = False
    is_provisional: bool = False
    is_incomplete: bool = False
    is_demo: bool = False
    areas: tuple[str, ...] = ()
    count: int | None = None
    population: int | None = None
    no_data_reason: str = ""

    @property
    def has_value(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "value": None if self.value is None else str(plain(self.value)),
            "sources": [ref.__dict__ for ref in self.sources],
            "measured_on": self.measured_on.isoformat() if self.measured_on else None,
            "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat(timespec="seconds") if self.entered_at else None,
            "note": self.note,
            "is_suppressed": self.is_suppressed,
            "is_provisional": self.is_provisional,
            "is_incomplete": self.is_incomplete,
            "is_demo": self.is_demo,
            "areas": list(self.areas),
            "count": self.count,
            "population": self.population,
            "no_data_reason": self.no_data_reason,
        }


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def manual_readings(indicator: Indicator, years: range) -> dict[int, Reading]:
    """The latest entered value per year (entries are append-only; the last one counts)."""
    latest: dict[int, IndicatorValue] = {}
    entries = IndicatorValue.objects.filter(indicator=indicator, year__in=list(years)).select_related(
        "entered_by"
    )
    for entry in entries.order_by("year", "entered_at", "pk"):
        latest[entry.year] = entry
    result = {}
    for year in years:
        found = latest.get(year)
        if found is None:
            result[year] = Reading(year=year, value=None, no_data_reason=_("No value was entered."))
            continue
        result[year] = Reading(
            year=year,
            value=found.value,
            sources=(SourceRef(title=found.source, data_date=_iso(found.measured_on)),),
            measured_on=found.measured_on,
            entered_by=_user_name(found.entered_by),
            entered_at=found.entered_at,
            note=found.note,
        )
    return result


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def indicator_areas(indicator: Indicator) -> list[str]:
    """The municipalities a linked indicator is about: its own, else all of the plan's."""
    if indicator.municipality is not None:
        return [indicator.municipality.code]
    return list(
        indicator.plan.plan_municipalities.order_by("position", "area__name").values_list(
            "area__code", flat=True
        )
    )


def linked_readings(indicator: Indicator, years: range) -> dict[int, Reading]:
    """Registered crimes of the linked crime type per year, for one municipality or the plan's
    municipalities together (summed counts; rate = summed count / summed population)."""
    from ivp.stats.periods import Grain, Period
    from ivp.stats.selectors import figures

    codes = indicator_areas(indicator)
    per_1000 = indicator.stats_per_1000
    if not codes or not years:
        return {
            y: Reading(year=y, value=None, no_data_reason=_("The plan has no municipality.")) for y in years
        }
    try:
        result = figures(
            area_codes=codes,
            crime_codes=[indicator.stats_crime_code],
            first=Period(years[0], Grain.MONTH, 1),
            last=Period(years[-1], Grain.MONTH, 12),
            grain=Grain.YEAR,
            per_1000=per_1000,
        )
    except IvpError as error:  # an unknown crime type, an unreadable range
        return {y: Reading(year=y, value=None, no_data_reason=str(error)) for y in years}
    by_year: dict[int, list[Any]] = {}
    for row in result.rows:
        by_year.setdefault(row.period.year, []).append(row)
    readings = {}
    for year in years:
        rows = by_year.get(year, [])
        refs = tuple(
            SourceRef(
                title=str(info.get("title") or key),
                table_id=str(info.get("table_id") or key),
                data_date=info.get("data_date"),
                is_demo=bool(info.get("is_demo")),
            )
            for key, info in sorted(result.sources.items())
            if any(r.source_key == key for r in rows)
        )
        base = Reading(
            year=year,
            value=None,
            sources=refs,
            areas=tuple(codes),
            is_provisional=any(r.is_provisional for r in rows),
            is_incomplete=any(r.is_incomplete for r in rows),
            is_demo=any(r.is_demo for r in rows),
        )
        if rows and any(r.is_suppressed for r in rows):
            reason = _("The publisher withheld the figure (suppressed).")
            readings[year] = replace(base, is_suppressed=True, no_data_reason=reason)
        elif not rows or any(r.is_missing or r.count is None for r in rows):
            readings[year] = replace(base, no_data_reason=_("The statistics hold no figure for this year."))
        else:
            count = sum(int(r.count or 0) for r in rows)
            population = sum(int(r.population or 0) for r in rows) if per_1000 else None
            if per_1000 and (not population or any(not r.population for r in rows)):
                reason = _("The population is not known, so no rate per 1,000 inhabitants.")
                readings[year] = replace(base, count=count, no_data_reason=reason)
                continue
            value = (
                (Decimal(count) * 1000 / Decimal(population or 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                if per_1000
                else Decimal(count)
            )
            readings[year] = replace(base, value=value, count=count, population=population)
    return readings


def readings(indicator: Indicator, years: range) -> dict[int, Reading]:
    if indicator.is_linked:
        return linked_readings(indicator, years)
    return manual_readings(indicator, years)


# --- targets and status -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    comparator: str
    value: Decimal  # resolved: for reduce-by-% the baseline x (1 - pct/100)
    year: int
    lower_is_better: bool
    pct: Decimal | None = None

    def label(self, unit: str) -> str:
        text = f"{COMPARATOR_SIGNS[TargetComparator(self.comparator)]} {format_value(self.value, unit)}"
        if self.pct is not None:
            text += f" (\u2212{format_number(self.pct)}%)"
        return text

    def met_by(self, value: Decimal) -> bool:
        return value <= self.value if self.lower_is_better else value >= self.value


def target_of(indicator: Indicator, *, plan_end_year: int) -> Target | None:
    """The indicator's target with its value resolved, or None (no target, or a relative target
    without a baseline value to take the percentage of)."""
    if not indicator.target_comparator or indicator.target_value is None:
        return None
    comparator = TargetComparator(indicator.target_comparator)
    year = indicator.target_year or plan_end_year
    if comparator == TargetComparator.REDUCE_BY_PCT:
        if indicator.baseline_value is None:
            return None
        pct = Decimal(indicator.target_value)
        value = Decimal(indicator.baseline_value) * (1 - pct / 100)
        return Target(comparator=comparator, value=value, year=year, lower_is_better=True, pct=pct)
    return Target(
        comparator=comparator,
        value=Decimal(indicator.target_value),
        year=year,
        lower_is_better=comparator == TargetComparator.AT_MOST,
    )


@dataclass(frozen=True)
class Assessment:
    status: Status
    reason: str
    planned: Decimal | None = None  # the path's value for the year
    limit: Decimal | None = None  # the worst value still on track


def _has_path(indicator: Indicator, target: Target) -> bool:
    baseline, year = indicator.baseline_value, indicator.baseline_year
    return (
        baseline is not None
        and year is not None
        and target.year > year
        and not target.met_by(Decimal(baseline))
    )


def status_rule(indicator: Indicator, *, plan_end_year: int) -> str:
    """The status rule of this indicator in words, with its own numbers."""
    unit = indicator.unit
    target = target_of(indicator, plan_end_year=plan_end_year)
    if target is None:
        if indicator.target_comparator == TargetComparator.REDUCE_BY_PCT:
            return _(
                "Target: reduce by %(pct)s%% from the baseline, but the baseline value is missing, so the "
                "target cannot be computed: no status."
            ) % {"pct": format_number(indicator.target_value)}
        direction = Direction(indicator.direction).label if indicator.direction else ""
        return _("No target: the indicator is monitored without a target (%(direction)s).") % {
            "direction": direction
        }
    numbers = {
        "baseline_year": indicator.baseline_year,
        "baseline": format_value(indicator.baseline_value, unit),
        "target_year": target.year,
        "target": target.label(unit),
    }
    if indicator.baseline_value is None:
        return (
            _(
                "No baseline value, so no path: on track when the value meets the target (%(target_year)s: "
                "%(target)s)."
            )
            % numbers
        )
    if not _has_path(indicator, target):
        if target.met_by(Decimal(indicator.baseline_value)):
            return (
                _(
                    "The baseline (%(baseline_year)s: %(baseline)s) already meets the target "
                    "(%(target_year)s: %(target)s): on track as long as the value keeps meeting the target."
                )
                % numbers
            )
        return (
            _(
                "Target (%(target_year)s: %(target)s), baseline %(baseline_year)s: %(baseline)s; "
                "on track when the value meets the target."
            )
            % numbers
        )
    margin = abs(target.value - Decimal(indicator.baseline_value)) * TOLERANCE
    return _(
        "Target path: a straight line from the baseline (%(baseline_year)s: %(baseline)s) to the target "
        "(%(target_year)s: %(target)s); on track while the value stays within %(pct)s%% of the planned "
        "change of the path (a margin of %(margin)s) or does better; from %(target_year)s on the target "
        "itself counts."
    ) % {**numbers, "pct": format_number(TOLERANCE * 100), "margin": format_value(margin, unit)}


def assess(*, indicator: Indicator, year: int, value: Decimal | None, plan_end_year: int) -> Assessment:
    """The status of the indicator in `year` with `value` (None = no data); see the module's rule."""
    unit = indicator.unit
    if value is None:
        return Assessment(Status.NO_DATA, _("No value for %(year)s.") % {"year": year})
    target = target_of(indicator, plan_end_year=plan_end_year)
    if target is None:
        return Assessment(Status.NO_TARGET, _("No target to compare with."))
    if indicator.baseline_year is not None and year < indicator.baseline_year:
        return Assessment(
            Status.NO_TARGET,
            _("%(year)s lies before the baseline year %(baseline_year)s, where the path starts.")
            % {"year": year, "baseline_year": indicator.baseline_year},
        )
    shown = {"value": format_value(value, unit), "target": target.label(unit)}
    if year >= target.year or not _has_path(indicator, target):
        if target.met_by(value):
            return Assessment(
                Status.ON_TRACK,
                _("%(value)s meets the target %(target)s.") % shown,
                planned=target.value,
                limit=target.value,
            )
        return Assessment(
            Status.OFF_TRACK,
            _("%(value)s does not meet the target %(target)s.") % shown,
            planned=target.value,
            limit=target.value,
        )
    assert indicator.baseline_value is not None and indicator.baseline_year is not None
    baseline = Decimal(indicator.baseline_value)
    share = Decimal(year - indicator.baseline_year) / Decimal(target.year - indicator.baseline_year)
    planned = baseline + (target.value - baseline) * share
    margin = abs(target.value - baseline) * TOLERANCE
    limit = planned + margin if target.lower_is_better else planned - margin
    within = value <= limit if target.lower_is_better else value >= limit
    words = {**shown, "planned": format_value(planned, unit), "limit": format_value(limit, unit)}
    if within:
        reason = _("%(value)s against %(planned)s planned on the path (limit %(limit)s): on track.") % words
        return Assessment(Status.ON_TRACK, reason, planned=planned, limit=limit)
    reason = _("%(value)s against %(planned)s planned on the path (limit %(limit)s): off track.") % words
    return Assessment(Status.OFF_TRACK, reason, planned=planned, limit=limit)


def planned_value(indicator: Indicator, *, year: int, plan_end_year: int) -> Decimal | None:
    """The path's value in `year` (for charts), or None where there is no path."""
    target = target_of(indicator, plan_end_year=plan_end_year)
    if target is None or indicator.baseline_year is None or year < indicator.baseline_year:
        return None
    if year >= target.year or not _has_path(indicator, target):
        return target.value
    return assess(indicator=indicator, year=year, value=Decimal(0), plan_end_year=plan_end_year).planned


# --- per plan -----------------------------------------------------------------------------


@dataclass
class IndicatorMonitoring:
    """One indicator in one year: its value, status and rule, and the history up to the year."""

    indicator: Indicator
    year: int
    reading: Reading
    assessment: Assessment
    rule: str
    target: Target | None
    history: list[Reading] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return self.assessment.status

    def as_dict(self, *, plan_end_year: int) -> dict[str, Any]:
        """Everything shown about the indicator, JSON-safe (a report snapshot keeps it)."""
        ind = self.indicator
        unit = ind.unit

        def planned(year: int) -> str | None:
            value = planned_value(ind, year=year, plan_end_year=plan_end_year)
            return None if value is None else str(plain(value.quantize(Decimal("0.001"), ROUND_HALF_UP)))

        return {
            "id": ind.pk,
            "code": ind.code,
            "name": ind.name,
            "theme_id": ind.theme_id,
            "unit": unit,
            "unit_label": str(IndicatorUnit(unit).label),
            "source": ind.source,
            "source_detail": ind.source_detail,
            "is_linked": ind.is_linked,
            "stats_crime_code": ind.stats_crime_code,
            "stats_per_1000": ind.stats_per_1000,
            "municipality": ind.municipality.code if ind.municipality else None,
            "municipality_name": ind.municipality.name if ind.municipality else None,
            "direction": ind.direction,
            "baseline_value": None if ind.baseline_value is None else str(plain(ind.baseline_value)),
            "baseline_year": ind.baseline_year,
            "target_label": self.target.label(unit) if self.target else "",
            "target_year": self.target.year if self.target else None,
            "target_value": None if self.target is None else str(plain(self.target.value)),
            "year": self.year,
            "reading": self.reading.as_dict(),
            "status": str(self.status),
            "reason": self.assessment.reason,
            "planned": None if self.assessment.planned is None else str(plain(self.assessment.planned)),
            "limit": None if self.assessment.limit is None else str(plain(self.assessment.limit)),
            "rule": self.rule,
            "history": [{**r.as_dict(), "planned": planned(r.year)} for r in self.history],
        }


def history_years(indicator: Indicator, *, plan: Plan, year: int) -> range:
    first = min(plan.start_year, indicator.baseline_year or plan.start_year, year)
    return range(first, year + 1)


def indicator_monitoring(*, indicator: Indicator, year: int, plan: Plan | None = None) -> IndicatorMonitoring:
    """The indicator's value and status in `year`, with its history from the baseline year."""
    plan = plan or indicator.plan
    years = history_years(indicator, plan=plan, year=year)
    found = readings(indicator, years)
    reading = found[year]
    return IndicatorMonitoring(
        indicator=indicator,
        year=year,
        reading=reading,
        assessment=assess(indicator=indicator, year=year, value=reading.value, plan_end_year=plan.end_year),
        rule=status_rule(indicator, plan_end_year=plan.end_year),
        target=target_of(indicator, plan_end_year=plan.end_year),
        history=[found[y] for y in years],
    )


def plan_monitoring(*, plan: Plan, year: int) -> list[IndicatorMonitoring]:
    """Every indicator of the plan in `year`, in the plan's order."""
    indicators = plan.indicators.select_related("theme", "municipality", "plan").order_by("position", "code")
    return [indicator_monitoring(indicator=ind, year=year, plan=plan) for ind in indicators]
