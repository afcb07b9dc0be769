"""API writes of a network's funding: the scheme (rate per inhabitant, reference year, period),
budget lines and their planned amounts, in-kind contributions and scenarios. Thin: parse, call
one service of `ivp.funding.services` (access checked again, one transaction, an audit record),
reply with the network's funding as `GET /networks/{id}/funding` gives it. Only the network's
coordinators (and superusers) change the funding: 403 for others who see the network, 404 for
those who do not. The scheme carries a `version`: a stale one is refused with 409.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.core.errors import NotFoundError
from ivp.funding import services
from ivp.funding.models import BudgetLine, FundingScenario, FundingScheme
from ivp.networks.access import require_network_manage
from ivp.networks.models import Network

from . import selectors_networks as selectors
from . import serializers_network_writes as bodies
from . import serializers_networks as serializers
from .views import _body, _id
from .writes import Lookups, problems_as

TAGS = ["networks"]


def _network(request: Request, pk: int) -> Network:
    network = selectors.network_get_visible(user=request.user, pk=_id(pk))
    require_network_manage(user=request.user, network=network)
    return network


def _scheme(network: Network) -> FundingScheme:
    scheme = FundingScheme.objects.filter(network=network).select_related("network").first()
    if scheme is None:
        raise NotFoundError(
            _("%(name)s has no funding scheme yet: set one up with PUT …/funding/scheme.")
            % {"name": network.name}
        )
    return scheme


def _reply(network: Network, code: int = status.HTTP_200_OK) -> Response:
    return Response(
        serializers.FundingSerializer(selectors.funding_detail(network=network)).data, status=code
    )


def _amounts(line_id: int, items: list[dict[str, Any]]) -> dict[tuple[int, int], Any]:
    lookups = Lookups()
    years = [item["year"] for item in items]
    for i, year in enumerate(years):
        if years.index(year) != i:
            lookups.errors.setdefault(f"amounts.{i}.year", []).append(_("This year is given twice."))
    lookups.check()
    return {(line_id, item["year"]): item["amount_eur"] for item in items}


class FundingSchemeDetail(APIView):
    def _save(self, request: Request, network: Network, data: dict[str, Any], version: int | None) -> None:
        with problems_as("non_field_errors"):
            services.scheme_save(
                actor=request.user,
                network=network,
                rate_eur=data["rate_per_inhabitant_eur"],
                population_year=data["population_year"],
                first_year=data["first_year"],
                last_year=data["last_year"],
                notes=data["notes"],
                expected_version=version,
            )

    @extend_schema(
        tags=TAGS,
        request=bodies.SchemeWriteSerializer,
        responses={200: serializers.FundingSerializer, 201: serializers.FundingSerializer},
        examples=[
            OpenApiExample(
                "Seven cents per inhabitant on the population of 2024",
                request_only=True,
                value={
                    "version": 2,
                    "rate_per_inhabitant_eur": 0.07,
                    "population_year": 2024,
                    "first_year": 2025,
                    "last_year": 2028,
                },
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Set up (201) or replace (200) the funding scheme. Send the scheme's `version` you read
        when there is one: without it, or with a stale one, nothing is changed (409). A new scheme
        starts with four budget lines. The population year must have figures for the members."""
        network = _network(request, pk)
        data = _body(bodies.SchemeWriteSerializer, request)
        exists = FundingScheme.objects.filter(network=network).exists()
        data.setdefault("first_year", network.start_year)
        data.setdefault("last_year", network.end_year)
        # An existing scheme is replaced only by who read its version (0 matches no version).
        version = (data["version"] or 0) if exists else None
        self._save(request, network, data, version)
        return _reply(network, status.HTTP_200_OK if exists else status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, request=bodies.SchemeUpdateSerializer, responses=serializers.FundingSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Change some fields of the funding scheme, with the `version` you read (409 when stale)."""
        network = _network(request, pk)
        scheme = _scheme(network)
        data = _body(bodies.SchemeUpdateSerializer, request)
        current = {
            "rate_per_inhabitant_eur": scheme.rate_per_inhabitant_eur,
            "population_year": scheme.population_year,
            "first_year": scheme.first_year,
            "last_year": scheme.last_year,
            "notes": scheme.notes,
        }
        self._save(request, network, current | data, data["version"])
        return _reply(network)


class BudgetLineList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.BudgetLineCreateSerializer,
        responses={201: serializers.FundingSerializer},
        examples=[
            OpenApiExample(
                "A line for training",
                request_only=True,
                value={"name": "Opleiding", "amounts": [{"year": 2025, "amount_eur": 12500.00}]},
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a budget line with its planned amounts per year of the scheme's period (whole
        cents, 0 or more)."""
        network = _network(request, pk)
        scheme = _scheme(network)
        data = _body(bodies.BudgetLineCreateSerializer, request)
        amounts = {year: amount for (_line, year), amount in _amounts(0, data.get("amounts", [])).items()}
        with problems_as("amounts" if amounts else "name"):
            services.budget_save(
                actor=request.user,
                scheme=scheme,
                names={},
                amounts={},
                new_line=data["name"],
                new_amounts=amounts,
            )
        return _reply(network, status.HTTP_201_CREATED)


class BudgetLineDetail(APIView):
    def _line(self, request: Request, pk: int) -> BudgetLine:
        line: BudgetLine = selectors.network_item_get_visible(
            user=request.user, model=BudgetLine, pk=_id(pk), via="scheme__network"
        )
        require_network_manage(user=request.user, network=line.scheme.network)
        return line

    @extend_schema(
        tags=TAGS, request=bodies.BudgetLineUpdateSerializer, responses=serializers.FundingSerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Rename a budget line and/or set its planned amounts for some years (others stay)."""
        line = self._line(request, pk)
        data = _body(bodies.BudgetLineUpdateSerializer, request)
        names = {line.pk: data["name"]} if "name" in data else {}
        amounts = _amounts(line.pk, data.get("amounts", []))
        if not names and not amounts:
            return _reply(line.scheme.network)  # nothing to change, nothing to record
        with problems_as("amounts" if amounts else "name"):
            services.budget_save(actor=request.user, scheme=line.scheme, names=names, amounts=amounts)
        return _reply(line.scheme.network)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a budget line with its planned amounts."""
        line = self._line(request, pk)
        with problems_as("non_field_errors"):
            services.budget_save(
                actor=request.user, scheme=line.scheme, names={}, amounts={}, delete={line.pk}
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InKindContributions(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.InKindSetSerializer,
        responses=serializers.FundingSerializer,
        examples=[
            OpenApiExample(
                "The police's contribution",
                request_only=True,
                value={"contributions": [{"partner": 3, "fte": 0.5, "facilities": "Vergaderruimte"}]},
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Set the in-kind contributions of the partners listed (staff in fte, facilities,
        description); 0 fte without texts removes a partner's entry; partners not listed stay.
        All or nothing."""
        network = _network(request, pk)
        scheme = _scheme(network)
        data = _body(bodies.InKindSetSerializer, request)
        partners = {str(p.pk): p for p in network.partners.select_related("organisation", "network")}
        lookups = Lookups()
        given = [
            (
                lookups.get(
                    partners,
                    str(item["partner"]),
                    f"contributions.{i}.partner",
                    _("No partner %(id)s in this network.") % {"id": item["partner"]},
                ),
                item,
            )
            for i, item in enumerate(data["contributions"])
        ]
        lookups.check()
        with problems_as("contributions"):
            services.in_kind_set(
                actor=request.user,
                scheme=scheme,
                contributions=[
                    (p, item["fte"], item["facilities"], item["description"])
                    for p, item in given
                    if p is not None
                ],
            )
        return _reply(network)


class ScenarioList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.ScenarioCreateSerializer,
        responses={201: serializers.FundingSerializer},
        examples=[
            OpenApiExample(
                "Eight cents",
                request_only=True,
                value={"name": "Hoger tarief", "rate_per_inhabitant_eur": 0.08, "population_year": 2024},
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a scenario (another rate and/or reference year) to compare with the scheme."""
        network = _network(request, pk)
        scheme = _scheme(network)
        data = _body(bodies.ScenarioCreateSerializer, request)
        with problems_as("non_field_errors"):
            services.scenario_add(
                actor=request.user,
                scheme=scheme,
                name=data["name"],
                rate_eur=data["rate_per_inhabitant_eur"],
                population_year=data["population_year"],
            )
        return _reply(network, status.HTTP_201_CREATED)


class ScenarioDetail(APIView):
    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a scenario."""
        scenario: FundingScenario = selectors.network_item_get_visible(
            user=request.user, model=FundingScenario, pk=_id(pk), via="scheme__network"
        )
        require_network_manage(user=request.user, network=scenario.scheme.network)
        services.scenario_delete(actor=request.user, scenario=scenario)
        return Response(status=status.HTTP_204_NO_CONTENT)
