"""Pages of a priority-setting round: the round page with its forms, the upload and its template,
and the decision memo (page and PDF). Thin: parse, call one service, report every problem."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ivp.areas.models import Area
from ivp.core.errors import DataFileError, NotFoundError, ValidationFailed

from . import services_rounds as services
from .access import member_can_edit_inputs, network_can_manage
from .constants import SCORE_MAX, SCORE_MIN, InputSource, Position, RoundStatus
from .forms import AdjustmentForm, FinaliseForm, InputForm, MapForm, PartnerInputForm, UploadForm
from .memo import MEMO_TEMPLATE, memo_context, memo_pdf
from .models import PriorityRound
from .priority_upload import template_csv, template_xlsx
from .selectors import round_get, round_view
from .views import form_problems, report_problems


def round_for(request: HttpRequest, round_id: int) -> PriorityRound:
    try:
        return round_get(round_id=round_id, user=request.user)
    except NotFoundError as error:
        raise Http404(str(error)) from error


def _back(round: PriorityRound, anchor: str = "") -> HttpResponse:
    return redirect(
        reverse("networks:round", kwargs={"round_id": round.pk}) + (f"#{anchor}" if anchor else "")
    )


def _editable_areas(request: HttpRequest, round: PriorityRound, with_plan: set[int]) -> list[tuple[str, str]]:
    """The members whose inputs this user may change (and that have no plan in ivp)."""
    return [
        (m.area.code, m.area.name)
        for m in round.network.members.select_related("area").order_by("area__name")
        if m.area_id not in with_plan
        and member_can_edit_inputs(user=request.user, network=round.network, area=m.area)
    ]


@login_required
@require_GET
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    view = round_view(round=round)
    network = round.network
    with_plan = {m.member.area_id for m in view.members if m.source == InputSource.PLAN}
    areas = _editable_areas(request, round, with_plan)
    is_open = round.status in (RoundStatus.COLLECTING, RoundStatus.SELECTED)
    scores = {(s.scorer_id, s.theme.code, s.criterion.code): s.score for s in view.scores}
    scorer_id = request.GET.get("scorer", "")
    steering = list(network.steering_group.all())
    scorer = next((s for s in steering if str(s.pk) == scorer_id), steering[0] if steering else None)
    score_rows = (
        [
            {
                "row": row,
                "cells": [
                    {"criterion": c, "value": scores.get((scorer.pk, row.theme.code, c.code), "")}
                    for c in round.criteria.all()
                ],
            }
            for row in view.ranking
        ]
        if scorer
        else []
    )
    context: dict[str, Any] = {
        "round": round,
        "network": network,
        "view": view,
        "can_manage": network_can_manage(user=request.user, network=network),
        "is_open": is_open,
        "editable_areas": areas,
        "input_form": InputForm(network=network, areas=areas, prefix="input"),
        "upload_form": UploadForm(prefix="upload"),
        "partner_form": PartnerInputForm(network=network, prefix="partner"),
        "map_form": MapForm(network=network, prefix="map"),
        "adjustment_form": AdjustmentForm(round=round, prefix="adjust"),
        "finalise_form": FinaliseForm(prefix="final"),
        "steering": steering,
        "scorer": scorer,
        "score_rows": score_rows,
        "score_range": range(SCORE_MIN, SCORE_MAX + 1),
        "positions": Position.choices,
        "meetings": list(round.district_meetings.prefetch_related("positions")),
        "statuses": RoundStatus.choices,
        "criteria_text": "\n".join(f"{c.name} | {c.weight}" for c in round.criteria.all()),
        "own_inputs": [
            i
            for m in view.members
            for i in m.inputs
            if i.source != InputSource.PLAN and i.area is not None and (i.area.code, i.area.name) in areas
        ],
    }
    context["position_rows"] = [
        {
            "meeting": meeting,
            "cells": [
                {
                    "concept": c,
                    "position": next((p for p in meeting.positions.all() if p.concept_id == c.pk), None),
                }
                for c in view.concepts
            ],
        }
        for meeting in context["meetings"]
    ]
    return render(request, "networks/round.html", context)


@login_required
@require_POST
def input_add(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    areas = _editable_areas(request, round, set())
    form = InputForm(request.POST, network=round.network, areas=areas, prefix="input")
    if not form.is_valid():
        form_problems(request, form)
        return _back(round, "inputs")
    area = get_object_or_404(Area, code=form.cleaned_data["area"])
    try:
        services.input_add(
            actor=request.user,
            round=round,
            area=area,
            theme=form.cleaned_data["theme"],
            remark=form.cleaned_data["remark"],
        )
    except ValidationFailed as error:
        report_problems(request, error)
        return _back(round, "inputs")
    messages.success(request, _("The priority of %(name)s was added.") % {"name": area.name})
    return _back(round, "inputs")


@login_required
@require_POST
def input_delete(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    item = get_object_or_404(
        round.inputs.select_related("area", "round__network"), pk=request.POST.get("item") or 0
    )
    try:
        services.input_delete(actor=request.user, item=item)
    except ValidationFailed as error:
        report_problems(request, error)
        return _back(round, "inputs")
    messages.success(request, _("The priority was removed."))
    return _back(round, "inputs")


@login_required
@require_POST
def upload(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    if not form.is_valid():
        form_problems(request, form)
        return _back(round, "upload")
    file = form.cleaned_data["file"]
    try:
        count = services.priorities_upload(actor=request.user, round=round, file=file, name=file.name)
    except (ValidationFailed, DataFileError) as error:
        messages.error(request, _("Nothing was stored; correct the file and upload it again."))
        report_problems(request, error)
        return _back(round, "upload")
    messages.success(
        request, _("%(count)d priorities were stored from %(file)s.") % {"count": count, "file": file.name}
    )
    return _back(round, "inputs")


@login_required
@require_GET
def upload_template(request: HttpRequest, round_id: int, extension: str = "csv") -> HttpResponse:
    round = round_for(request, round_id)
    view = round_view(round=round)
    members = [m.member.area for m in view.members if m.source != InputSource.PLAN]
    catalogue = list(round.network.catalogue.all())
    if extension == "xlsx":
        response = HttpResponse(
            template_xlsx(members=members, catalogue=catalogue),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            template_csv(members=members, catalogue=catalogue), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="prioriteiten-ronde-{round.pk}.{extension}"'
    return response


def _form_save(
    request: HttpRequest, round: PriorityRound, form: Any, service: Callable[..., object], anchor: str
) -> HttpResponse:
    """Parse a round form and pass its fields to one service; back to the form's section with every
    problem reported."""
    if not form.is_valid():
        form_problems(request, form)
        return _back(round, anchor)
    try:
        service(actor=request.user, round=round, **form.cleaned_data)
    except ValidationFailed as error:
        report_problems(request, error)
    return _back(round, anchor)


@login_required
@require_POST
def partner_input_add(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    form = PartnerInputForm(request.POST, network=round.network, prefix="partner")
    return _form_save(request, round, form, services.partner_input_add, "partners")


@login_required
@require_POST
def input_map(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    item = get_object_or_404(round.inputs.select_related("round__network"), pk=request.POST.get("item") or 0)
    form = MapForm(request.POST, network=round.network, prefix="map")
    if not form.is_valid():
        form_problems(request, form)
        return _back(round, "unmapped")
    try:
        services.input_map(actor=request.user, item=item, theme=form.cleaned_data["theme"])
    except ValidationFailed as error:
        report_problems(request, error)
    return _back(round, "unmapped")


def criteria_parse(text: str) -> list[tuple[str, str, int]]:
    """One criterion per line, optionally ending in `| weight` (default 1)."""
    criteria: list[tuple[str, str, int]] = []
    taken: set[str] = set()
    for line in text.splitlines():
        name, _sep, weight = line.partition("|")
        if not name.strip():
            continue
        number = _int(weight) if weight.strip() else 1
        if number is None:
            raise ValidationFailed([_("%(value)s is not a whole number.") % {"value": weight.strip()}])
        criteria.append((services.criterion_code(name, taken), name.strip(), number))
    return criteria


@login_required
@require_POST
def criteria_save(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    try:
        services.criteria_set(
            actor=request.user, round=round, criteria=criteria_parse(request.POST.get("criteria", ""))
        )
    except ValidationFailed as error:
        report_problems(request, error)
        return _back(round, "criteria")
    messages.success(request, _("The criteria were saved."))
    return _back(round, "criteria")


def _int(value: str) -> int | None:
    return int(value) if value.strip().lstrip("-").isdigit() else None


@login_required
@require_POST
def scores_save(request: HttpRequest, round_id: int) -> HttpResponse:
    """Fields `score|<theme code>|<criterion code>` with 0-5, for the posted steering member."""
    round = round_for(request, round_id)
    scorer = get_object_or_404(round.network.steering_group, pk=request.POST.get("scorer") or 0)
    scores: dict[tuple[str, str], int] = {}
    problems = []
    for key in request.POST:
        value = request.POST.get(key, "")
        if not key.startswith("score|") or not value.strip():
            continue
        _prefix, theme_code, criterion_code = [*key.split("|"), "", ""][:3]
        number = _int(value)
        if number is None:
            problems.append(_("%(value)s is not a whole number.") % {"value": value})
            continue
        scores[(theme_code, criterion_code)] = number
    try:
        if problems:
            raise ValidationFailed(problems)
        services.scores_set(actor=request.user, round=round, scorer=scorer, scores=scores)
    except ValidationFailed as error:
        report_problems(request, error)
        return redirect(
            reverse("networks:round", kwargs={"round_id": round.pk}) + f"?scorer={scorer.pk}#scores"
        )
    messages.success(request, _("The scores of %(name)s were saved.") % {"name": scorer.name})
    return redirect(reverse("networks:round", kwargs={"round_id": round.pk}) + f"?scorer={scorer.pk}#scores")


@login_required
@require_POST
def select(request: HttpRequest, round_id: int) -> HttpResponse:
    """Checkboxes `select` (theme codes) in ranking order, each with its `reason|<code>`."""
    round = round_for(request, round_id)
    themes = {t.code: t for t in round.network.catalogue.all()}
    chosen = [code for code in request.POST.getlist("select") if code in themes]
    view = round_view(round=round)
    order = {r.theme.code: r.item.rank for r in view.ranking}
    chosen.sort(key=lambda code: order.get(code, 999))
    selections = [(themes[code], request.POST.get(f"reason|{code}", "")) for code in chosen]
    try:
        services.concepts_select(actor=request.user, round=round, selections=selections)
    except ValidationFailed as error:
        report_problems(request, error)
        return _back(round, "selection")
    messages.success(request, _("%(count)d concept priorities were selected.") % {"count": len(selections)})
    return _back(round, "selection")


@login_required
@require_POST
def consultation_start(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    try:
        services.consultation_start(actor=request.user, round=round)
    except ValidationFailed as error:
        report_problems(request, error)
    return _back(round, "consultation")


@login_required
@require_POST
def positions_save(request: HttpRequest, round_id: int) -> HttpResponse:
    """One district meeting's positions: `position|<concept id>` and `remarks|<concept id>`."""
    round = round_for(request, round_id)
    meeting = get_object_or_404(round.district_meetings, pk=request.POST.get("meeting") or 0)
    raw_date = request.POST.get("held_on", "").strip()
    try:
        held_on = datetime.date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        messages.error(request, _("Held on: give a valid date."))
        return _back(round, "consultation")
    positions = [
        (
            concept,
            request.POST.get(f"position|{concept.pk}", ""),
            request.POST.get(f"remarks|{concept.pk}", ""),
        )
        for concept in round.concepts.select_related("theme")
        if request.POST.get(f"position|{concept.pk}", "")
    ]
    try:
        services.positions_set(actor=request.user, meeting=meeting, positions=positions, held_on=held_on)
    except ValidationFailed as error:
        messages.error(request, _("Nothing was saved; correct the positions and save them again."))
        report_problems(request, error)
    else:
        messages.success(
            request, _("The positions of %(district)s were saved.") % {"district": meeting.district}
        )
    return _back(round, "consultation")


