"""Network pages: the list, the dashboard, governance and the year calendar (thin views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ivp.core.errors import DataFileError, NotFoundError, ValidationFailed

from . import services_governance as governance_services
from .access import network_can_manage, require_network_manage
from .charts import members_map_spec
from .forms import GOVERNANCE_FORMS, RoundForm
from .ical import calendar_ics
from .models import Network
from .selectors import governance, network_dashboard, network_get, network_list, round_list
from .services_rounds import round_create


def network_for(request: HttpRequest, network_id: int) -> Network:
    try:
        return network_get(network=network_id, user=request.user)
    except NotFoundError as error:
        raise Http404(str(error)) from error


def report_problems(request: HttpRequest, error: ValidationFailed | DataFileError) -> None:
    """Every problem as an error message; a file's problems with their row and field."""
    if isinstance(error, DataFileError):
        for problem in error.problems:
            if problem.row is not None and problem.field:
                text = _("%(file)s, row %(row)d, field %(field)s: %(message)s")
            elif problem.row is not None:
                text = _("%(file)s, row %(row)d: %(message)s")
            else:
                text = _("%(file)s: %(message)s")
            values = {
                "file": problem.path,
                "row": problem.row,
                "field": problem.field,
                "message": problem.message,
            }
            messages.error(request, text % values)
        return
    for message in error.problems:
        messages.error(request, message)


def form_problems(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@login_required
@require_GET
def network_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/network_list.html", {"networks": network_list(user=request.user)})


@login_required
@require_GET
def dashboard(request: HttpRequest, network_id: int) -> HttpResponse:
    network = network_for(request, network_id)
    board = network_dashboard(network=network)
    context = {
        "network": network,
        "board": board,
        "map_spec": members_map_spec(board, boundaries_url=reverse("explorer:boundaries")),
        "rounds": round_list(network=network),
        "can_manage": network_can_manage(user=request.user, network=network),
        "round_form": RoundForm(),
        "partners": network.partners.select_related("organisation"),
    }
    return render(request, "networks/dashboard.html", context)


@login_required
@require_POST
def round_create_view(request: HttpRequest, network_id: int) -> HttpResponse:
    network = network_for(request, network_id)
    form = RoundForm(request.POST)
    if not form.is_valid():
        form_problems(request, form)
        return redirect("networks:detail", network_id=network.pk)
    try:
        round = round_create(actor=request.user, network=network, title=form.cleaned_data["title"])
    except ValidationFailed as error:
        report_problems(request, error)
        return redirect("networks:detail", network_id=network.pk)
    messages.success(request, _("The round was created with the priorities of the members' plans in ivp."))
    return redirect("networks:round", round_id=round.pk)


def _governance_context(network: Network, request: HttpRequest) -> dict[str, Any]:
    return {
        "network": network,
        "can_manage": network_can_manage(user=request.user, network=network),
        "forms": {kind: form(network=network, prefix=kind) for kind, form in GOVERNANCE_FORMS.items()},
        **governance(network=network),
    }


@login_required
@require_GET
def governance_view(request: HttpRequest, network_id: int) -> HttpResponse:
    network = network_for(request, network_id)
    return render(request, "networks/governance.html", _governance_context(network, request))


def _governance_save(kind: str, network: Network, request: HttpRequest, data: dict[str, Any]) -> None:
    actor = request.user
    if kind == "steering":
        governance_services.steering_member_add(actor=actor, network=network, **data)
    elif kind == "team":
        governance_services.expert_team_create(actor=actor, network=network, **data)
    elif kind == "team_member":
        governance_services.expert_team_member_add(actor=actor, **data)
    elif kind == "dissolve":
        governance_services.expert_team_dissolve(actor=actor, **data)
    elif kind == "working":
        governance_services.working_group_member_add(actor=actor, network=network, **data)
    elif kind == "milestone":
        governance_services.milestone_create(actor=actor, network=network, **data)
    elif kind == "milestone_status":
        governance_services.milestone_status_set(actor=actor, **data)
    elif kind == "activity":
        governance_services.calendar_activity_create(actor=actor, network=network, **data)


@login_required
@require_POST
def governance_add(request: HttpRequest, network_id: int) -> HttpResponse:
    """Add to the governance: the posted `form` says which (steering, team, milestone, ...)."""
    network = network_for(request, network_id)
    kind = request.POST.get("form", "")
    if kind not in GOVERNANCE_FORMS:
        raise Http404("form")
    require_network_manage(user=request.user, network=network)
    form = GOVERNANCE_FORMS[kind](request.POST, network=network, prefix=kind)
    back = reverse("networks:governance", kwargs={"network_id": network.pk}) + f"#{kind}"
    if not form.is_valid():
        form_problems(request, form)
        return redirect(back)
    try:
        _governance_save(kind, network, request, form.cleaned_data)
    except ValidationFailed as error:
        report_problems(request, error)
        return redirect(back)
    messages.success(request, _("Saved."))
    return redirect(back)


@login_required
@require_POST
def governance_delete(request: HttpRequest, network_id: int) -> HttpResponse:
    network = network_for(request, network_id)
    raw = request.POST.get("item", "")
    try:
        governance_services.governance_item_delete(
            actor=request.user, network=network, kind=request.POST.get("kind", ""), item_id=int(raw or 0)
        )
    except (ValidationFailed, ValueError) as error:
        if isinstance(error, ValidationFailed):
            report_problems(request, error)
        return redirect("networks:governance", network_id=network.pk)
    messages.success(request, _("Removed."))
    return redirect("networks:governance", network_id=network.pk)


@login_required
@require_GET
def calendar_view(request: HttpRequest, network_id: int) -> HttpResponse:
    """The year calendar (activities and milestones) as iCalendar, for any calendar program."""
    network = network_for(request, network_id)
    response = HttpResponse(calendar_ics(network=network), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jaarkalender-netwerk-{network.pk}.ics"'
    return response
