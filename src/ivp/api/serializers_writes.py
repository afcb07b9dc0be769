"""Bodies of the API's writes on plans and annual reports. They parse; the plan and report
services validate against the plan's rules and write (`ivp.plans.services`, `ivp.reports.services`).

An item names its relations by code within its plan (the serializer's context holds `plan`): a
theme its safety field (`"field": "5"`), an indicator or an action its theme (`"theme": "5.2"`), a
portfolio holder its themes, an item of a joint plan its municipality (`"GM1641"`).

A `…CreateSerializer` is the body of a POST. The `…UpdateSerializer` of the same item adds the
`version` and is parsed with `partial=True` (PATCH): every field may be left out but the version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ivp.accounts.models import Organisation
from ivp.areas.models import Area
from ivp.areas.selectors import area_by_code
from ivp.plans.constants import (
    ActionStatus,
    Direction,
    IndicatorSource,
    IndicatorUnit,
    PartnerKind,
    PlanStatus,
    TargetComparator,
)
from ivp.plans.models import Indicator, Plan, SafetyField, Theme
from ivp.reports.constants import ReportStatus
from ivp.stats.constants import Classification
from ivp.stats.models import CrimeType

MAX_POSITION = 999  # as the web editor's "order" field
MAX_VERSION = 2**31 - 1  # a version column (PostgreSQL integer)
MAX_TEXT = 20_000


def _year(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=2000, max_value=2100, **kwargs)


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=3, **kwargs)


def _texts() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=2000), max_length=100, required=False)


def _text(max_length: int = MAX_TEXT, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


def _version(*, minimum: int = 1, help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=minimum,
        max_value=MAX_VERSION,
        help_text=help_text
        or "The version as you read it; a stale version is refused with 409 Conflict and nothing changes.",
    )


# --- relations by code, within the plan ---------------------------------------------------


@extend_schema_field({"type": "string"})
class InPlan(serializers.RelatedField[Model, Model, str]):
    """An object of the plan in the serializer's context, named by its code."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("This plan has no %(kind)s with the code '%(code)s'."),
        "invalid": gettext_lazy("Give the code as text."),
    }

    def __init__(self, *, scope: Callable[[Plan], QuerySet[Any]], kind: Promise, **kwargs: Any) -> None:
        self.scope = scope
        self.kind = kind
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model]:
        return self.scope(self.context["plan"])

    def to_internal_value(self, data: Any) -> Model:
        if not isinstance(data, str) or "\x00" in data:  # (PostgreSQL refuses NUL in a query)
            self.fail("invalid")
        found: Model | None = self.get_queryset().filter(code=data).first()
        if found is None:
            self.fail("does_not_exist", kind=self.kind, code=data[:50])
        return found

    def to_representation(self, value: Any) -> str:
        return str(value.code)


def _fields(plan: Plan) -> QuerySet[SafetyField]:
    return SafetyField.objects.filter(plan=plan)


def _themes(plan: Plan) -> QuerySet[Theme]:
    return Theme.objects.filter(plan=plan)


def _municipalities(plan: Plan) -> QuerySet[Area]:
    return Area.objects.filter(plan_links__plan=plan)


def _in_plan(scope: Callable[[Plan], QuerySet[Any]], kind: Promise, **kwargs: Any) -> Any:
    return InPlan(scope=scope, kind=kind, **kwargs)


def _joint_only(plan: Plan, area: Area | None) -> Area | None:
    if area is not None and _municipalities(plan).count() < 2:
        raise serializers.ValidationError(
            _("Only in a joint plan does an item belong to one of its municipalities.")
        )
    return area


# --- plans ----------------------------------------------------------------------------------


