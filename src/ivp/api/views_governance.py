"""API writes of a network's governance: steering group, expert teams, working group, milestones
and the year calendar. Thin: parse, call one service of `ivp.networks.services_governance`
(access checked again, one transaction, an audit record), present the item as the network's
`governance` shows it. Only the network's coordinators (and superusers) change the governance:
403 for others who see the network, 404 for those who do not.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.networks import services_governance as services
from ivp.networks.access import require_network_manage
from ivp.networks.models import (
    CalendarActivity,
    ExpertTeam,
    ExpertTeamMember,
    Milestone,
    Network,
    SteeringMember,
    WorkingGroupMember,
)

from . import selectors_networks as selectors
from . import serializers_network_writes as bodies
from . import serializers_networks as serializers
from .views import _body, _id
from .writes import Lookups, catalogue, no_theme, problems_as

TAGS = ["networks"]


def _network(request: Request, pk: int) -> Network:
    network = selectors.network_get_visible(user=request.user, pk=_id(pk))
    require_network_manage(user=request.user, network=network)
    return network


def _item(request: Request, model: type[Model], pk: int, via: str = "network") -> Any:
    item: Any = selectors.network_item_get_visible(user=request.user, model=model, pk=_id(pk), via=via)
    network = item.team.network if isinstance(item, ExpertTeamMember) else item.network
    require_network_manage(user=request.user, network=network)
    return item


def _created(serializer: Any, item: Any) -> Response:
    return Response(serializer(item).data, status=status.HTTP_201_CREATED)


class SteeringMemberList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.SteeringMemberCreateSerializer,
        responses={201: serializers.SteeringMemberSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a member to the steering group (a new chair replaces the previous one)."""
        network = _network(request, pk)
        data = _body(bodies.SteeringMemberCreateSerializer, request)
        portfolio = None
        if data["portfolio"] is not None:
            lookups = Lookups()
            portfolio = lookups.get(
                catalogue(network), data["portfolio"], "portfolio", no_theme(data["portfolio"])
            )
            lookups.check()
        with problems_as("name"):
            member = services.steering_member_add(
                actor=request.user,
                network=network,
                name=data["name"],
                office=data["office"],
                district=data["district"],
                is_chair=data["chair"],
                portfolio=portfolio,
            )
        return _created(serializers.SteeringMemberSerializer, member)


class ExpertTeamList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.ExpertTeamCreateSerializer,
        responses={201: serializers.ExpertTeamSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Set up an expert team for a catalogue theme (active until it is dissolved)."""
        network = _network(request, pk)
        data = _body(bodies.ExpertTeamCreateSerializer, request)
        lookups = Lookups()
        theme = lookups.get(catalogue(network), data["theme"], "theme", no_theme(data["theme"]))
        lookups.check()
        assert theme is not None
        with problems_as("name"):
            team = services.expert_team_create(
                actor=request.user,
                network=network,
                theme=theme,
                name=data["name"],
                started_on=data["started_on"],
                task=data["task"],
            )
        return _created(serializers.ExpertTeamSerializer, team)


class ExpertTeamMemberList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.PersonCreateSerializer,
        responses={201: serializers.ExpertTeamMemberSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a member to an active expert team."""
        team = _item(request, ExpertTeam, pk)
        data = _body(bodies.PersonCreateSerializer, request)
        with problems_as("name"):
            member = services.expert_team_member_add(
                actor=request.user,
                team=team,
                name=data["name"],
                organisation_name=data["organisation"],
                role=data["role"],
            )
        return _created(serializers.ExpertTeamMemberSerializer, member)


class ExpertTeamDissolution(APIView):
    @extend_schema(
        tags=TAGS, request=bodies.ExpertTeamDissolveSerializer, responses=serializers.ExpertTeamSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        """Dissolve an expert team: active → dissolved, with the date and its final report."""
        team = _item(request, ExpertTeam, pk)
        data = _body(bodies.ExpertTeamDissolveSerializer, request)
        with problems_as("dissolved_on"):
            team = services.expert_team_dissolve(
                actor=request.user,
                team=team,
                dissolved_on=data["dissolved_on"],
                final_report=data["final_report"],
            )
        return Response(serializers.ExpertTeamSerializer(team).data)


class WorkingGroupMemberList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.PersonCreateSerializer,
        responses={201: serializers.WorkingGroupMemberSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a member to the working group."""
        network = _network(request, pk)
        data = _body(bodies.PersonCreateSerializer, request)
        with problems_as("name"):
            member = services.working_group_member_add(
                actor=request.user,
                network=network,
                name=data["name"],
                organisation_name=data["organisation"],
                role=data["role"],
            )
        return _created(serializers.WorkingGroupMemberSerializer, member)


class MilestoneList(APIView):
    @extend_schema(
        tags=TAGS, request=bodies.MilestoneCreateSerializer, responses={201: serializers.MilestoneSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a milestone."""
        network = _network(request, pk)
        data = _body(bodies.MilestoneCreateSerializer, request)
        with problems_as("title"):
            milestone = services.milestone_create(actor=request.user, network=network, **data)
        return _created(serializers.MilestoneSerializer, milestone)


class CalendarActivityList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.CalendarActivityCreateSerializer,
        responses={201: serializers.CalendarActivitySerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add an activity to the year calendar (once, monthly, quarterly or yearly from its first
        date); it is in the iCalendar export from then on."""
        network = _network(request, pk)
        data = _body(bodies.CalendarActivityCreateSerializer, request)
        with problems_as("title"):
            activity = services.calendar_activity_create(actor=request.user, network=network, **data)
        return _created(serializers.CalendarActivitySerializer, activity)


def _delete(request: Request, model: type[Model], kind: str, pk: int, via: str = "network") -> Response:
    item = _item(request, model, pk, via)
    network = item.team.network if isinstance(item, ExpertTeamMember) else item.network
    with problems_as("non_field_errors"):
        services.governance_item_delete(actor=request.user, network=network, kind=kind, item_id=item.pk)
    return Response(status=status.HTTP_204_NO_CONTENT)


class SteeringMemberDetail(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a member from the steering group (and their scores)."""
        return _delete(request, SteeringMember, "steering", pk)


class ExpertTeamMemberDetail(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a member from an expert team."""
        return _delete(request, ExpertTeamMember, "expert_member", pk, via="team__network")


class WorkingGroupMemberDetail(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a member from the working group."""
        return _delete(request, WorkingGroupMember, "working", pk)


class MilestoneDetail(APIView):
    @extend_schema(
        tags=TAGS, request=bodies.MilestoneUpdateSerializer, responses=serializers.MilestoneSerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change a milestone's status (planned, in progress, done, delayed)."""
        milestone = _item(request, Milestone, pk)
        data = _body(bodies.MilestoneUpdateSerializer, request)
        with problems_as("status"):
            milestone = services.milestone_status_set(
                actor=request.user, milestone=milestone, status=data["status"]
            )
        return Response(serializers.MilestoneSerializer(milestone).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a milestone."""
        return _delete(request, Milestone, "milestone", pk)


class CalendarActivityDetail(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove an activity from the year calendar."""
        return _delete(request, CalendarActivity, "activity", pk)
