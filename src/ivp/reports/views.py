"""Pages of the yearly council report and the plan at a glance: thin over selectors/services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ivp.core.errors import IvpError, NotFoundError, ValidationFailed
from ivp.core.pdf import render_pdf
from ivp.plans.access import plan_can_change, require_plan_change, require_plan_view
from ivp.plans.models import Indicator, Plan, Theme
from ivp.plans.services import EditConflict

from . import services
from .constants import PLAIN_SECTIONS, SectionKind
from .forms import ExplanationForm, SectionForm, VersionForm
from .rendering import ANNUAL_TEMPLATE, GLANCE_TEMPLATE, annual_context
from .selectors import (
    ReportView,
    default_year,
    glance_content,
    report_default_year_for,
    report_drafts_visible,
    report_view,
    report_view_for,
)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("organisation"), pk=plan_id)
    require_plan_view(user=request.user, plan=plan)
    return plan


def _view(plan: Plan, year: int, edition: int | None = None) -> ReportView:
    try:
        return report_view(plan=plan, year=year, edition=edition)
    except NotFoundError as error:
        raise Http404(str(error)) from error


def _view_for(request: HttpRequest, plan: Plan, year: int) -> ReportView:
    """The report as the user may see it: a draft only for the plan's members (else 403)."""
    try:
        return report_view_for(user=request.user, plan=plan, year=year, edition=_edition_param(request))
    except NotFoundError as error:
        raise Http404(str(error)) from error