class PlanCreateSerializer(serializers.Serializer[Any]):
    organisation = serializers.CharField(
        max_length=200, help_text="Name of the organisation that keeps the plan (one you may change)."
    )
    title = serializers.CharField(max_length=200)
    start_year = _year()
    end_year = _year()
    municipalities = serializers.ListField(
        child=serializers.CharField(max_length=16),
        max_length=100,
        required=False,
        help_text="Codes of the municipalities (GM…); several for a joint plan. Default: the "
        "organisation's own municipality.",
    )
    with_catalogue = serializers.BooleanField(
        default=True, help_text="Start from the five safety fields and themes of Kernbeleid Veiligheid."
    )

    def validate_organisation(self, value: str) -> Organisation:
        organisation = Organisation.objects.filter(name=value).select_related("area").first()
        if organisation is None:
            raise serializers.ValidationError(_("No organisation '%(name)s'.") % {"name": value[:200]})
        return organisation

    def validate_municipalities(self, values: list[str]) -> list[Area]:
        areas = []
        for code in values:
            area = area_by_code(code=code)
            if area is None:
                raise serializers.ValidationError(_("No area '%(code)s'.") % {"code": code})
            areas.append(area)
        return areas

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        organisation: Organisation = attrs["organisation"]
        if not attrs.get("municipalities") and organisation.kind == "municipality" and organisation.area:
            attrs["municipalities"] = [organisation.area]  # as the web form does
        attrs.setdefault("municipalities", [])
        return attrs


class VersionedUpdateSerializer(serializers.Serializer[Any]):
    """The body of a change: the version read, and at least one field to change."""

    partial_required = ("version",)  # parsed with partial=True; `validate` requires it (schema.AutoSchema)
    version = _version(
        help_text="The item's version as you read it; a stale version is refused with 409 Conflict."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # a PATCH is parsed with partial=True, which skips it
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}
            )
        if len(attrs) < 2:
            raise serializers.ValidationError(_("Give at least one field to change besides the version."))
        result: dict[str, Any] = super().validate(attrs)
        return result


class PlanUpdateSerializer(VersionedUpdateSerializer):
    title = serializers.CharField(max_length=200, required=False)
    start_year = _year(required=False)
    end_year = _year(required=False)
    vision = _text()
    budget_notes = _text()
    status = serializers.ChoiceField(
        choices=PlanStatus.choices,
        required=False,
        help_text="adopted (needs adopted_on), superseded, or draft (clears the adoption).",
    )
    adopted_on = serializers.DateField(required=False, allow_null=True, help_text="Only with `status`.")
    adopted_by = _text(200, help_text="The body that adopted it, e.g. the council. Only with `status`.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "status" not in attrs:
            alone = {
                name: [_("Send it with the status.")]
                for name in ("adopted_on", "adopted_by")
                if name in attrs
            }
            if alone:
                raise serializers.ValidationError(alone)
        return super().validate(attrs)


# --- items of a plan ------------------------------------------------------------------------


class PlanItemCreateSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        required=False,
        help_text="Order in lists, lower first (default for a new item: after the others).",
    )


class SafetyFieldCreateSerializer(PlanItemCreateSerializer):
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=200)


class ThemeCreateSerializer(PlanItemCreateSerializer):
    field = _in_plan(_fields, gettext_lazy("safety field"), help_text="Code of the plan's safety field.")
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=200)
    is_priority = serializers.BooleanField(required=False)
    municipality = _in_plan(
        _municipalities,
        gettext_lazy("municipality"),
        required=False,
        allow_null=True,
        help_text="Joint plan: the municipality whose local spearhead this is (null: shared).",
    )
    problem = _texts()
    approach_basis = _texts()
    approach_focus = _texts()
    related_policy = _texts()
    goals = _texts()
    council_input_on = serializers.DateField(required=False, allow_null=True)
    council_input = _text(10_000)

    def validate_municipality(self, area: Area | None) -> Area | None:
        return _joint_only(self.context["plan"], area)


class PartnerCreateSerializer(PlanItemCreateSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PartnerKind.choices)
    role = _text()


class PortfolioHolderCreateSerializer(PlanItemCreateSerializer):
    name = serializers.CharField(max_length=200)
    office = serializers.CharField(max_length=200, help_text="E.g. mayor, alderman for youth.")
    themes = _in_plan(
        _themes, gettext_lazy("theme"), many=True, required=False, help_text="Codes of the plan's themes."
    )


