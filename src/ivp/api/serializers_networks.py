"""Serializers of the networks API (networks, priority-setting rounds, inputs, funding): they
shape the replies of `selectors_networks.py` and parse a member's input. The bodies of the other
writes are in `serializers_network_writes.py`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ivp.networks.constants import InputSource, MilestoneStatus, Position, Recurrence, RoundStatus, TeamStatus
from ivp.networks.models import Network, PriorityInput, PriorityRound, RoundCriterion

from .serializers_base import ModelSerializer


def _eur(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False, **kwargs)


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=8, decimal_places=4, coerce_to_string=False, **kwargs)


def _pct(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False, **kwargs)


# --- networks -------------------------------------------------------------------------------


class NetworkSerializer(ModelSerializer[Network]):
    organisation = serializers.CharField(source="organisation.name", help_text="Whose coordinators keep it.")
    region = serializers.CharField(
        source="region.code", allow_null=True, default=None, help_text="The region its members came from."
    )
    member_count = serializers.IntegerField()

    class Meta:
        model = Network
        fields = ["id", "name", "organisation", "region", "start_year", "end_year", "max_priorities",
                  "member_count", "version", "updated_at"]  # fmt: skip


class NetworkMemberSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    district = serializers.CharField(help_text="The district (DVO) it takes part in; empty when none.")


class NetworkPartnerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Names the partner in a partner's input or in-kind contribution.")
    organisation = serializers.CharField(source="organisation.name")
    role = serializers.CharField()


class SteeringMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Names the scorer in a round's scores.")
    name = serializers.CharField()
    office = serializers.CharField()
    district = serializers.CharField()
    chair = serializers.BooleanField(source="is_chair")
    portfolio = serializers.CharField(
        source="portfolio.code", allow_null=True, default=None, help_text="Catalogue theme code."
    )


class ExpertTeamMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = serializers.CharField(source="organisation_name")
    role = serializers.CharField()


class ExpertTeamSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    theme = serializers.CharField(source="theme.code", help_text="Catalogue theme code.")
    status = serializers.ChoiceField(choices=TeamStatus.choices)
    started_on = serializers.DateField()
    dissolved_on = serializers.DateField(allow_null=True)
    member_count = serializers.IntegerField(source="members.count")
    task = serializers.CharField()
    final_report = serializers.CharField(help_text="Left when the team was dissolved.")
    members = ExpertTeamMemberSerializer(many=True)


class WorkingGroupMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = serializers.CharField(source="organisation_name")
    role = serializers.CharField()


class MilestoneSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=MilestoneStatus.choices)
    notes = serializers.CharField()


class CalendarActivitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uid = serializers.UUIDField(help_text="The UID of its event in the iCalendar export.")
    title = serializers.CharField()
    starts_on = serializers.DateField(help_text="The first date.")
    recurrence = serializers.ChoiceField(choices=Recurrence.choices)
    description = serializers.CharField()
    location = serializers.CharField()


class GovernanceSerializer(serializers.Serializer[Any]):
    """Read from the network itself (`source="*"`)."""

    steering_group = SteeringMemberSerializer(many=True)
    expert_teams = ExpertTeamSerializer(many=True)
    working_group = WorkingGroupMemberSerializer(many=True)
    milestones = MilestoneSerializer(many=True)
    calendar = CalendarActivitySerializer(
        many=True, help_text="The recurring activities of the year calendar."
    )


class RoundSummarySerializer(ModelSerializer[PriorityRound]):
    class Meta:
        model = PriorityRound
        fields = ["id", "title", "status", "adopted_on", "version", "updated_at"]


class NetworkDetailSerializer(NetworkSerializer):
    members = NetworkMemberSerializer(many=True, help_text="Member municipalities by district and name.")
    partners = NetworkPartnerSerializer(many=True)
    governance = GovernanceSerializer(
        source="*", help_text="Steering group, expert teams, working group, milestones, year calendar."
    )
    rounds = RoundSummarySerializer(many=True, help_text="Priority-setting rounds, newest first.")

    class Meta(NetworkSerializer.Meta):
        fields = [
            *NetworkSerializer.Meta.fields,
            "description",
            "members",
            "partners",
            "governance",
            "rounds",
        ]


# --- priority-setting rounds ----------------------------------------------------------------


class CriterionSerializer(ModelSerializer[RoundCriterion]):
    class Meta:
        model = RoundCriterion
        fields = ["code", "name", "weight"]


class CandidateSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    theme = serializers.CharField(help_text="Catalogue theme code.")
    theme_name = serializers.CharField()
    field = serializers.CharField(help_text="The safety field of the theme.")
    member_count = serializers.IntegerField(help_text="Members with an input on the theme (each once).")
    member_pct = _pct(help_text="Share of the network's members, in percent (one decimal, half up).")
    population_pct = _pct(help_text="Share of the network's population, in percent.")
    members = serializers.ListField(child=serializers.CharField(), help_text="Codes of those members.")
    partners = serializers.ListField(child=serializers.CharField(), help_text="Partners that named it.")
    criterion_means = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False),
        help_text="Per criterion code the mean score (0-5) of the steering group members who scored.",
    )
    total = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True,
        help_text="Sum of weight x mean; null when nobody scored the theme.",
    )  # fmt: skip
    scorer_count = serializers.IntegerField()
    selected = serializers.BooleanField(help_text="Selected as a concept priority.")


class PositionSerializer(serializers.Serializer[Any]):
    district = serializers.CharField()
    position = serializers.ChoiceField(choices=Position.choices)
    remarks = serializers.CharField()


class PrioritySerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    theme = serializers.CharField()
    theme_name = serializers.CharField()
    reason = serializers.CharField(help_text="Why it was selected.")
    final_name = serializers.CharField(help_text="Wording after the consultation.")
    dropped = serializers.BooleanField(help_text="Dropped by the steering group after the consultation.")
    strategic_goals = serializers.ListField(child=serializers.CharField())
    positions = PositionSerializer(many=True, help_text="The district meetings' positions.")


class ScoreSerializer(serializers.Serializer[Any]):
    scorer = serializers.IntegerField(source="scorer_id", help_text="Steering group member (id).")
    scorer_name = serializers.CharField(source="scorer.name")
    theme = serializers.CharField(source="theme.code")
    criterion = serializers.CharField(source="criterion.code")
    score = serializers.IntegerField()


class DistrictMeetingSerializer(serializers.Serializer[Any]):
    district = serializers.CharField()
    held_on = serializers.DateField(allow_null=True)


class AdjustmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    priority = serializers.CharField(
        source="concept.theme.code", allow_null=True, default=None, help_text="Theme code of the priority."
    )
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class RoundDetailSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="round.id")
    network = serializers.IntegerField(source="round.network_id")
    title = serializers.CharField(source="round.title")
    status = serializers.ChoiceField(source="round.status", choices=RoundStatus.choices)
    adopted_on = serializers.DateField(source="round.adopted_on", allow_null=True)
    version = serializers.IntegerField(source="round.version")
    member_count = serializers.IntegerField()
    members_with_input = serializers.IntegerField()
    population_total = serializers.IntegerField()
    criteria = CriterionSerializer(many=True)
    candidates = CandidateSerializer(many=True, help_text="Every theme with an input, ranked.")
    priorities = PrioritySerializer(many=True, help_text="The selected (concept, then final) priorities.")
    scores = ScoreSerializer(many=True, help_text="Every score of every steering group member.")
    district_meetings = DistrictMeetingSerializer(
        many=True, help_text="Consulted since the consultation started."
    )
    adjustments = AdjustmentSerializer(many=True, help_text="The steering group's adjustments, oldest first.")


class PriorityInputSerializer(ModelSerializer[PriorityInput]):
    municipality = serializers.CharField(source="area.code", allow_null=True, default=None)
    partner = serializers.CharField(source="partner.organisation.name", allow_null=True, default=None)
    source = serializers.ChoiceField(choices=InputSource.choices)  # type: ignore[assignment]
    theme = serializers.CharField(source="theme.code", allow_null=True, default=None)

    class Meta:
        model = PriorityInput
        fields = ["id", "municipality", "partner", "source", "given_code", "given_name", "remark", "theme",
                  "created_at"]  # fmt: skip


class PriorityInputCreateSerializer(serializers.Serializer[Any]):
    municipality = serializers.CharField(max_length=16, help_text="Code of a member municipality (GM0935).")
    theme = serializers.CharField(max_length=16, help_text="Code of a theme of the network's catalogue.")
    remark = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- funding --------------------------------------------------------------------------------


class PopulationYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    member_count = serializers.IntegerField(help_text="Members with a population figure for that year.")


class SchemeSerializer(serializers.Serializer[Any]):
    rate_per_inhabitant_eur = _rate()
    population_year = serializers.IntegerField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    notes = serializers.CharField()
    version = serializers.IntegerField()


class MemberContributionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField()
    population = serializers.IntegerField(
        allow_null=True, help_text="Null: no figure for the reference year."
    )
    amount_eur = _eur(allow_null=True, help_text="Per year, rounded half up to cents; null without a figure.")


class ContributionsSerializer(serializers.Serializer[Any]):
    rate_eur = _rate()
    population_year = serializers.IntegerField()
    members = MemberContributionSerializer(many=True)
    total_population = serializers.IntegerField()
    total_eur = _eur(help_text="Per year: the sum of the rounded contributions.")
    exact_total_eur = serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=False)
    missing = serializers.ListField(child=serializers.CharField(), help_text="Members without a figure.")


class FundingYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    contributions_eur = _eur()
    planned_eur = _eur()
    balance_eur = _eur()


class BudgetLineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    amounts_eur = serializers.ListField(child=_eur(), help_text="Planned per year of the period.")
    total_eur = _eur()


class InKindSerializer(serializers.Serializer[Any]):
    partner = serializers.CharField()
    partner_id = serializers.IntegerField(help_text="The partner's id (as in the network's `partners`).")
    fte = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    facilities = serializers.CharField()
    description = serializers.CharField()


class ScenarioSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(allow_null=True, help_text="Null: the scheme itself.")
    name = serializers.CharField()
    rate_eur = _rate()
    population_year = serializers.IntegerField()
    total_eur = _eur(help_text="Per year.")
    period_total_eur = _eur()


class FundingSerializer(serializers.Serializer[Any]):
    network = serializers.IntegerField()
    rounding_rule = serializers.CharField()
    population_years = PopulationYearSerializer(many=True)
    scheme = SchemeSerializer(allow_null=True, help_text="Null until the coordinators set one up.")
    contributions = ContributionsSerializer(allow_null=True)
    years = FundingYearSerializer(many=True, help_text="Contributions, planned amounts and balance per year.")
    budget = BudgetLineSerializer(many=True)
    in_kind = InKindSerializer(many=True)
    scenarios = ScenarioSerializer(many=True, help_text="The scheme first, then the scenarios side by side.")