def _edition_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("edition", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_GET
def annual_latest(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return redirect(
        "reports:annual", plan_id=plan.pk, year=report_default_year_for(user=request.user, plan=plan)
    )


@login_required
@require_GET
def annual_report(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    view = _view_for(request, plan, year)
    context = annual_context(
        view,
        can_change=plan_can_change(user=request.user, plan=plan),
        drafts_visible=report_drafts_visible(user=request.user, plan=plan),
    )
    return render(request, ANNUAL_TEMPLATE, context)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def annual_report_pdf(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    view = _view_for(request, plan, year)
    suffix = f"-editie-{view.edition.number}" if view.edition else ""
    return _pdf_response(
        render_pdf(ANNUAL_TEMPLATE, annual_context(view)), f"jaarrapportage-{plan.pk}-{year}{suffix}.pdf"
    )


def _edit_context(plan: Plan, year: int, posted: dict[str, Any] | None = None) -> dict[str, Any]:
    """The editor: a form per section and per off-track (or already explained) indicator."""
    view = _view(plan, year)
    content = view.content
    posted = posted or {}

    def plain(kind: SectionKind) -> dict[str, Any]:
        key = f"section-{kind}"
        stored = content["narratives"][str(kind)]
        initial = {"kind": kind, "version": stored["version"], "text": stored["text"]}
        return {
            "key": key,
            "label": kind.label,
            "form": posted.get(key) or SectionForm(initial=initial, prefix=key),
        }

    sections = [plain(SectionKind.INTRODUCTION)]
    for priority in content["priorities"]:
        key = f"section-priority-{priority['id']}"
        initial = {
            "kind": SectionKind.PRIORITY,
            "theme": priority["id"],
            "version": priority["narrative_version"],
            "text": priority["narrative"],
        }
        label = _("Priority %(code)s %(name)s") % {"code": priority["code"], "name": priority["name"]}
        sections.append(
            {"key": key, "label": label, "form": posted.get(key) or SectionForm(initial=initial, prefix=key)}
        )
    sections += [plain(kind) for kind in PLAIN_SECTIONS if kind != SectionKind.INTRODUCTION]
    explanations = []
    for ind in content["indicators"]:
        if ind["status"] != "off_track" and not ind["explanation"]:
            continue
        key = f"explanation-{ind['id']}"
        initial = {"version": ind["explanation_version"], "text": ind["explanation"]}
        explanations.append(
            {
                "key": key,
                "indicator": ind,
                "form": posted.get(key) or ExplanationForm(initial=initial, prefix=key),
            }
        )
    return {
        "plan": plan,
        "year": year,
        "view": view,
        "content": content,
        "sections": sections,
        "explanations": explanations,
        "version": view.report.version if view.report else 1,
    }


@login_required
@require_GET
def annual_report_edit(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    require_plan_change(user=request.user, plan=plan)
    return render(request, "reports/annual_report_edit.html", _edit_context(plan, year))


def _refused(
    request: HttpRequest, plan: Plan, year: int, error: IvpError, posted: dict[str, Any]
) -> HttpResponse:
    problems = error.problems if isinstance(error, ValidationFailed) else [str(error)]
    for problem in problems:
        messages.error(request, problem)
    return render(
        request,
        "reports/annual_report_edit.html",
        _edit_context(plan, year, posted),
        status=409 if isinstance(error, EditConflict) else 400,
    )


@login_required
@require_POST
def section_save(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    prefix = request.POST.get("prefix", "")
    form = SectionForm(request.POST, prefix=prefix)
    if not form.is_valid():
        raise Http404(_("Unknown section."))
    data = form.cleaned_data
    theme = get_object_or_404(Theme, pk=data["theme"], plan=plan) if data.get("theme") else None
    try:
        services.report_section_save(
            actor=request.user,
            plan=plan,
            year=year,
            kind=data["kind"],
            theme=theme,
            text=data["text"],
            expected_version=data["version"],
        )
    except (ValidationFailed, EditConflict) as error:
        return _refused(request, plan, year, error, {prefix: form})
    messages.success(request, _("The text was saved."))
    return redirect(reverse("reports:annual-edit", kwargs={"plan_id": plan.pk, "year": year}) + f"#{prefix}")


@login_required
@require_POST
def explanation_save(request: HttpRequest, plan_id: int, year: int, indicator_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    indicator = get_object_or_404(Indicator, pk=indicator_id, plan=plan)
    prefix = f"explanation-{indicator.pk}"
    form = ExplanationForm(request.POST, prefix=prefix)
    if not form.is_valid():
        raise Http404(_("Unknown explanation."))
    try:
        services.explanation_save(
            actor=request.user,
            plan=plan,
            year=year,
            indicator=indicator,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
        )
    except (ValidationFailed, EditConflict) as error:
        return _refused(request, plan, year, error, {prefix: form})
    messages.success(request, _("The explanation was saved."))
    return redirect("reports:annual-edit", plan_id=plan.pk, year=year)


@login_required
@require_POST
def finalise(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    try:
        edition = services.annual_report_finalise(
            actor=request.user, plan=plan, year=year, expected_version=version
        )
    except (ValidationFailed, EditConflict) as error:
        return _refused(request, plan, year, error, {})
    messages.success(request, _("The report is final (edition %(number)s).") % {"number": edition.number})
    return redirect("reports:annual", plan_id=plan.pk, year=year)


@login_required
@require_POST
def reopen(request: HttpRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    try:
        services.annual_report_reopen(actor=request.user, plan=plan, year=year, expected_version=version)
    except (ValidationFailed, EditConflict) as error:
        for problem in error.problems if isinstance(error, ValidationFailed) else [str(error)]:
            messages.error(request, problem)
        return redirect("reports:annual", plan_id=plan.pk, year=year)
    messages.success(request, _("A new draft was made; the final edition stays as it was."))
    return redirect("reports:annual-edit", plan_id=plan.pk, year=year)


def _glance_year(request: HttpRequest, plan: Plan) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else default_year(plan)


def _glance(plan: Plan, year: int) -> dict[str, Any]:
    try:
        return {"plan": plan, "year": year, "glance": glance_content(plan=plan, year=year)}
    except NotFoundError as error:
        raise Http404(str(error)) from error


@login_required
@require_GET
def glance(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return render(request, GLANCE_TEMPLATE, _glance(plan, _glance_year(request, plan)))


@login_required
@require_GET
def glance_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    year = _glance_year(request, plan)
    return _pdf_response(
        render_pdf(GLANCE_TEMPLATE, _glance(plan, year)), f"plan-in-een-oogopslag-{plan.pk}.pdf"
    )