class IndicatorCreateSerializer(PlanItemCreateSerializer):
    code = serializers.CharField(max_length=16, help_text="Unique in the plan, e.g. I4.")
    name = serializers.CharField(max_length=300)
    theme = _in_plan(
        _themes, gettext_lazy("theme"), required=False, allow_null=True, help_text="Code of the plan's theme."
    )
    municipality = _in_plan(
        _municipalities,
        gettext_lazy("municipality"),
        required=False,
        allow_null=True,
        help_text="Joint plan: the municipality it is about (null: all together).",
    )
    source = serializers.ChoiceField(choices=IndicatorSource.choices)  # type: ignore[assignment]
    source_detail = _text(300)
    unit = serializers.ChoiceField(choices=IndicatorUnit.choices)
    baseline_value = _amount(required=False, allow_null=True)
    baseline_year = _year(required=False, allow_null=True)
    target_comparator = serializers.ChoiceField(
        choices=[("", "none"), *TargetComparator.choices],
        required=False,
        allow_blank=True,
        help_text="Empty: no target (target_value and target_year are then cleared).",
    )
    target_value = _amount(required=False, allow_null=True)
    target_year = _year(required=False, allow_null=True)
    direction = serializers.ChoiceField(choices=Direction.choices)
    stats_crime_code = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="Source police only: the police crime type (e.g. 1.1.1) the indicator follows.",
    )
    stats_per_1000 = serializers.BooleanField(required=False)

    def validate_municipality(self, area: Area | None) -> Area | None:
        return _joint_only(self.context["plan"], area)

    def validate_stats_crime_code(self, code: str) -> str:
        if code and not CrimeType.objects.filter(classification=Classification.POLITIE, code=code).exists():
            raise serializers.ValidationError(_("No police crime type '%(code)s'.") % {"code": code})
        return code

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """As the web form: a target value needs a comparator; no comparator clears the target."""
        current: Indicator | None = self.context.get("item")
        if "target_comparator" in attrs or current is None:
            comparator = attrs.get("target_comparator", "")
        else:
            comparator = current.target_comparator
        if not comparator:
            if attrs.get("target_value") is not None:
                raise serializers.ValidationError(
                    {
                        "target_comparator": [
                            _("Choose what the target value means: at most, at least or reduce by %.")
                        ]
                    }
                )
            if "target_comparator" in attrs or current is None:
                attrs |= {"target_comparator": "", "target_value": None, "target_year": None}
        result: dict[str, Any] = super().validate(attrs)
        return result


class ActionCreateSerializer(PlanItemCreateSerializer):
    year = _year()
    theme = _in_plan(
        _themes, gettext_lazy("theme"), required=False, allow_null=True, help_text="Code of the plan's theme."
    )
    title = serializers.CharField(max_length=300)
    description = _text()
    lead_party = serializers.CharField(max_length=200)
    partners = _text(500)
    timing = _text(200, help_text="E.g. Q2 2025.")
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)


class SafetyFieldUpdateSerializer(VersionedUpdateSerializer, SafetyFieldCreateSerializer):
    pass


class ThemeUpdateSerializer(VersionedUpdateSerializer, ThemeCreateSerializer):
    pass


class PartnerUpdateSerializer(VersionedUpdateSerializer, PartnerCreateSerializer):
    pass


class PortfolioHolderUpdateSerializer(VersionedUpdateSerializer, PortfolioHolderCreateSerializer):
    pass


class IndicatorUpdateSerializer(VersionedUpdateSerializer, IndicatorCreateSerializer):
    pass


class ActionUpdateSerializer(VersionedUpdateSerializer, ActionCreateSerializer):
    pass


class VersionQuerySerializer(serializers.Serializer[Any]):
    version = _version(help_text="The item's version as you read it; if it changed since: 409 Conflict.")


class IndicatorValueCreateSerializer(serializers.Serializer[Any]):
    year = _year()
    value = _amount()
    source = serializers.CharField(max_length=300, help_text="Where the value comes from, e.g. a survey.")  # type: ignore[assignment]
    measured_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# --- annual reports -------------------------------------------------------------------------


class ReportUpdateSerializer(serializers.Serializer[Any]):
    version = _version(
        minimum=0,
        help_text="The report's version as you read it (0: not started); if it changed since: 409 Conflict.",
    )
    status = serializers.ChoiceField(
        choices=ReportStatus.choices,
        help_text="final: finalise (append the next frozen edition); draft: reopen a final report.",
    )


class ReportTextUpdateSerializer(serializers.Serializer[Any]):
    version = _version(
        minimum=0,
        help_text="The text's version as you read it in the report (0: not written yet); if it changed "
        "since: 409 Conflict.",
    )
    text = serializers.CharField(allow_blank=True, max_length=MAX_TEXT, trim_whitespace=False)
