"""API views of annual reports (jaarrapportages): read them, write their texts, finalise and
reopen them, through `ivp.reports.selectors` and `ivp.reports.services`, as the web pages do.

A draft is unpublished work: only the plan's members (any role in its organisations) and
superusers see it; others get the latest final edition, or 404 while there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.plans.access import require_plan_change
from ivp.plans.models import Indicator, Plan, Theme
from ivp.reports import services
from ivp.reports.constants import PLAIN_SECTIONS, ReportStatus
from ivp.reports.selectors import DraftHidden, report_view_for

from . import selectors, serializers
from . import serializers_writes as writes
from .views import _body, _id, _query

SECTIONS = [str(kind) for kind in PLAIN_SECTIONS]
F = TypeVar("F", bound=Callable[..., Any])


def _report(request: Request, plan: Plan, year: int, edition: int | None = None) -> dict[str, Any]:
    try:
        view = report_view_for(user=request.user, plan=plan, year=year, edition=edition)
    except DraftHidden as error:  # not visible to you: 404, as for a plan you may not see
        raise NotFoundError(str(error)) from error
    report = view.report
    data = {
        "year": view.year,
        "status": report.status if report else ReportStatus.DRAFT,
        "version": report.version if report else 0,
        "is_frozen": view.is_frozen,
        "edition": view.edition,
        "editions": view.editions,
        "content": view.content,
    }
    return dict(serializers.AnnualReportSerializer(data).data)


def _changeable_plan(request: Request, pk: int) -> Plan:
    plan = selectors.plan_visible_get(user=request.user, pk=_id(pk))
    require_plan_change(user=request.user, plan=plan)
    return plan


@extend_schema(tags=["reports"], responses=serializers.ReportYearSerializer(many=True))
class ReportYearList(generics.GenericAPIView[Plan]):
    """The years of a plan with the state of each annual report (a year without one is a draft
    not started yet)."""

    serializer_class = serializers.ReportYearSerializer

    def get(self, request: Request, pk: int) -> Response:
        plan = selectors.plan_get(user=request.user, pk=_id(pk))
        page = self.paginate_queryset(selectors.report_year_list(plan=plan))  # type: ignore[arg-type]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AnnualReportDetail(APIView):
    @extend_schema(
        tags=["reports"],
        parameters=[serializers.ReportQuerySerializer],
        responses=serializers.AnnualReportSerializer,
    )
    def get(self, request: Request, pk: int, year: int) -> Response:
        """The annual report of a plan for a year: a final report as the council got it (its
        latest edition, or the `edition` asked for); a draft computed from today's figures, for
        the members of the plan's organisations only (others get the latest final edition, or
        404 while there is none)."""
        plan = selectors.plan_visible_get(user=request.user, pk=_id(pk))
        query = _query(serializers.ReportQuerySerializer, request)
        return Response(_report(request, plan, year, query.get("edition")))

    @extend_schema(
        tags=["reports"], request=writes.ReportUpdateSerializer, responses=serializers.AnnualReportSerializer
    )
    def patch(self, request: Request, pk: int, year: int) -> Response:
        """Finalise the report (`status: final`): append the next frozen edition, in the language
        of the request; refused (400) while an off-track indicator has no explanation. Or reopen a
        final report (`status: draft`); its editions stay. Send the report's `version` (0 for a
        report not started): if it changed since, 409 Conflict."""
        plan = _changeable_plan(request, pk)
        data = _body(writes.ReportUpdateSerializer, request)
        change = (
            services.annual_report_finalise
            if data["status"] == ReportStatus.FINAL
            else services.annual_report_reopen
        )
        try:
            change(actor=request.user, plan=plan, year=year, expected_version=data["version"])
        except ValidationFailed as error:
            raise ValidationError({"status": error.problems}) from error
        return Response(_report(request, plan, year))


def _text_schema(
    what: str, responses: Any, parameters: list[OpenApiParameter] | None = None
) -> Callable[[F], F]:
    return extend_schema(
        tags=["reports"],
        request=writes.ReportTextUpdateSerializer,
        responses=responses,
        parameters=parameters or [],
        description=f"Save {what} of a draft annual report (editors). Send the text's `version` from the "
        "report (0 for a text not written yet): if someone saved it since, 409 Conflict and nothing "
        "is changed. A final report is not changed (400): reopen it first.",
    )


class ReportNarrative(APIView):
    @_text_schema(
        "the narrative of a section",
        serializers.ReportSectionSerializer,
        [OpenApiParameter("section", OpenApiTypes.STR, OpenApiParameter.PATH, enum=SECTIONS)],
    )
    def patch(self, request: Request, pk: int, year: int, section: str) -> Response:
        if section not in SECTIONS:
            raise NotFoundError(
                _("No section '%(section)s'; the sections are: %(list)s.")
                % {"section": section[:50], "list": ", ".join(SECTIONS)}
            )
        plan = _changeable_plan(request, pk)
        data = _body(writes.ReportTextUpdateSerializer, request)
        saved = services.report_section_save(
            actor=request.user, plan=plan, year=year, kind=section, text=data["text"],
            expected_version=data["version"],
        )  # fmt: skip
        return Response(serializers.ReportSectionSerializer(saved).data)


class ReportPriorityNarrative(APIView):
    @_text_schema("the narrative of a priority", serializers.ReportSectionSerializer)
    def patch(self, request: Request, pk: int, year: int, theme_id: int) -> Response:
        plan = _changeable_plan(request, pk)
        theme = Theme.objects.filter(plan=plan, pk=_id(theme_id)).select_related("plan").first()
        if theme is None:
            raise NotFoundError(_("This plan has no theme %(id)s.") % {"id": theme_id})
        data = _body(writes.ReportTextUpdateSerializer, request)
        saved = services.report_section_save(
            actor=request.user, plan=plan, year=year, kind="priority", theme=theme, text=data["text"],
            expected_version=data["version"],
        )  # fmt: skip
        return Response(serializers.ReportSectionSerializer(saved).data)


class ReportExplanation(APIView):
    @_text_schema(
        "the explanation of an indicator (why it is off track and what is done about it)",
        serializers.IndicatorExplanationSerializer,
    )
    def patch(self, request: Request, pk: int, year: int, indicator_id: int) -> Response:
        plan = _changeable_plan(request, pk)
        indicator = Indicator.objects.filter(plan=plan, pk=_id(indicator_id)).first()
        if indicator is None:
            raise NotFoundError(_("This plan has no indicator %(id)s.") % {"id": indicator_id})
        data = _body(writes.ReportTextUpdateSerializer, request)
        saved = services.explanation_save(
            actor=request.user, plan=plan, year=year, indicator=indicator, text=data["text"],
            expected_version=data["version"],
        )  # fmt: skip
        return Response(serializers.IndicatorExplanationSerializer(saved).data)