@login_required
@require_POST
def adjustment_add(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    form = AdjustmentForm(request.POST, round=round, prefix="adjust")
    return _form_save(request, round, form, services.adjustment_add, "adjustments")


@login_required
@require_POST
def strategy_save(request: HttpRequest, round_id: int) -> HttpResponse:
    """Per priority `goals|<id>` (one goal per line) and `name|<id>`."""
    round = round_for(request, round_id)
    strategies = [
        (
            concept,
            request.POST.get(f"goals|{concept.pk}", "").splitlines(),
            request.POST.get(f"name|{concept.pk}", ""),
        )
        for concept in round.concepts.filter(dropped=False)
    ]
    try:
        services.strategies_set(actor=request.user, round=round, strategies=strategies)
    except ValidationFailed as error:
        report_problems(request, error)
        return _back(round, "strategy")
    messages.success(request, _("The strategy was saved."))
    return _back(round, "strategy")


@login_required
@require_POST
def finalise(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    form = FinaliseForm(request.POST, prefix="final")
    if not form.is_valid():
        form_problems(request, form)
        return _back(round, "strategy")
    try:
        services.round_finalise(actor=request.user, round=round, adopted_on=form.cleaned_data["adopted_on"])
    except ValidationFailed as error:
        report_problems(request, error)
        return _back(round, "strategy")
    messages.success(request, _("The strategy was adopted."))
    return redirect("networks:memo", round_id=round.pk)


@login_required
@require_GET
def memo(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    return render(request, MEMO_TEMPLATE, memo_context(round=round))


@login_required
@require_GET
def memo_pdf_view(request: HttpRequest, round_id: int) -> HttpResponse:
    round = round_for(request, round_id)
    response = HttpResponse(memo_pdf(round=round), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="besluitnotitie-ronde-{round.pk}.pdf"'
    return response
