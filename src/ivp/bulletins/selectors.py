"""Reads for the monthly bulletin: per member municipality its latest figures against the same
months a year earlier and against the network as a whole; subscribers a user may see.

All figures come from `ivp.stats.selectors.figures`, in one request for every member, crime
type and month (January of the previous year up to the bulletin's month), from one source so
that every member is counted alike. Two periods are compared: the month itself and the year to
date (January up to the month), each against the same months a year earlier. The network's
figure is the sum of its members (its rate: summed count over summed population). Main groups
are the sums of their crime types, leaving out everywhere the types the publisher withholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.accounts.models import Organisation, User
from ivp.areas.models import Area
from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.networks.access import network_can_manage
from ivp.networks.models import Network
from ivp.stats.models import CrimeType
from ivp.stats.periods import Grain, Period, PeriodError, enumerate_months, parse_bound
from ivp.stats.selectors import SOURCE_PREFERENCE, figures, store_status
from ivp.stats.store import StatsStore
from ivp.veiligheidsbeeld.constants import MAIN_GROUPS, TOTAL_CODE, main_group_of
from ivp.veiligheidsbeeld.figures import EMPTY, MISSING, Figure, figure_of_months, figure_sum
from ivp.veiligheidsbeeld.periods import month_label, months_label
from ivp.veiligheidsbeeld.selectors import Change, crime_source_for

from .models import Subscriber


@dataclass(frozen=True)
class Line:
    key: str  # "total" or "G1".."G3"
    title: str
    level: str  # "total" or "group"
    excluded: tuple[str, ...] = ()


# One area's figure in a period against the same months a year earlier (with % change).
Comparison = Change


@dataclass(frozen=True)
class BulletinRow:
    line: Line
    month: Comparison
    year_to_date: Comparison
    network_month: Comparison
    network_year_to_date: Comparison


@dataclass
class MemberBulletin:
    """The bulletin of one member municipality (what its subscribers get)."""

    network_label: str
    area: Area
    month: Period
    months: list[Period]  # the year to date
    rows: list[BulletinRow]
    sources: dict[str, dict[str, Any]]
    notes: list[str]
    has_demo: bool

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def previous_month_label(self) -> str:
        return month_label(Period(self.month.year - 1, Grain.MONTH, self.month.number))

    @property
    def months_label(self) -> str:
        return months_label(self.months)

    @property
    def previous_months_label(self) -> str:
        return months_label([Period(m.year - 1, m.grain, m.number) for m in self.months])

    @property
    def has_figures(self) -> bool:
        return bool(self.rows) and self.rows[0].year_to_date.current.count is not None


@dataclass
class NetworkBulletin:
    """The bulletins of every member of a network for one month."""

    label: str
    members: list[Area]
    month: Period
    months: list[Period]
    lines: list[Line] = field(default_factory=list)
    rows: dict[str, list[BulletinRow]] = field(default_factory=dict)  # per member code
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    has_demo: bool = False

    def member(self, code: str) -> MemberBulletin:
        area = next((a for a in self.members if a.code == code.upper()), None)
        if area is None:
            raise NotFoundError(
                _("%(code)s is not a member of %(name)s.") % {"code": code, "name": self.label}
            )
        return MemberBulletin(self.label, area, self.month, self.months, self.rows.get(area.code, []),
                              self.sources, self.notes, self.has_demo)  # fmt: skip


def bulletin_month_parse(text: str) -> Period:
    """`YYYY-MM` as a month."""
    try:
        month = parse_bound(text)
    except PeriodError as error:
        raise ValidationFailed([_("'%(text)s' is not a month like 2023-12.") % {"text": text}]) from error
    if "-" not in text.strip():
        raise ValidationFailed([_("'%(text)s' is not a month like 2023-12.") % {"text": text}])
    return month


def bulletin_latest_month(*, store: StatsStore | None = None) -> Period | None:
    """The last month of the municipal monthly crime figures in the store (None when there are
    none). A month that had not ended on the data's date is left out by `network_bulletin`."""
    crime_sources = set(SOURCE_PREFERENCE["politie"])
    lasts = [
        info["last_period"]
        for key, info in store_status(store=store)["sources"].items()
        if key in crime_sources and "month" in info.get("grains", "") and info.get("areas", 0) > 1
        and info.get("last_period")
    ]  # fmt: skip
    if not lasts:
        return None
    last = dt.date.fromisoformat(max(lasts)[:10])
    return Period(last.year, Grain.MONTH, last.month)


