"""API views: parse with a serializer, call one selector or service, present the result."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from ivp.areas.models import Area
from ivp.core.errors import NotFoundError
from ivp.plans.access import require_plan_change
from ivp.plans.constants import PlanStatus
from ivp.plans.models import Indicator, IndicatorValue, Plan
from ivp.plans.services import indicator_value_add, item_update, plan_create, plan_status_set
from ivp.stats.models import CrimeType
from ivp.stats.selectors import figures, store_status

from . import selectors, serializers
from . import serializers_writes as writes

MAX_ID = 2**63 - 1


def _id(pk: int) -> int:
    """A path id within the database's integer range (larger ones match nothing)."""
    return pk if pk <= MAX_ID else 0


def _query(serializer_class: type[Serializer[Any]], request: Request) -> dict[str, Any]:
    query = serializer_class(data=_query_dict(request))
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _query_dict(request: Request) -> dict[str, Any]:
    """Query parameters; a repeated one (area, crime) as a list, the others as one value."""
    params = request.query_params
    return {key: params.getlist(key) if key in {"area", "crime"} else params.get(key) for key in params}


# --- areas ----------------------------------------------------------------------------------


@extend_schema(tags=["areas"], parameters=[serializers.AreaListQuerySerializer])
class AreaList(generics.ListAPIView[Area]):
    """Municipalities and regions; `kind` and `region` narrow the list."""

    serializer_class = serializers.AreaSerializer

    def get_queryset(self) -> QuerySet[Area]:
        query = _query(serializers.AreaListQuerySerializer, self.request)
        return selectors.area_list(kind=query.get("kind"), region=query.get("region"))


@extend_schema(tags=["areas"], responses=serializers.AreaDetailSerializer)
class AreaDetail(APIView):
    """One area by code: its regions or members and its population per year."""

    def get(self, request: Request, code: str) -> Response:
        detail = selectors.area_detail_get(code=code)
        return Response(serializers.AreaDetailSerializer(detail).data)


# --- statistics -----------------------------------------------------------------------------


@extend_schema(
    tags=["statistics"],
    parameters=[serializers.FiguresQuerySerializer],
    responses=serializers.FiguresSerializer,
)
class Figures(APIView):
    """Figures per area x crime type x period, as `ivp figures` and the explorer select them.

    All rows or none: a selection over the row limit is refused (400, type
    `urn:ivp:problem:too-many-rows`), never cut short. A suppressed figure has `count` null and
    `status` "suppressed", never 0.
    """

    def get(self, request: Request) -> Response:
        query = _query(serializers.FiguresQuerySerializer, request)
        try:
            result = figures(
                area_codes=query["area"],
                crime_codes=query["crime"],
                first=query["first"],
                last=query["last"],
                grain=query["grain"],
                per_1000=query["per_1000"],
                measure=query["measure"],
                source_key=query.get("source"),
            )
        except NotFoundError as error:  # areas and sources are checked already: a crime type
            raise ValidationError({"crime": [str(error)]}) from error
        rows = [row.as_dict(per_1000=query["per_1000"]) for row in result.rows]
        return Response(
            {
                "count": len(rows),
                "demo": result.has_demo,
                "sources": result.sources,
                "notes": result.notes,
                "rows": rows,
            }
        )


@extend_schema(tags=["statistics"], parameters=[serializers.CrimeTypeQuerySerializer])
class CrimeTypeList(generics.ListAPIView[CrimeType]):
    """Crime and nuisance types per classification, in tree order (`parent_code` links a type to
    the one above it)."""

    serializer_class = serializers.CrimeTypeSerializer

    def get_queryset(self) -> QuerySet[CrimeType]:
        query = _query(serializers.CrimeTypeQuerySerializer, self.request)
        return selectors.crime_type_list(classification=query.get("classification"))


@extend_schema(tags=["statistics"], responses=serializers.StoreStatusSerializer)
class StoreStatus(APIView):
    """What the statistics store holds: per source its periods, rows, origin and load time."""

    def get(self, request: Request) -> Response:
        return Response(store_status())


# --- plans ----------------------------------------------------------------------------------


