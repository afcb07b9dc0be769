"""API writes of a priority-setting round: the network's own decisions (criteria, scores,
selection, consultation positions, adjustments, strategy, the round's status), partners' inputs,
mapping and removing inputs. Thin: parse, look up what the body names, call one service of
`ivp.networks.services_rounds` (which checks access again and writes in one transaction, with
its audit record), present the round as `GET /rounds/{id}` does.

A round the user may not see is 404; a round of a network the user does not coordinate is 403
(before the body is read); `version` in a body guards against a change in between (409).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.networks import services_rounds as services
from ivp.networks.access import require_network_manage
from ivp.networks.constants import RoundStatus
from ivp.networks.models import PriorityInput, PriorityRound

from . import selectors_networks as selectors
from . import serializers_network_writes as bodies
from . import serializers_networks as serializers
from .views import _body, _id
from .writes import Lookups, catalogue, concepts, no_concept, no_theme, problems_as

TAGS = ["networks"]


def _round(request: Request, pk: int, *, manage: bool = True) -> PriorityRound:
    round = selectors.round_get_visible(user=request.user, pk=_id(pk))
    if manage:
        require_network_manage(user=request.user, network=round.network)
    return round


def _reply(request: Request, round: PriorityRound, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.round_get_visible(user=request.user, pk=round.pk)
    return Response(serializers.RoundDetailSerializer(selectors.round_detail(round=fresh)).data, status=code)


class NetworkRoundList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.RoundCreateSerializer,
        responses={201: serializers.RoundDetailSerializer},
        examples=[
            OpenApiExample("A new round", request_only=True, value={"title": "Prioriteiten 2029-2032"})
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Start a priority-setting round (coordinators): the criteria (default: the five of the
        regional method) and the priorities of every member with an adopted plan in ivp."""
        network = selectors.network_get_visible(user=request.user, pk=_id(pk))
        require_network_manage(user=request.user, network=network)
        data = _body(bodies.RoundCreateSerializer, request)
        with problems_as("title"):
            round = services.round_create(
                actor=request.user, network=network, title=data["title"], criteria=data.get("criteria")
            )
        return _reply(request, round, status.HTTP_201_CREATED)