def _lines_and_members(
    types: Sequence[CrimeType], withheld: set[str]
) -> tuple[list[Line], dict[str, list[str]]]:
    total = next(t for t in types if t.code == TOTAL_CODE)
    lines = [Line("total", total.title, "total")]
    members: dict[str, list[str]] = {"total": [TOTAL_CODE]}
    for number, title in MAIN_GROUPS.items():
        codes = [t.code for t in types if t.code != TOTAL_CODE and main_group_of(t.code) == number]
        left_out = tuple(f"{t.code} {t.title}" for t in types if t.code in codes and t.code in withheld)
        lines.append(Line(f"G{number}", f"{number} {title}", "group", left_out))
        members[f"G{number}"] = [c for c in codes if c not in withheld]
    return lines, members


def network_bulletin(
    *, label: str, members: Sequence[Area], month: Period | None = None, store: StatsStore | None = None
) -> NetworkBulletin:
    """The bulletin of every member for `month` (default: the latest month with figures)."""
    if not members:
        raise ValidationFailed([_("%(name)s has no member municipalities.") % {"name": label}])
    asked = month
    month = month or bulletin_latest_month(store=store)
    if month is None:
        raise ValidationFailed([_("There are no monthly crime figures per municipality in the store.")])
    source = crime_source_for(area_code=members[0].code, month=month, store=store)
    if source is None:
        raise ValidationFailed([_("There are no crime figures per municipality for %(month)s.")
                                % {"month": month_label(month)}])  # fmt: skip
    types = list(CrimeType.objects.filter(classification="politie").order_by("sort_order"))
    first = Period(month.year - 1, Grain.MONTH, 1)
    grid = enumerate_months(first, month)
    codes = [a.code for a in members]
    result = figures(area_codes=codes, crime_codes=[t.code for t in types], first=first, last=month,
                     grain=Grain.MONTH, per_1000=True, source_key=source, store=store)  # fmt: skip
    series: dict[tuple[str, str], list[Any]] = {}
    for row in result.rows:
        series.setdefault((row.area_code, row.crime_code), []).append(row)
    position = {m: i for i, m in enumerate(grid)}
    if asked is None:  # the latest *complete* month: step back while the last one is unfinished
        probe = series.get((codes[0], TOTAL_CODE)) or []
        latest = month
        while (
            probe
            and month > first
            and (probe[position[month]].is_incomplete or probe[position[month]].is_missing)
        ):
            month = grid[position[month] - 1]
        if month.year != latest.year:
            return network_bulletin(label=label, members=members, month=month, store=store)
    ytd = [m for m in grid if m.year == month.year and m <= month]
    previous_ytd = [Period(m.year - 1, m.grain, m.number) for m in ytd]
    bulletin = NetworkBulletin(label=label, members=list(members), month=month, months=ytd,
                               sources=dict(result.sources), has_demo=result.has_demo)  # fmt: skip
    withheld = {c for (_a, c), rows in series.items() if any(r.is_suppressed for r in rows)}
    bulletin.lines, line_codes = _lines_and_members(types, withheld)

    def figure(code: str, line: Line, months: list[Period]) -> Figure:
        parts = []
        for crime in line_codes[line.key]:
            rows = series.get((code, crime))
            if not rows:
                parts.append(EMPTY)
                continue
            parts.append(figure_of_months([rows[position[m]] for m in months]))
        if line.level == "total":
            return parts[0]
        return figure_sum(parts, same_population=True)

    last_year_month = [Period(month.year - 1, Grain.MONTH, month.number)]
    periods = {"month": ([month], last_year_month), "ytd": (ytd, previous_ytd)}
    own: dict[tuple[str, str, str, str], Figure] = {}
    for code in codes:
        for line in bulletin.lines:
            for key, (current, previous) in periods.items():
                own[(code, line.key, key, "current")] = figure(code, line, current)
                own[(code, line.key, key, "previous")] = figure(code, line, previous)

    def network(line: Line, key: str, which: str) -> Figure:
        return figure_sum(own[(code, line.key, key, which)] for code in codes)

    totals = {
        (line.key, key): Change(network(line, key, "previous"), network(line, key, "current"))
        for line in bulletin.lines
        for key in periods
    }

    def pair(code: str, line: Line, key: str) -> Comparison:
        return Change(own[(code, line.key, key, "previous")], own[(code, line.key, key, "current")])

    for code in codes:
        bulletin.rows[code] = [
            BulletinRow(line, pair(code, line, "month"), pair(code, line, "ytd"), totals[(line.key, "month")],
                        totals[(line.key, "ytd")])
            for line in bulletin.lines
        ]  # fmt: skip
    _notes(bulletin)
    return bulletin


