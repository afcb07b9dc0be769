"""API views of the items of a plan: safety fields, themes, partners, portfolio holders,
indicators and actions.

`POST /plans/{id}/<items>` adds an item; `GET`, `PATCH` and `DELETE /<items>/{id}` read, change
and delete one. Every write goes through the plan editor's services (`item_create`,
`item_update`, `item_delete`): the same checks, the optimistic lock (`version`: 409 when stale)
and the same entry in the plan's history as on the web. Access is checked before the body is
parsed: an item of a plan you may not see is 404, one you may not change 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from ivp.accounts.access import AnyUser
from ivp.plans.access import require_plan_change
from ivp.plans.models import Action, Indicator, Partner, PlanItem, PortfolioHolder, SafetyField, Theme
from ivp.plans.services import item_create, item_delete, item_update

from . import selectors, serializers
from . import serializers_writes as writes
from .views import _body, _id, _query


@dataclass(frozen=True)
class ItemKind:
    model: type[PlanItem]
    read: type[Serializer[Any]]
    create: type[Serializer[Any]]
    update: type[Serializer[Any]]
    get: Callable[[AnyUser, int], PlanItem]


def _getter(model: type[PlanItem], *related: str) -> Callable[[AnyUser, int], PlanItem]:
    def get(user: AnyUser, pk: int) -> PlanItem:
        return selectors.plan_item_get(user=user, model=model, pk=pk, related=related)

    return get


FIELD = ItemKind(
    SafetyField,
    serializers.SafetyFieldSerializer,
    writes.SafetyFieldCreateSerializer,
    writes.SafetyFieldUpdateSerializer,
    _getter(SafetyField),
)
THEME = ItemKind(
    Theme,
    serializers.ThemeSerializer,
    writes.ThemeCreateSerializer,
    writes.ThemeUpdateSerializer,
    lambda user, pk: selectors.theme_get(user=user, pk=pk),
)
PARTNER = ItemKind(
    Partner,
    serializers.PartnerSerializer,
    writes.PartnerCreateSerializer,
    writes.PartnerUpdateSerializer,
    _getter(Partner),
)
HOLDER = ItemKind(
    PortfolioHolder,
    serializers.PortfolioHolderSerializer,
    writes.PortfolioHolderCreateSerializer,
    writes.PortfolioHolderUpdateSerializer,
    _getter(PortfolioHolder),
)
INDICATOR = ItemKind(
    Indicator,
    serializers.IndicatorSerializer,
    writes.IndicatorCreateSerializer,
    writes.IndicatorUpdateSerializer,
    lambda user, pk: selectors.indicator_get(user=user, pk=pk),
)
ACTION = ItemKind(Action, serializers.ActionSerializer, writes.ActionCreateSerializer,
                  writes.ActionUpdateSerializer, _getter(Action, "theme"))  # fmt: skip


class PlanItemList(APIView):
    """POST: add an item of `kind` to the plan."""

    kind: ClassVar[ItemKind]

    def post(self, request: Request, pk: int) -> Response:
        plan = selectors.plan_visible_get(user=request.user, pk=_id(pk))
        require_plan_change(user=request.user, plan=plan)
        data = _body(self.kind.create, request, context={"plan": plan})
        data.setdefault("position", selectors.plan_item_count(plan=plan, model=self.kind.model))
        item = item_create(actor=request.user, plan=plan, model=self.kind.model, data=data)
        fresh = self.kind.get(request.user, item.pk)
        return Response(self.kind.read(fresh).data, status=status.HTTP_201_CREATED)


class PlanItemDetail(APIView):
    """GET, PATCH (with `version`) and DELETE (with `?version=`) one item of `kind`."""

    kind: ClassVar[ItemKind]

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.kind.read(self.kind.get(request.user, _id(pk))).data)

    def patch(self, request: Request, pk: int) -> Response:
        item = self.kind.get(request.user, _id(pk))
        plan = item.plan  # type: ignore[attr-defined]
        require_plan_change(user=request.user, plan=plan)
        data = _body(self.kind.update, request, context={"plan": plan, "item": item}, partial=True)
        version = data.pop("version")
        item_update(actor=request.user, item=item, data=data, expected_version=version)
        return Response(self.kind.read(self.kind.get(request.user, item.pk)).data)

    def delete(self, request: Request, pk: int) -> Response:
        item = self.kind.get(request.user, _id(pk))
        require_plan_change(user=request.user, plan=item.plan)  # type: ignore[attr-defined]
        query = _query(writes.VersionQuerySerializer, request)
        item_delete(actor=request.user, item=item, expected_version=query["version"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def _list_schema(kind: ItemKind, noun: str, example: dict[str, Any]) -> Callable[[type], type]:
    return extend_schema_view(
        post=extend_schema(
            tags=["plans"],
            summary=f"Add a {noun} to a plan",
            description=f"Add a {noun} to the plan (editors of its organisation). Recorded in the plan's "
            "history. Relations are named by code within the plan.",
            request=kind.create,
            responses={201: kind.read},
            examples=[OpenApiExample(f"A {noun}", request_only=True, value=example)],
        )
    )


def _detail_schema(kind: ItemKind, noun: str) -> Callable[[type], type]:
    return extend_schema_view(
        get=extend_schema(tags=["plans"], description=f"One {noun} of a plan, with its version.",
                          responses=kind.read),
        patch=extend_schema(
            tags=["plans"], request=kind.update, responses=kind.read,
            description=f"Change a {noun}. Send the `version` you read and the fields to change: if "
            "someone saved it since, 409 Conflict and nothing is changed.",
        ),
        delete=extend_schema(
            tags=["plans"], parameters=[writes.VersionQuerySerializer], responses={204: None},
            description=f"Delete a {noun}, with the `version` you read (stale: 409 Conflict). Recorded "
            "in the plan's history; earlier versions of the plan keep showing it.",
        ),
    )  # fmt: skip


@_list_schema(FIELD, "safety field", {"code": "6", "name": "Digitale veiligheid"})
class SafetyFieldList(PlanItemList):
    kind = FIELD


@_detail_schema(FIELD, "safety field")
class SafetyFieldDetail(PlanItemDetail):
    kind = FIELD


@_list_schema(THEME, "theme", {"field": "5", "code": "5.6", "name": "Mensenhandel", "is_priority": True})
class ThemeList(PlanItemList):
    kind = THEME


@_detail_schema(THEME, "theme (or priority)")
class ThemeDetail(PlanItemDetail):
    kind = THEME


@_list_schema(
    PARTNER, "partner", {"name": "Politie basisteam Maasland", "kind": "external", "role": "Opsporing"}
)
class PartnerList(PlanItemList):
    kind = PARTNER


@_detail_schema(PARTNER, "partner")
class PartnerDetail(PlanItemDetail):
    kind = PARTNER


@_list_schema(HOLDER, "portfolio holder", {"name": "J. Jansen", "office": "burgemeester", "themes": ["5.2"]})
class PortfolioHolderList(PlanItemList):
    kind = HOLDER


@_detail_schema(HOLDER, "portfolio holder")
class PortfolioHolderDetail(PlanItemDetail):
    kind = HOLDER


@_list_schema(INDICATOR, "indicator", {
    "code": "I4", "name": "Rapportcijfer veiligheid", "theme": "1.4", "source": "survey", "unit": "mark",
    "baseline_value": 7.1, "baseline_year": 2023, "target_comparator": "at_least", "target_value": 7.5,
    "direction": "up"})  # fmt: skip
class IndicatorList(PlanItemList):
    kind = INDICATOR


@_detail_schema(INDICATOR, "indicator (with its values)")
class IndicatorDetail(PlanItemDetail):
    kind = INDICATOR


@_list_schema(ACTION, "action", {"year": 2025, "theme": "1.3", "title": "Preventie-avond",
                                 "lead_party": "Gemeente", "timing": "Q4", "status": "planned"})  # fmt: skip
class ActionList(PlanItemList):
    kind = ACTION


@_detail_schema(ACTION, "action")
class ActionDetail(PlanItemDetail):
    kind = ACTION
