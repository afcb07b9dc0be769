"""Serializers: they parse requests and shape replies; selectors and services do the work.

Query serializers (`…QuerySerializer`) validate query parameters and also declare them in the
OpenAPI schema (`extend_schema(parameters=[…])`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from ivp.areas.constants import AreaKind
from ivp.areas.models import Area, Population
from ivp.areas.selectors import area_get
from ivp.core.errors import NotFoundError
from ivp.plans.constants import PlanStatus
from ivp.plans.models import (
    Action,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    PortfolioHolder,
    SafetyField,
    Theme,
)
from ivp.reports.constants import ReportStatus
from ivp.reports.models import IndicatorExplanation, ReportSection
from ivp.stats.constants import Classification
from ivp.stats.models import CrimeType
from ivp.stats.periods import Grain, Period, PeriodError, parse_bound
from ivp.stats.sources.registry import source_list

from .problems import TooManyRows
from .selectors import period_count
from .serializers_base import ModelSerializer

MAX_FIGURE_ROWS = 20_000
"""A figures request that would give more rows is refused (never cut short)."""
MAX_AREAS = 100
MAX_CRIME_TYPES = 100
BOUND = r"^\d{4}(-\d{1,2})?$"


# --- areas ----------------------------------------------------------------------------------


class AreaListQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=AreaKind.choices, required=False, help_text="Only areas of this kind."
    )
    region = serializers.CharField(
        required=False, max_length=120, help_text="Code or name of a region: only its member municipalities."
    )

    def validate_region(self, value: str) -> Area:
        try:
            return area_get(code_or_name=value)
        except NotFoundError as error:
            raise serializers.ValidationError(str(error)) from error


class AreaSerializer(ModelSerializer[Area]):
    class Meta:
        model = Area
        fields = ["code", "name", "kind"]


class PopulationSerializer(ModelSerializer[Population]):
    class Meta:
        model = Population
        fields = ["year", "inhabitants_count", "reference_date", "source"]


class AreaDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    kind = serializers.ChoiceField(source="area.kind", choices=AreaKind.choices)
    description = serializers.CharField(source="area.description")
    boundary_since = serializers.DateField(source="area.boundary_since", allow_null=True)
    owner = serializers.CharField(
        source="area.owner.name",
        allow_null=True,
        default=None,
        help_text="For a group: the organisation that maintains it.",
    )
    regions = AreaSerializer(many=True, help_text="For a municipality: the regions it belongs to.")
    members = AreaSerializer(many=True, help_text="For a region: its member municipalities.")
    population = PopulationSerializer(many=True, help_text="Inhabitants per year, oldest first.")


# --- statistics -----------------------------------------------------------------------------


def _measures() -> list[str]:
    return sorted({m for source in source_list() for m in source.measures.values()})


class FiguresQuerySerializer(serializers.Serializer[Any]):
    """The selection of `ivp figures` and the explorer. `from` is a Python keyword, so the field
    is declared as `date_from` and renamed in `get_fields`."""

    area = serializers.ListField(
        child=serializers.CharField(max_length=120),
        min_length=1,
        max_length=MAX_AREAS,
        help_text="Area code or name (GM1641, RE10, Maasgouw); repeat for more.",
    )
    crime = serializers.ListField(
        child=serializers.CharField(max_length=16),
        min_length=1,
        max_length=MAX_CRIME_TYPES,
        help_text="Crime type code (1.1.1, 0.0.0 for the total); repeat for more.",
    )
    date_from = serializers.RegexField(
        BOUND, max_length=7, help_text="First month: YEAR (January) or YEAR-MM."
    )
    to = serializers.RegexField(BOUND, max_length=7, help_text="Last month: YEAR (December) or YEAR-MM.")
    per = serializers.ChoiceField(choices=[g.value for g in Grain], default=Grain.YEAR.value)
    per_1000 = serializers.BooleanField(default=False, help_text="Add the rate per 1,000 inhabitants.")
    measure = serializers.ChoiceField(choices=_measures(), default="registered_crimes")
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[s.key for s in source_list()], required=False, help_text="Use this source only."
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        renamed = {("from" if name == "date_from" else name): field for name, field in fields.items()}
        return renamed

    def validate_area(self, values: list[str]) -> list[str]:
        try:
            return [area_get(code_or_name=value).code for value in values]
        except NotFoundError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_from(self, value: str) -> Period:
        return _bound(value, end=False)

    def validate_to(self, value: str) -> Period:
        return _bound(value, end=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first, last = attrs["from"], attrs["to"]
        if first > last:
            raise serializers.ValidationError({"to": _("The last month comes before the first.")})
        grain = Grain(attrs["per"])
        periods = period_count(first=first, last=last, grain=grain)
        if periods == 0:
            raise serializers.ValidationError(
                {"per": _("The chosen range holds no whole %(grain)s.") % {"grain": grain}}
            )
        rows = len(attrs["area"]) * len(attrs["crime"]) * periods
        if rows > MAX_FIGURE_ROWS:
            raise TooManyRows(
                _(
                    "This selection gives %(rows)d rows; the limit is %(limit)d rows per request. "
                    "Ask for fewer areas, crime types or periods, or a coarser grain, in several requests."
                )
                % {"rows": rows, "limit": MAX_FIGURE_ROWS}
            )
        return {**attrs, "first": first, "last": last, "grain": grain}


def _bound(value: str, *, end: bool) -> Period:
    try:
        return parse_bound(value, end=end)
    except PeriodError as error:
        raise serializers.ValidationError(
            _("Give a year (2023) or a year and month (2023-04) from 1800 to 2200.")
        ) from error


class FigureRowSerializer(serializers.Serializer[Any]):
    area_code = serializers.CharField()
    crime_code = serializers.CharField()
    period = serializers.CharField(help_text="CBS period code: 2023JJ00, 2023KW02, 2023MM04.")
    count = serializers.IntegerField(
        allow_null=True, help_text="Null when the figure is suppressed or missing; never 0 instead."
    )
    status = serializers.ChoiceField(
        choices=["ok", "suppressed", "missing"],
        help_text="suppressed: withheld by the source for privacy; missing: not (fully) published.",
    )
    per_1000 = serializers.FloatField(
        required=False, allow_null=True, help_text="Only with per_1000=true: count per 1,000 inhabitants."
    )
    population = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only with per_1000=true."
    )
    population_year = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only with per_1000=true: the year of the population used."
    )
    area_name = serializers.CharField()
    crime_title = serializers.CharField()
    period_label = serializers.CharField()
    provisional = serializers.BooleanField()
    incomplete = serializers.BooleanField()
    demo = serializers.BooleanField(help_text="Synthetic demonstration data, not real figures.")
    source = serializers.CharField(allow_null=True, help_text="The CBS table the figure comes from.")  # type: ignore[assignment]


class FiguresSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Number of rows; all of them are in `rows`.")
    demo = serializers.BooleanField(help_text="True when any row is demonstration data.")
    sources = serializers.DictField(
        child=serializers.DictField(), help_text="Per source key: table, title, data date, licence."
    )
    notes = serializers.ListField(child=serializers.CharField())
    rows = FigureRowSerializer(many=True)


class CrimeTypeQuerySerializer(serializers.Serializer[Any]):
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


class CrimeTypeSerializer(ModelSerializer[CrimeType]):
    class Meta:
        model = CrimeType
        fields = [
            "classification",
            "code",
            "title",
            "published_title",
            "description",
            "parent_code",
            "is_total",
            "sort_order",
        ]


class StoreStatusSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(allow_null=True, help_text="The store version read; null when empty.")
    created_at = serializers.CharField(required=False)
    sources = serializers.DictField(
        child=serializers.DictField(), help_text="Per source key: table, periods, rows, origin, load time."
    )


# --- plans ----------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)


class PlanSerializer(ModelSerializer[Plan]):
    organisation = serializers.CharField(source="organisation.name")
    municipalities = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "organisation",
            "municipalities",
            "start_year",
            "end_year",
            "status",
            "adopted_on",
            "adopted_by",
            "version",
            "revision",
            "updated_at",
        ]

    def get_municipalities(self, plan: Plan) -> list[str]:
        return [link.area.code for link in plan.plan_municipalities.all()]


class SafetyFieldSerializer(ModelSerializer[SafetyField]):
    class Meta:
        model = SafetyField
        fields = ["id", "code", "name", "position", "version"]


class ThemeSerializer(ModelSerializer[Theme]):
    field = serializers.CharField(source="field.code", help_text="Code of the safety field.")
    municipality = serializers.CharField(source="municipality.code", allow_null=True, default=None)

    class Meta:
        model = Theme
        fields = [
            "id",
            "plan",
            "field",
            "code",
            "name",
            "is_priority",
            "municipality",
            "problem",
            "approach_basis",
            "approach_focus",
            "related_policy",
            "goals",
            "council_input_on",
            "council_input",
            "position",
            "version",
        ]


class IndicatorValueSerializer(ModelSerializer[IndicatorValue]):
    value = serializers.DecimalField(max_digits=14, decimal_places=3, coerce_to_string=False)
    entered_by = serializers.CharField(source="entered_by.username", allow_null=True, default=None)

    class Meta:
        model = IndicatorValue
        fields = ["id", "year", "value", "measured_on", "source", "note", "entered_by", "entered_at"]


class IndicatorSerializer(ModelSerializer[Indicator]):
    theme = serializers.CharField(source="theme.code", allow_null=True, default=None)
    municipality = serializers.CharField(source="municipality.code", allow_null=True, default=None)
    baseline_value = serializers.DecimalField(
        max_digits=14, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    target_value = serializers.DecimalField(
        max_digits=14, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    linked = serializers.BooleanField(
        source="is_linked", help_text="Values come from the police statistics, not from `values`."
    )
    values = IndicatorValueSerializer(many=True, help_text="Values entered by hand, oldest first.")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "theme",
            "municipality",
            "code",
            "name",
            "source",
            "source_detail",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_comparator",
            "target_value",
            "target_year",
            "direction",
            "stats_crime_code",
            "stats_per_1000",
            "linked",
            "position",
            "version",
            "values",
        ]


class PartnerSerializer(ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["id", "plan", "name", "kind", "role", "position", "version"]


class PortfolioHolderSerializer(ModelSerializer[PortfolioHolder]):
    themes = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", many=True, read_only=True, help_text="Codes of the themes they are involved in."
    )

    class Meta:
        model = PortfolioHolder
        fields = ["id", "plan", "name", "office", "themes", "position", "version"]


class ActionSerializer(ModelSerializer[Action]):
    theme = serializers.CharField(source="theme.code", allow_null=True, default=None)

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "year",
            "theme",
            "title",
            "description",
            "lead_party",
            "partners",
            "timing",
            "status",
            "position",
            "version",
        ]


class PlanDetailSerializer(PlanSerializer):
    fields_ = SafetyFieldSerializer(source="fields", many=True)
    themes = ThemeSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    partners = PartnerSerializer(many=True)
    portfolio_holders = PortfolioHolderSerializer(many=True)
    actions = ActionSerializer(many=True, help_text="The actions of the implementation plans, by year.")

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "vision",
            "budget_notes",
            "fields_",
            "themes",
            "indicators",
            "partners",
            "portfolio_holders",
            "actions",
        ]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        return {("safety_fields" if name == "fields_" else name): field for name, field in fields.items()}


# --- annual reports -------------------------------------------------------------------------


class ReportYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=ReportStatus.choices, help_text="draft (also when not started yet) or final."
    )
    edition = serializers.IntegerField(help_text="Number of the latest final edition (0: none).")
    finalised_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="The report's version (0: not started).")


class ReportQuerySerializer(serializers.Serializer[Any]):
    edition = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="An earlier final edition (default: the latest final edition, or the live draft).",
    )


class ReportEditionSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    finalised_at = serializers.DateTimeField()
    finalised_by = serializers.CharField(source="finalised_by_name")


class AnnualReportSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=ReportStatus.choices,
        help_text="The state of the report: draft (also when not started yet, or reopened) or final.",
    )
    version = serializers.IntegerField(
        help_text="The report's version (0: not started); send it to change the status."
    )
    frozen = serializers.BooleanField(
        source="is_frozen", help_text="True: a final edition's snapshot; false: a draft computed now."
    )
    edition = serializers.IntegerField(source="edition.number", default=None, allow_null=True)
    editions = ReportEditionSerializer(many=True, help_text="The final editions, latest first.")
    content = serializers.DictField(
        help_text="Everything the report shows: plan, narratives, priorities, indicators with status "
        "and history, actions, partners, sources (format version in `format`)."
    )


class ReportSectionSerializer(ModelSerializer[ReportSection]):
    section = serializers.CharField(source="kind")
    theme = serializers.CharField(
        source="theme.code", allow_null=True, default=None, help_text="For a priority: its theme's code."
    )
    updated_by = serializers.CharField(source="updated_by.username", allow_null=True, default=None)

    class Meta:
        model = ReportSection
        fields = ["section", "theme", "text", "version", "updated_at", "updated_by"]


class IndicatorExplanationSerializer(ModelSerializer[IndicatorExplanation]):
    indicator = serializers.CharField(source="indicator.code")
    updated_by = serializers.CharField(source="updated_by.username", allow_null=True, default=None)

    class Meta:
        model = IndicatorExplanation
        fields = ["indicator", "text", "version", "updated_at", "updated_by"]
