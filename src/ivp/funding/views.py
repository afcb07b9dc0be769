"""Pages under /networks/<id>/funding/: thin over the funding selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.networks.access import network_can_manage, require_network_manage, require_network_view
from ivp.networks.models import Network
from ivp.plans.services import EditConflict

from . import services
from .constants import ROUNDING_RULE
from .exports import funding_xlsx, table_csv
from .forms import BudgetForm, InKindForm, ScenarioForm, SchemeForm
from .models import FundingScenario, FundingScheme
from .selectors import FundingOverview, funding_overview


def _network(request: HttpRequest, network_id: int) -> Network:
    network = get_object_or_404(Network, pk=network_id)
    require_network_view(user=request.user, network=network)
    return network


def _year_choices(overview: FundingOverview) -> list[tuple[int, str]]:
    return [
        (year, _("%(year)d (%(count)d of %(total)d members)") % {"year": year, "count": n,
                                                                   "total": overview.member_count})
        for year, n in overview.population_years
    ]  # fmt: skip


def _problems_to_form(form: Any, error: ValidationFailed | EditConflict) -> None:
    problems = error.problems if isinstance(error, ValidationFailed) else [str(error)]
    for problem in problems:
        form.add_error(None, str(problem))


@login_required
@require_GET
def funding_page(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    overview = funding_overview(network=network)
    can_manage = network_can_manage(user=request.user, network=network)
    context = {
        "network": network,
        "overview": overview,
        "can_manage": can_manage,
        "rounding_rule": ROUNDING_RULE,
        "scenario_form": ScenarioForm(year_choices=_year_choices(overview)) if can_manage else None,
    }
    return render(request, "funding/funding.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    overview = funding_overview(network=network)
    scheme = overview.scheme
    initial: dict[str, Any] = (
        {"rate_eur": scheme.rate_per_inhabitant_eur, "population_year": scheme.population_year,
         "first_year": scheme.first_year, "last_year": scheme.last_year, "notes": scheme.notes}
        if scheme else
        {"first_year": network.start_year, "last_year": network.end_year,
         "population_year": overview.population_years[0][0] if overview.population_years else None}
    )  # fmt: skip
    form = SchemeForm(request.POST or None, initial=initial, year_choices=_year_choices(overview))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.scheme_save(
                actor=request.user, network=network, rate_eur=data["rate_eur"],
                population_year=data["population_year"], first_year=data["first_year"],
                last_year=data["last_year"], notes=data["notes"],
                expected_version=int(request.POST.get("version") or 0) or None,
            )  # fmt: skip
        except (ValidationFailed, EditConflict) as error:
            _problems_to_form(form, error)
        else:
            messages.success(request, _("The funding scheme was saved."))
            return redirect("funding:page", network_id=network.pk)
    context = {"network": network, "form": form, "scheme": scheme, "title": _("Funding scheme")}
    return render(request, "funding/scheme_form.html", context)


def _scheme(network: Network) -> FundingScheme:
    return get_object_or_404(FundingScheme, network=network)


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    scheme = _scheme(network)
    form = BudgetForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        names, amounts, delete, new_line = form.parsed()
        try:
            services.budget_save(actor=request.user, scheme=scheme, names=names, amounts=amounts,
                                 delete=delete, new_line=new_line)  # fmt: skip
        except ValidationFailed as error:
            _problems_to_form(form, error)
        else:
            messages.success(request, _("The budget was saved."))
            return redirect(reverse("funding:page", args=[network.pk]) + "#funding-budget")
    return render(request, "funding/budget_form.html", {"network": network, "form": form, "scheme": scheme})


@login_required
@require_http_methods(["GET", "POST"])
def in_kind_edit(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    scheme = _scheme(network)
    form = InKindForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            services.in_kind_set(actor=request.user, scheme=scheme, contributions=form.parsed())
        except ValidationFailed as error:
            _problems_to_form(form, error)
        else:
            messages.success(request, _("The in-kind contributions were saved."))
            return redirect(reverse("funding:page", args=[network.pk]) + "#funding-in-kind")
    return render(request, "funding/in_kind_form.html", {"network": network, "form": form, "scheme": scheme})


@login_required
@require_POST
def scenario_add(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    scheme = _scheme(network)
    overview = funding_overview(network=network)
    form = ScenarioForm(request.POST, year_choices=_year_choices(overview))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.scenario_add(
                actor=request.user,
                scheme=scheme,
                name=data["name"],
                rate_eur=data["rate_eur"],
                population_year=data["population_year"],
            )
        except ValidationFailed as error:
            _problems_to_form(form, error)
        else:
            messages.success(request, _("The scenario was added."))
            return redirect(reverse("funding:page", args=[network.pk]) + "#funding-scenarios")
    context = {"network": network, "overview": overview, "can_manage": True, "rounding_rule": ROUNDING_RULE,
               "scenario_form": form}  # fmt: skip
    return render(request, "funding/funding.html", context, status=400)


@login_required
@require_POST
def scenario_delete(request: HttpRequest, network_id: int, scenario_id: int) -> HttpResponse:
    network = _network(request, network_id)
    scenario = get_object_or_404(FundingScenario, pk=scenario_id, scheme__network=network)
    services.scenario_delete(actor=request.user, scenario=scenario)
    messages.success(request, _("The scenario %(name)s was removed.") % {"name": scenario.name})
    return redirect(reverse("funding:page", args=[network.pk]) + "#funding-scenarios")


def _download(request: HttpRequest, network_id: int) -> tuple[Network, FundingOverview]:
    network = _network(request, network_id)
    overview = funding_overview(network=network)
    if overview.table is None:
        raise AccessDenied(_("%(name)s has no funding scheme yet.") % {"name": network.name})
    return network, overview


@login_required
@require_GET
def export_csv(request: HttpRequest, network_id: int) -> HttpResponse:
    network, overview = _download(request, network_id)
    assert overview.table is not None
    response = HttpResponse(table_csv(overview.table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(network.name)}-bijdragen.csv"'
    return response


@login_required
@require_GET
def export_xlsx(request: HttpRequest, network_id: int) -> HttpResponse:
    network, overview = _download(request, network_id)
    assert overview.table is not None
    response = HttpResponse(
        funding_xlsx(overview.table, overview=overview),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(network.name)}-bijdragen.xlsx"'
    return response
