"""Bodies of the networks API's writes: a round's decisions, governance and funding.

They only parse (types, lengths, ranges, choices), so that a wrong field is named in
`invalid_params`; whether a theme, scorer or partner exists and every rule of the network are
checked by the views' lookups and by the services (`ivp.networks`, `ivp.funding`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from ivp.funding.constants import RATE_DECIMALS, RATE_MAX
from ivp.networks.constants import SCORE_MAX, SCORE_MIN, MilestoneStatus, Position, Recurrence, RoundStatus
from ivp.networks.services_rounds import criterion_code

MAX_ID = 2**31 - 1
TEXT = 5000
FUNDING_YEAR_MIN, FUNDING_YEAR_MAX = 1900, 2200  # as the funding pages' forms


def _id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _code(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=16, **kwargs)


def _text(max_length: int = TEXT, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_ID, help_text="The `version` you read: if someone changed it since, 409."
    )


def _many(child: serializers.Serializer[Any], **kwargs: Any) -> serializers.ListSerializer[Any]:
    """A list of `child` items (min_length, max_length, ...)."""
    return serializers.ListSerializer(child=child, **kwargs)


def _year(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=FUNDING_YEAR_MIN, max_value=FUNDING_YEAR_MAX, **kwargs)


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=8,
        decimal_places=RATE_DECIMALS,
        min_value=Decimal("0.0001"),
        max_value=RATE_MAX,
        coerce_to_string=False,
        help_text="EUR per inhabitant per year, at most 4 decimals (0.07).",
        **kwargs,
    )


# --- priority-setting rounds ----------------------------------------------------------------


class CriterionWriteSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(
        max_length=40,
        required=False,
        help_text="Stable key (letters, digits, - and _); made from the text when left out.",
    )
    name = serializers.CharField(max_length=300, help_text="The question the steering group scores.")
    weight = serializers.IntegerField(min_value=1, max_value=10, default=1)


def criteria_parse(value: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(code, name, weight) per criterion; a code left out is made from the text."""
    codes = [item["code"] for item in value if item.get("code")]
    if len(set(codes)) != len(codes):
        raise serializers.ValidationError(_("Two criteria have the same code."))
    taken = set(codes)
    return [
        (item.get("code") or criterion_code(item["name"], taken), item["name"].strip(), item["weight"])
        for item in value
    ]


class RoundCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    criteria = _many(
        CriterionWriteSerializer(),
        required=False,
        max_length=50,
        help_text="Left out: the five criteria of the regional method, each with weight 1.",
    )

    def validate_criteria(self, value: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
        return criteria_parse(value)


class CriteriaSerializer(serializers.Serializer[Any]):
    version = _version()
    criteria = _many(CriterionWriteSerializer(), min_length=1, max_length=50)

    def validate_criteria(self, value: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
        return criteria_parse(value)


class ScoreWriteSerializer(serializers.Serializer[Any]):
    theme = _code(help_text="Catalogue theme code.")
    criterion = serializers.SlugField(max_length=40, help_text="Criterion code.")
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)


class ScoresSerializer(serializers.Serializer[Any]):
    scorer = _id(help_text="The steering group member (id, as in the network's governance).")
    scores = _many(ScoreWriteSerializer(), min_length=1, max_length=2000)


class SelectionItemSerializer(serializers.Serializer[Any]):
    theme = _code(help_text="Catalogue theme code of a candidate.")
    reason = serializers.CharField(max_length=TEXT, help_text="Why it is selected (required).")


class SelectionSerializer(serializers.Serializer[Any]):
    version = _version()
    priorities = _many(
        SelectionItemSerializer(),
        min_length=1,
        max_length=50,
        help_text="In rank order; at most the network's maximum.",
    )


class PositionItemSerializer(serializers.Serializer[Any]):
    priority = _code(help_text="Theme code of the concept priority.")
    position = serializers.ChoiceField(choices=Position.choices)
    remarks = _text(help_text="Required with support_with_remarks and reject.")


class PositionsSerializer(serializers.Serializer[Any]):
    district = serializers.CharField(
        max_length=120, help_text="The district meeting (as in `district_meetings`)."
    )
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    positions = _many(PositionItemSerializer(), min_length=1, max_length=50)


class AdjustmentCreateSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=TEXT, help_text="What the steering group decided.")
    priority = _code(
        required=False, allow_null=True, default=None, help_text="Theme code of the concept priority."
    )
    drop = serializers.BooleanField(default=False, help_text="Drop the priority.")
    final_name = _text(300, help_text="New wording of the priority.")