def _notes(bulletin: NetworkBulletin) -> None:
    if bulletin.has_demo:
        bulletin.notes.append(
            _("DEMONSTRATION DATA (demonstratiegegevens): the figures per municipality are synthetic, "
              "not real police figures.")
        )  # fmt: skip
    for line in bulletin.lines:
        if line.excluded:
            bulletin.notes.append(
                _("%(group)s: the sum leaves out %(types)s, which the publisher withholds.")
                % {"group": line.title, "types": ", ".join(line.excluded)}
            )
    rows = [r for rows in bulletin.rows.values() for r in rows]
    if any(r.year_to_date.current.provisional or r.year_to_date.previous.provisional for r in rows):
        bulletin.notes.append(_("Figures of the most recent year are provisional and may still be revised."))
    missing = [
        code
        for code, rows in bulletin.rows.items()
        if rows and rows[0].year_to_date.current.status == MISSING
    ]
    if missing:
        bulletin.notes.append(_("No figures for: %(codes)s.") % {"codes": ", ".join(missing)})


def network_bulletin_get(
    *, network: Network, month: Period | None = None, store: StatsStore | None = None
) -> NetworkBulletin:
    members = [m.area for m in network.members.select_related("area").order_by("area__name")]
    return network_bulletin(label=network.name, members=members, month=month, store=store)


# --- subscribers ---------------------------------------------------------------------------


def member_areas_of(*, user: AnyUser, network: Network, changing: bool = False) -> list[Area]:
    """The network's members in whose municipality organisation the user holds a role (with
    `changing`: a changing role); every member for the network's coordinators."""
    members = Area.objects.filter(network_memberships__network=network).order_by("name")
    if network_can_manage(user=user, network=network):
        return list(members)
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    from ivp.accounts.constants import CHANGING_ROLES

    orgs = Organisation.objects.filter(kind="municipality", memberships__user=user)
    if changing:
        orgs = orgs.filter(memberships__role__in=CHANGING_ROLES, memberships__user=user)
    return list(members.filter(organisations__in=orgs).distinct())


def subscriber_list(*, user: AnyUser, network: Network) -> QuerySet[Subscriber]:
    """The subscribers the user may see: all for coordinators, else those of their own
    municipalities (e-mail addresses are personal data)."""
    areas = member_areas_of(user=user, network=network)
    return Subscriber.objects.filter(network=network, area__in=areas).select_related("area")


def subscriber_counts(*, network: Network) -> dict[int, int]:
    """Active subscribers per member (area id)."""
    counts: dict[int, int] = {}
    for area_id in Subscriber.objects.filter(network=network, is_active=True).values_list(
        "area_id", flat=True
    ):
        counts[area_id] = counts.get(area_id, 0) + 1
    return counts
