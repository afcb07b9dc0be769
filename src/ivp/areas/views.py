from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ivp.accounts.access import can_change, organisations_changeable_by
from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.core.output import render_csv

from . import selectors, services
from .constants import AreaKind
from .forms import GroupForm
from .models import Area


def _area_or_404(code: str) -> Area:
    area = selectors.area_by_code(code=code)
    if area is None:
        raise Http404(code)
    return area


@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = _area_or_404(code)
    if area.is_municipality:
        context = {
            "area": area,
            "regions": selectors.area_regions(area=area),
            "population": selectors.population_latest(area=area),
            "population_history": selectors.population_history(area=area),
        }
        return render(request, "areas/municipality_detail.html", context)
    context = {
        "area": area,
        "members": selectors.region_members(region=area),
        "can_edit": area.kind == AreaKind.GROUP and can_change(user=request.user, organisation=area.owner),
    }
    return render(request, "areas/region_detail.html", context)


@require_GET
def region_members_csv(request: HttpRequest, code: str) -> HttpResponse:
    area = _area_or_404(code)
    if area.is_municipality:
        raise Http404(code)
    members = selectors.region_members(region=area)
    rows = [
        {
            "region_code": area.code,
            "code": row.area.code,
            "name": row.area.name,
            "population": row.population.inhabitants_count if row.population else None,
            "population_year": members.population_year,
        }
        for row in members.rows
    ]
    body = render_csv(rows, ["region_code", "code", "name", "population", "population_year"])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ivp-{area.code}-gemeenten.csv"'
    return response


@require_GET
def group_list_view(request: HttpRequest) -> HttpResponse:
    groups = selectors.group_list()
    can_create = bool(organisations_changeable_by(user=request.user))
    return render(request, "areas/group_list.html", {"groups": groups, "can_create": can_create})


def _members_codes(form: GroupForm) -> list[str]:
    return [m.code for m in form.cleaned_data["members"]]


@login_required
@require_http_methods(["GET", "POST"])
def group_create_view(request: HttpRequest) -> HttpResponse:
    owners = organisations_changeable_by(user=request.user)
    if not owners:
        raise AccessDenied(_("You may not create groups: your account is read-only."))
    form = GroupForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                actor=request.user,
                owner=form.cleaned_data["owner"],
                name=form.cleaned_data["name"],
                member_codes=_members_codes(form),
                description=form.cleaned_data["description"],
            )
        except ValidationFailed as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Group %(name)s was created.") % {"name": group.name})
            return redirect("areas:detail", code=group.code)
    return render(request, "areas/group_form.html", {"form": form, "group": None})


def _group_or_404(code: str) -> Area:
    group = _area_or_404(code)
    if group.kind != AreaKind.GROUP:
        raise Http404(code)
    return group


@login_required
@require_http_methods(["GET", "POST"])
def group_update_view(request: HttpRequest, code: str) -> HttpResponse:
    group = _group_or_404(code)
    if not can_change(user=request.user, organisation=group.owner):
        raise AccessDenied(_("You may not change this group."))
    initial = {
        "owner": group.owner_id,
        "name": group.name,
        "description": group.description,
        "members": list(group.members.all()),
    }
    owners = [group.owner] if group.owner else []
    form = GroupForm(request.POST or None, owners=owners, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                actor=request.user,
                group=group,
                name=form.cleaned_data["name"],
                member_codes=_members_codes(form),
                description=form.cleaned_data["description"],
            )
        except ValidationFailed as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Group %(name)s was saved.") % {"name": group.name})
            return redirect("areas:detail", code=group.code)
    return render(request, "areas/group_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def group_delete_view(request: HttpRequest, code: str) -> HttpResponse:
    group = _group_or_404(code)
    if not can_change(user=request.user, organisation=group.owner):
        raise AccessDenied(_("You may not delete this group."))
    if request.method == "POST":
        services.group_delete(actor=request.user, group=group)
        messages.success(request, _("Group %(name)s was deleted.") % {"name": group.name})
        return redirect("areas:group-list")
    return render(request, "areas/group_confirm_delete.html", {"group": group})