class StrategyItemSerializer(serializers.Serializer[Any]):
    priority = _code(help_text="Theme code of a priority that was not dropped.")
    goals = serializers.ListField(
        child=serializers.CharField(max_length=1000, allow_blank=True),
        max_length=50,
        help_text="The strategic goals; empty ones are left out.",
    )
    final_name = _text(300, help_text="Final wording; empty keeps the current one.")


class StrategySerializer(serializers.Serializer[Any]):
    version = _version()
    priorities = _many(StrategyItemSerializer(), min_length=1, max_length=50)


class RoundStatusWriteSerializer(serializers.Serializer[Any]):
    version = _version()
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (RoundStatus.CONSULTING, RoundStatus.FINAL)],
        help_text="consulting: start the consultation of the districts; final: adopt the strategy.",
    )
    adopted_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Required for final."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["status"] == RoundStatus.FINAL and attrs.get("adopted_on") is None:
            raise serializers.ValidationError({"adopted_on": [_("Give the date the strategy was adopted.")]})
        return attrs


class PartnerInputCreateSerializer(serializers.Serializer[Any]):
    partner = _id(help_text="The partner (id, as in the network's `partners`).")
    name = serializers.CharField(max_length=300, help_text="The input, e.g. a phenomenon or policy point.")
    theme = _code(help_text="Catalogue theme code.")
    remark = _text()


class InputMapSerializer(serializers.Serializer[Any]):
    theme = _code(help_text="The catalogue theme code to map the input onto.")


# --- governance -----------------------------------------------------------------------------


class SteeringMemberCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    office = serializers.CharField(max_length=200, help_text="E.g. mayor of Venlo, police unit chief.")
    district = _text(120)
    chair = serializers.BooleanField(default=False, help_text="A new chair replaces the previous one.")
    portfolio = _code(required=False, allow_null=True, default=None, help_text="Catalogue theme code.")


class ExpertTeamCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    theme = _code(help_text="Catalogue theme code.")
    started_on = serializers.DateField()
    task = _text()


class PersonCreateSerializer(serializers.Serializer[Any]):
    """A member of an expert team or of the working group."""

    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200)
    role = _text(200)


class ExpertTeamDissolveSerializer(serializers.Serializer[Any]):
    dissolved_on = serializers.DateField()
    final_report = serializers.CharField(max_length=20000)


class MilestoneCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED)
    notes = _text()


class MilestoneUpdateSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=MilestoneStatus.choices)


class CalendarActivityCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField(help_text="The first date.")
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, default=Recurrence.YEARLY)
    description = _text()
    location = _text(200)


# --- funding --------------------------------------------------------------------------------


class SchemeWriteSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="The scheme's `version` you read; leave out only to set up the first scheme.",
    )
    rate_per_inhabitant_eur = _rate()
    population_year = _year(help_text="Every member's population on 1 January of this year counts.")
    first_year = _year(required=False, help_text="Default: the network's first year.")
    last_year = _year(required=False, help_text="Default: the network's last year.")
    notes = _text()


class SchemeUpdateSerializer(serializers.Serializer[Any]):
    version = _version()
    rate_per_inhabitant_eur = _rate(required=False)
    population_year = _year(required=False)
    first_year = _year(required=False)
    last_year = _year(required=False)
    notes = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)


class AmountSerializer(serializers.Serializer[Any]):
    year = _year()
    amount_eur = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        coerce_to_string=False,
        help_text="Whole cents, 0 or more.",
    )


class BudgetLineCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    amounts = _many(AmountSerializer(), required=False, max_length=12, help_text="Planned amounts per year.")


class BudgetLineUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120, required=False)
    amounts = _many(
        AmountSerializer(),
        required=False,
        max_length=12,
        help_text="Planned amounts per year; other years stay.",
    )


class InKindItemSerializer(serializers.Serializer[Any]):
    partner = _id(help_text="The partner (id, as in the network's `partners`).")
    fte = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=Decimal("999.99"),
        coerce_to_string=False,
        help_text="Staff in fte; 0 with no texts removes the partner's entry.",
    )
    facilities = _text()
    description = _text()


class InKindSetSerializer(serializers.Serializer[Any]):
    contributions = _many(InKindItemSerializer(), min_length=1, max_length=100)


class ScenarioCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    rate_per_inhabitant_eur = _rate()
    population_year = _year()
