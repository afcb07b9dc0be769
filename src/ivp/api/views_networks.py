"""API views of regional safety networks: networks, their funding, priority-setting rounds and
their inputs. Thin: parse, call one selector or service, present the result."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.areas.selectors import area_by_code
from ivp.networks.models import Network, PriorityInput, PriorityRound
from ivp.networks.services_rounds import input_add

from . import selectors_networks as selectors
from . import serializers_networks as serializers
from .views import _body, _id


@extend_schema(tags=["networks"])
class NetworkList(generics.ListAPIView[Network]):
    """The networks you may see: of your organisation, of your municipality (a member) or with
    your organisation as a partner."""

    serializer_class = serializers.NetworkSerializer

    def get_queryset(self) -> QuerySet[Network]:
        return selectors.network_list_visible(user=self.request.user)


@extend_schema(tags=["networks"], responses=serializers.NetworkDetailSerializer)
class NetworkDetail(APIView):
    """One network with its members (and districts), partners, a governance summary and its
    priority-setting rounds."""

    def get(self, request: Request, pk: int) -> Response:
        network = selectors.network_get_visible(user=request.user, pk=_id(pk))
        return Response(serializers.NetworkDetailSerializer(network).data)


@extend_schema(tags=["networks"], responses=serializers.FundingSerializer)
class NetworkFunding(APIView):
    """The network's funding: every member's contribution (population in the reference year x
    rate, rounded half up to cents), the budget and its balance per year, in-kind co-financing
    and the scenarios side by side."""

    def get(self, request: Request, pk: int) -> Response:
        network = selectors.network_get_visible(user=request.user, pk=_id(pk))
        return Response(serializers.FundingSerializer(selectors.funding_detail(network=network)).data)


@extend_schema(tags=["networks"], responses=serializers.RoundDetailSerializer)
class RoundDetail(APIView):
    """A priority-setting round: its criteria, the candidate themes ranked (tally of members,
    population and partners; the steering group's scores) and the selected priorities with the
    reason for each, the districts' positions and the strategic goals."""

    def get(self, request: Request, pk: int) -> Response:
        round = selectors.round_get_visible(user=request.user, pk=_id(pk))
        return Response(serializers.RoundDetailSerializer(selectors.round_detail(round=round)).data)


class RoundInputList(generics.GenericAPIView[PriorityInput]):
    serializer_class = serializers.PriorityInputSerializer

    def _round(self) -> PriorityRound:
        return selectors.round_get_visible(user=self.request.user, pk=_id(self.kwargs["pk"]))

    def get_queryset(self) -> QuerySet[PriorityInput]:
        return selectors.round_input_list(round=self._round())

    @extend_schema(tags=["networks"], responses=serializers.PriorityInputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """The inputs of a round (members' priorities from their plans, uploads and the form, and
        partners' inputs), oldest first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["networks"],
        request=serializers.PriorityInputCreateSerializer,
        responses={201: serializers.PriorityInputSerializer},
        examples=[
            OpenApiExample(
                "A local priority of Maastricht",
                request_only=True,
                value={"municipality": "GM0935", "theme": "5.2", "remark": "Drugslabs in het buitengebied"},
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a member's local priority (for a member without a plan in ivp), while the round
        collects inputs: by the network's coordinators, or by an editor of that municipality for
        its own inputs only (403 for another member's)."""
        round = self._round()
        data = _body(serializers.PriorityInputCreateSerializer, request)
        area = area_by_code(code=data["municipality"])
        if area is None or not round.network.members.filter(area=area).exists():
            raise ValidationError({"municipality": [_("No member municipality %(code)s in this network.")
                                                    % {"code": data["municipality"]}]})  # fmt: skip
        theme = round.network.catalogue.filter(code=data["theme"]).first()
        if theme is None:
            raise ValidationError({"theme": [_("No theme %(code)s in the network's catalogue.")
                                             % {"code": data["theme"]}]})  # fmt: skip
        item = input_add(actor=request.user, round=round, area=area, theme=theme, remark=data["remark"])
        return Response(serializers.PriorityInputSerializer(item).data, status=status.HTTP_201_CREATED)
