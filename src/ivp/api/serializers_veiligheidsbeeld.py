"""The veiligheidsbeeld through the API: the query and the reply.

The reply is the picture `ivp.veiligheidsbeeld.selectors.veiligheidsbeeld_get` builds for the
page, memo and PDF, presented as data: nothing is computed here but the shape
(`veiligheidsbeeld_data`). The largest changes are those of the page (`report.largest_changes`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area
from ivp.areas.selectors import area_get
from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.stats.periods import Period
from ivp.veiligheidsbeeld.figures import Figure
from ivp.veiligheidsbeeld.periods import ReportPeriod, months_label, report_period_parse
from ivp.veiligheidsbeeld.report import largest_changes
from ivp.veiligheidsbeeld.selectors import Change, Row, Veiligheidsbeeld
from ivp.veiligheidsbeeld.significance import MINIMUM_CHANGE_PCT, SIGNIFICANCE_LEVEL

PERIOD = r"^\d{4}(-[Hh][12])?$"
TEST = "poisson_conditional_exact"
"""The significance test of every change and comparison (docs/veiligheidsbeeld.md, "Method")."""


class VeiligheidsbeeldQuerySerializer(serializers.Serializer[Any]):
    period = serializers.RegexField(
        PERIOD,
        max_length=7,
        required=False,
        help_text="A year (2023) or a half year (2023-H1, 2023-H2: the half-year memo); default the "
        "latest whole year or half year with figures, as on the page.",
    )
    group = serializers.CharField(
        required=False,
        max_length=120,
        help_text="Code or name of a user-defined group (kind `group`) to add to the comparisons.",
    )

    def validate_period(self, value: str) -> ReportPeriod:
        try:
            return report_period_parse(value)
        except ValidationFailed as error:
            raise serializers.ValidationError(error.problems) from error

    def validate_group(self, value: str) -> Area:
        try:
            group = area_get(code_or_name=value)
        except NotFoundError as error:
            raise serializers.ValidationError(str(error)) from error
        if group.kind != AreaKind.GROUP:
            raise serializers.ValidationError(_("No group '%(code)s'.") % {"code": value})
        return group


# --- the reply ------------------------------------------------------------------------------


class VbAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class VbPeriodSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="2023, 2023-H1 or 2023-H2.")
    label = serializers.CharField(help_text="As the page names it, in the language of the request.")  # type: ignore[assignment]
    half_year = serializers.BooleanField(help_text="True for a half year (the half-year memo).")
    complete = serializers.BooleanField(
        help_text="False when the figures end inside the period: then only the months with figures "
        "are compared with the same months a year earlier (year to date against last year)."
    )
    months_label = serializers.CharField(help_text="The months compared, e.g. januari-april 2024.")
    first_month = serializers.CharField(allow_null=True, help_text="YYYY-MM; null without figures.")
    last_month = serializers.CharField(allow_null=True, help_text="YYYY-MM; null without figures.")


class VbMonthsSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]
    first_month = serializers.CharField(allow_null=True, help_text="YYYY-MM.")
    last_month = serializers.CharField(allow_null=True, help_text="YYYY-MM.")


class VbFigureSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(allow_null=True, help_text="Null when withheld or missing; never 0.")
    per_1000 = serializers.FloatField(allow_null=True, help_text="Per 1,000 inhabitants (not rounded).")
    population = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["ok", "suppressed", "missing"])
    provisional = serializers.BooleanField()
    incomplete = serializers.BooleanField()
    demo = serializers.BooleanField()


class VbChangeSerializer(serializers.Serializer[Any]):
    previous = VbFigureSerializer(help_text="The same months a year earlier.")
    current = VbFigureSerializer()
    difference = serializers.IntegerField(allow_null=True)
    change_pct = serializers.FloatField(allow_null=True)
    significant = serializers.BooleanField(help_text="p < 0.05 in the exact conditional Poisson test.")
    p_value = serializers.FloatField(allow_null=True, help_text="Null when a figure is not usable.")


class VbComparisonSerializer(VbChangeSerializer):
    comparator = serializers.CharField(help_text="The `key` of one of `comparators`.")


class VbLineSerializer(VbChangeSerializer):
    key = serializers.CharField(help_text="0.0.0 (the total), G1-G3 (main groups) or a crime type code.")
    code = serializers.CharField()
    title = serializers.CharField()
    level = serializers.ChoiceField(choices=["total", "group", "type"])
    group = serializers.CharField(help_text="The main group (1, 2, 3); empty for the total.")
    excluded = serializers.ListField(
        child=serializers.CharField(), help_text="For a main group: types left out of its sum (withheld)."
    )
    trend_pct = serializers.FloatField(allow_null=True, help_text="Change since the first trend period.")
    trend_pct_country = serializers.FloatField(allow_null=True)
    comparisons = VbComparisonSerializer(many=True)


class VbComparatorSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="An area code, or `peers` for the similar municipalities.")
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField(help_text="police_unit, safety_region, province, country, peers or group.")
    kind_label = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField(), help_text="The areas it sums.")


class VbPeerSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()


class VbPeerGroupSerializer(serializers.Serializer[Any]):
    population = serializers.IntegerField()
    population_year = serializers.IntegerField()
    members = VbPeerSerializer(many=True, help_text="Nearest in population first.")


class VbFindingSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    line = serializers.CharField(help_text="The `key` of the line it is about.")
    kind = serializers.ChoiceField(choices=["change", "comparison"])
    test = serializers.CharField(help_text="poisson_conditional_exact (the method's `test`).")
    p_value = serializers.FloatField()


class VbLargestChangesSerializer(serializers.Serializer[Any]):
    rises = serializers.ListField(child=serializers.CharField(), help_text="Line keys, largest rise first.")
    falls = serializers.ListField(child=serializers.CharField(), help_text="Line keys, largest fall first.")


class VbSourceSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    table_id = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    data_date = serializers.CharField(allow_null=True)
    demo = serializers.BooleanField()
    nuisance = serializers.BooleanField()


class VbMethodSerializer(serializers.Serializer[Any]):
    test = serializers.CharField()
    significance_level = serializers.FloatField()
    minimum_change_pct = serializers.FloatField()


class VeiligheidsbeeldSerializer(serializers.Serializer[Any]):
    area = VbAreaSerializer()
    period = VbPeriodSerializer()
    comparison_period = VbMonthsSerializer(help_text="The same months one year earlier.")
    data_period = VbMonthsSerializer(
        allow_null=True, help_text="The months of every figure read (trend included), as the page states."
    )
    demo = serializers.BooleanField(help_text="True when any figure is synthetic demonstration data.")
    source = serializers.CharField(allow_null=True, help_text="The source of every crime figure.")  # type: ignore[assignment]
    comparators = VbComparatorSerializer(many=True)
    peer_group = VbPeerGroupSerializer(allow_null=True)
    lines = VbLineSerializer(
        many=True, help_text="The total, the three main groups, then every crime type; empty without figures."
    )
    largest_changes = VbLargestChangesSerializer()
    findings = VbFindingSerializer(many=True, help_text="What stands out (wat valt op), at most six.")
    notes = serializers.ListField(child=serializers.CharField())
    sources = VbSourceSerializer(many=True)
    method = VbMethodSerializer()


def _month(month: Period | None) -> str | None:
    return None if month is None else f"{month.year}-{month.number:02d}"


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "count": figure.count,
        "per_1000": figure.per_1000,
        "population": figure.population,
        "status": figure.status,
        "provisional": figure.provisional,
        "incomplete": figure.incomplete,
        "demo": figure.demo,
    }


def _change(change: Change) -> dict[str, Any]:
    test = change.test
    return {
        "previous": _figure(change.previous),
        "current": _figure(change.current),
        "difference": change.difference,
        "change_pct": change.change_pct,
        "significant": change.significant,
        "p_value": test.p_value if test is not None else None,
    }


def _line(row: Row) -> dict[str, Any]:
    line = row.line
    return {
        "key": line.key,
        "code": line.code,
        "title": line.title,
        "level": line.level,
        "group": line.group,
        "excluded": list(line.excluded),
        **_change(row.change),
        "trend_pct": row.trend_pct,
        "trend_pct_country": row.trend_pct_country,
        "comparisons": [{"comparator": key, **_change(change)} for key, change in row.others.items()],
    }


def _sources(picture: Veiligheidsbeeld) -> list[dict[str, Any]]:
    out = []
    for key, info in [*picture.sources.items(), *picture.nuisance_sources.items()]:
        out.append(
            {
                "key": key,
                "table_id": info.get("table_id"),
                "title": info.get("title"),
                "data_date": info.get("data_date"),
                "demo": bool(info.get("is_demo")),
                "nuisance": key in picture.nuisance_sources,
            }
        )
    return out


def veiligheidsbeeld_data(picture: Veiligheidsbeeld) -> dict[str, Any]:
    """The picture as the reply's data (see `VeiligheidsbeeldSerializer`)."""
    months, previous = picture.months, picture.previous_months
    first = picture.trend_periods[0].months()[0] if picture.trend_periods else None
    rises, falls = largest_changes(picture) if picture.rows else ([], [])
    peers = picture.peer_group
    return {
        "area": {"code": picture.area.code, "name": picture.area.name},
        "period": {
            "code": picture.period.code,
            "label": picture.period.label(),
            "half_year": picture.period.is_half_year,
            "complete": picture.complete,
            "months_label": picture.current_label,
            "first_month": _month(months[0] if months else None),
            "last_month": _month(months[-1] if months else None),
        },
        "comparison_period": {
            "label": picture.previous_label,
            "first_month": _month(previous[0] if previous else None),
            "last_month": _month(previous[-1] if previous else None),
        },
        "data_period": None
        if first is None or not months
        else {
            "label": months_label([first, months[-1]]),
            "first_month": _month(first),
            "last_month": _month(months[-1]),
        },
        "demo": picture.has_demo,
        "source": picture.source_key,
        "comparators": [
            {
                "key": c.key,
                "name": c.name,
                "label": c.label or c.name,
                "kind": str(c.kind),
                "kind_label": c.kind_label,
                "codes": list(c.codes),
            }
            for c in picture.comparators
        ],
        "peer_group": None
        if peers is None
        else {
            "population": peers.population,
            "population_year": peers.population_year,
            "members": [{"code": c, "name": n, "population": p} for c, n, p in peers.members],
        },
        "lines": [_line(row) for row in picture.rows],
        "largest_changes": {"rises": [r.line.key for r in rises], "falls": [r.line.key for r in falls]},
        "findings": [
            {"text": f.text, "line": f.line_key, "kind": f.kind, "test": TEST, "p_value": f.p_value}
            for f in picture.findings
        ],
        "notes": list(picture.notes),
        "sources": _sources(picture),
        "method": {
            "test": TEST,
            "significance_level": SIGNIFICANCE_LEVEL,
            "minimum_change_pct": MINIMUM_CHANGE_PCT,
        },
    }