def _body(
    serializer_class: type[Serializer[Any]],
    request: Request,
    *,
    context: dict[str, Any] | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    body = serializer_class(data=request.data, context=context or {}, partial=partial)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _plan_detail(request: Request, pk: int) -> dict[str, Any]:
    return dict(serializers.PlanDetailSerializer(selectors.plan_get(user=request.user, pk=pk)).data)


class PlanList(generics.ListAPIView[Plan]):
    serializer_class = serializers.PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        query = _query(serializers.PlanQuerySerializer, self.request)
        return selectors.plan_list(user=self.request.user, status=query.get("status"))

    @extend_schema(tags=["plans"], parameters=[serializers.PlanQuerySerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The plans you may see: drafts of your own organisations, adopted plans of all."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["plans"],
        request=writes.PlanCreateSerializer,
        responses={201: serializers.PlanDetailSerializer},
        examples=[
            OpenApiExample(
                "A municipal plan",
                request_only=True,
                value={"organisation": "Gemeente Maasgouw", "title": "Integraal Veiligheidsplan 2028-2031",
                       "start_year": 2028, "end_year": 2031},
            )
        ],
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        """Make a draft plan for an organisation you may change, by default with the five safety
        fields and themes of Kernbeleid Veiligheid. Recorded in the plan's history."""
        data = _body(writes.PlanCreateSerializer, request)
        plan = plan_create(actor=request.user, **data)
        return Response(_plan_detail(request, plan.pk), status=status.HTTP_201_CREATED)


class PlanDetail(APIView):
    @extend_schema(tags=["plans"], responses=serializers.PlanDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """One plan with its safety fields, themes, indicators (with their values), partners,
        portfolio holders and actions."""
        plan = selectors.plan_get(user=request.user, pk=_id(pk))
        return Response(serializers.PlanDetailSerializer(plan).data)

    @extend_schema(
        tags=["plans"], request=writes.PlanUpdateSerializer, responses=serializers.PlanDetailSerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change a plan (title, years, vision, budget) or its status: adopt it (with `adopted_on`
        and `adopted_by`), supersede it or set it back to draft. Send the `version` you read: if
        someone saved the plan since, 409 Conflict."""
        plan = selectors.plan_visible_get(user=request.user, pk=_id(pk))
        require_plan_change(user=request.user, plan=plan)
        data = _body(writes.PlanUpdateSerializer, request, partial=True)
        version = data.pop("version")
        new_status = data.pop("status", None)
        if new_status is None:
            item_update(actor=request.user, item=plan, data=data, expected_version=version)
        else:
            plan_status_set(
                actor=request.user,
                plan=plan,
                status=PlanStatus(new_status),
                expected_version=version,
                adopted_on=data.pop("adopted_on", plan.adopted_on),
                adopted_by=data.pop("adopted_by", plan.adopted_by),
                other_changes=data,
            )
        return Response(_plan_detail(request, plan.pk))


class IndicatorValueList(generics.GenericAPIView[IndicatorValue]):
    serializer_class = serializers.IndicatorValueSerializer

    def _indicator(self) -> Indicator:
        return selectors.indicator_get(user=self.request.user, pk=_id(self.kwargs["pk"]))

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        return selectors.indicator_value_list(indicator=self._indicator())

    @extend_schema(tags=["plans"], responses=serializers.IndicatorValueSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """The values of an indicator entered by hand, oldest first (corrections included)."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=["plans"],
        request=writes.IndicatorValueCreateSerializer,
        responses={201: serializers.IndicatorValueSerializer},
        examples=[
            OpenApiExample(
                "A survey result",
                request_only=True,
                value={"year": 2024, "value": 7.2, "source": "Inwonerspanel"},
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a value entered by hand. Values are appended: a correction is a new value for the
        same year, and the latest counts."""
        indicator = self._indicator()
        require_plan_change(user=request.user, plan=indicator.plan)
        data = _body(writes.IndicatorValueCreateSerializer, request)
        entry = indicator_value_add(actor=request.user, indicator=indicator, **data)
        return Response(serializers.IndicatorValueSerializer(entry).data, status=status.HTTP_201_CREATED)