class RoundCriteria(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.CriteriaSerializer,
        responses=serializers.RoundDetailSerializer,
        examples=[
            OpenApiExample(
                "Two criteria, one weighing double",
                request_only=True,
                value={
                    "version": 3,
                    "criteria": [
                        {"code": "urgency", "name": "Is het urgent?", "weight": 2},
                        {"name": "Vraagt het meer dan de reguliere aanpak?"},
                    ],
                },
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Replace the criteria (add, change, remove in one go) while nobody has scored yet."""
        round = _round(request, pk)
        data = _body(bodies.CriteriaSerializer, request)
        with problems_as("criteria"):
            services.criteria_set(
                actor=request.user, round=round, criteria=data["criteria"], expected_version=data["version"]
            )
        return _reply(request, round)


class RoundScores(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.ScoresSerializer,
        responses=serializers.RoundDetailSerializer,
        examples=[
            OpenApiExample(
                "Two scores of one steering group member",
                request_only=True,
                value={
                    "scorer": 4,
                    "scores": [
                        {"theme": "5.2", "criterion": "urgency", "score": 5},
                        {"theme": "5.4", "criterion": "urgency", "score": 3},
                    ],
                },
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record a steering group member's scores (0-5) per theme and criterion; a score given
        again replaces the earlier one. Allowed while the round collects inputs or has a selection."""
        round = _round(request, pk)
        data = _body(bodies.ScoresSerializer, request)
        lookups = Lookups()
        scorer = lookups.get(
            {str(m.pk): m for m in round.network.steering_group.all()},
            str(data["scorer"]),
            "scorer",
            _("No member %(id)s in this network's steering group.") % {"id": data["scorer"]},
        )
        scores: dict[tuple[str, str], int] = {}
        for i, item in enumerate(data["scores"]):
            key = (item["theme"], item["criterion"])
            if key in scores:
                lookups.errors.setdefault(f"scores.{i}", []).append(
                    _("This theme and criterion were scored twice.")
                )
            scores[key] = item["score"]
        lookups.check()
        assert scorer is not None
        with problems_as("scores"):
            services.scores_set(actor=request.user, round=round, scorer=scorer, scores=scores)
        return _reply(request, round)


class RoundSelection(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.SelectionSerializer,
        responses=serializers.RoundDetailSerializer,
        examples=[
            OpenApiExample(
                "Two concept priorities",
                request_only=True,
                value={
                    "version": 7,
                    "priorities": [
                        {"theme": "5.2", "reason": "Alle gemeenten noemen het"},
                        {"theme": "5.4", "reason": "Verward gedrag neemt toe"},
                    ],
                },
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Select the concept priorities, in rank order, each with its reason: at most the
        network's `max_priorities`, only candidates (themes with an input). Replaces an earlier
        selection until the consultation starts; the round's status becomes `selected`."""
        round = _round(request, pk)
        data = _body(bodies.SelectionSerializer, request)
        themes = catalogue(round.network)
        lookups = Lookups()
        selections = [
            (
                lookups.get(themes, item["theme"], f"priorities.{i}.theme", no_theme(item["theme"])),
                item["reason"],
            )
            for i, item in enumerate(data["priorities"])
        ]
        lookups.check()
        with problems_as("priorities"):
            services.concepts_select(
                actor=request.user,
                round=round,
                expected_version=data["version"],
                selections=[(theme, reason) for theme, reason in selections if theme is not None],
            )
        return _reply(request, round)


class RoundPositions(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.PositionsSerializer,
        responses=serializers.RoundDetailSerializer,
        examples=[
            OpenApiExample(
                "The positions of district Noord",
                request_only=True,
                value={
                    "district": "Noord",
                    "held_on": "2025-09-18",
                    "positions": [
                        {"priority": "5.2", "position": "support"},
                        {
                            "priority": "5.4",
                            "position": "support_with_remarks",
                            "remarks": "Meer aandacht voor jeugd",
                        },
                    ],
                },
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """A district meeting's positions on concept priorities during the consultation: support,
        support with remarks or reject (remarks required for the last two). All or nothing; a
        position given again replaces the earlier one."""
        round = _round(request, pk)
        data = _body(bodies.PositionsSerializer, request)
        lookups = Lookups()
        meeting = lookups.get(
            {m.district: m for m in round.district_meetings.select_related("round__network")},
            data["district"],
            "district",
            _("No district meeting %(name)s in this round.") % {"name": data["district"]},
        )
        found = concepts(round)
        positions = [
            (
                lookups.get(found, item["priority"], f"positions.{i}.priority", no_concept(item["priority"])),
                item["position"],
                item["remarks"],
            )
            for i, item in enumerate(data["positions"])
        ]
        lookups.check()
        assert meeting is not None
        with problems_as("positions"):
            services.positions_set(
                actor=request.user,
                meeting=meeting,
                held_on=data["held_on"],
                positions=[(c, p, r) for c, p, r in positions if c is not None],
            )
        return _reply(request, round)


class RoundAdjustments(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.AdjustmentCreateSerializer,
        responses={201: serializers.RoundDetailSerializer},
        examples=[
            OpenApiExample(
                "Rewording a priority",
                request_only=True,
                value={
                    "priority": "5.4",
                    "text": "Hernoemd na de DVO Zuid",
                    "final_name": "Zorg en veiligheid",
                },
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record a steering group adjustment during the consultation (appended, never changed);
        with `priority` it may reword (`final_name`) or drop (`drop`) that concept priority."""
        round = _round(request, pk)
        data = _body(bodies.AdjustmentCreateSerializer, request)
        concept = None
        if data["priority"] is not None:
            lookups = Lookups()
            concept = lookups.get(concepts(round), data["priority"], "priority", no_concept(data["priority"]))
            lookups.check()
        with problems_as("text"):
            services.adjustment_add(
                actor=request.user,
                round=round,
                text=data["text"],
                concept=concept,
                drop=data["drop"],
                final_name=data["final_name"],
            )
        return _reply(request, round, status.HTTP_201_CREATED)


class RoundStrategy(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.StrategySerializer,
        responses=serializers.RoundDetailSerializer,
        examples=[
            OpenApiExample(
                "The goals of one priority",
                request_only=True,
                value={
                    "version": 12,
                    "priorities": [
                        {"priority": "5.2", "goals": ["Een regionaal beeld van drugslabs in 2026"]}
                    ],
                },
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """The strategic goals (and final wording) of the priorities listed, during the
        consultation; priorities not listed are left as they are. All or nothing."""
        round = _round(request, pk)
        data = _body(bodies.StrategySerializer, request)
        found = concepts(round)
        lookups = Lookups()
        strategies = [
            (
                lookups.get(
                    found, item["priority"], f"priorities.{i}.priority", no_concept(item["priority"])
                ),
                item["goals"],
                item["final_name"],
            )
            for i, item in enumerate(data["priorities"])
        ]
        lookups.check()
        with problems_as("priorities"):
            services.strategies_set(
                actor=request.user,
                round=round,
                expected_version=data["version"],
                strategies=[(c, g, n) for c, g, n in strategies if c is not None],
            )
        return _reply(request, round)


class RoundStatusChange(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.RoundStatusWriteSerializer,
        responses=serializers.RoundDetailSerializer,
        examples=[
            OpenApiExample(
                "Adopting the strategy",
                request_only=True,
                value={"version": 15, "status": "final", "adopted_on": "2025-12-10"},
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Advance the round: `consulting` sends the selected concept priorities to the district
        meetings (one per district of the members); `final` adopts the strategy on `adopted_on`
        (every remaining priority needs a strategic goal). `selected` is reached by the selection."""
        round = _round(request, pk)
        data = _body(bodies.RoundStatusWriteSerializer, request)
        with problems_as("status"):
            if data["status"] == RoundStatus.CONSULTING:
                services.consultation_start(actor=request.user, round=round, expected_version=data["version"])
            else:
                services.round_finalise(
                    actor=request.user,
                    round=round,
                    adopted_on=data["adopted_on"],
                    expected_version=data["version"],
                )
        return _reply(request, round)


class RoundPartnerInputList(APIView):
    @extend_schema(
        tags=TAGS,
        request=bodies.PartnerInputCreateSerializer,
        responses={201: serializers.PriorityInputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a partner's input (e.g. OM policy, RIEC phenomena) while the round collects inputs:
        by the network's coordinators or the partner organisation's editors."""
        round = _round(request, pk, manage=False)
        data = _body(bodies.PartnerInputCreateSerializer, request)
        lookups = Lookups()
        partner = lookups.get(
            {str(p.pk): p for p in round.network.partners.select_related("organisation")},
            str(data["partner"]),
            "partner",
            _("No partner %(id)s in this network.") % {"id": data["partner"]},
        )
        theme = lookups.get(catalogue(round.network), data["theme"], "theme", no_theme(data["theme"]))
        lookups.check()
        assert partner is not None and theme is not None
        with problems_as("name"):
            item = services.partner_input_add(
                actor=request.user,
                round=round,
                partner=partner,
                name=data["name"],
                theme=theme,
                remark=data["remark"],
            )
        return Response(serializers.PriorityInputSerializer(item).data, status=status.HTTP_201_CREATED)


def _input(request: Request, pk: int) -> PriorityInput:
    return selectors.network_item_get_visible(
        user=request.user, model=PriorityInput, pk=_id(pk), via="round__network"
    )


class RoundInputDetail(APIView):
    @extend_schema(
        tags=TAGS, request=bodies.InputMapSerializer, responses=serializers.PriorityInputSerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Map an input onto another catalogue theme (coordinators), while the round is open."""
        item = _input(request, pk)
        require_network_manage(user=request.user, network=item.round.network)
        data = _body(bodies.InputMapSerializer, request)
        lookups = Lookups()
        theme = lookups.get(catalogue(item.round.network), data["theme"], "theme", no_theme(data["theme"]))
        lookups.check()
        assert theme is not None
        with problems_as("theme"):
            services.input_map(actor=request.user, item=item, theme=theme)
        fresh = selectors.round_input_list(round=item.round).get(pk=item.pk)
        return Response(serializers.PriorityInputSerializer(fresh).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove an input while the round is open: the coordinators any form, upload or partner
        input; a member's editor only its own municipality's. A priority from a plan in ivp is
        changed in that plan (400)."""
        item = _input(request, pk)
        with problems_as("non_field_errors"):
            services.input_delete(actor=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)
