"""Pages of the plan editor: list, overview, forms for every part of a plan, history.

Views are thin: they parse a form, call one service and show the result. Who may see a plan
and who may change it is decided by `access.py` (and checked again by the services); a plan
the user may not see answers 404, a change the user may not make answers 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ivp.accounts.access import organisations_changeable_by
from ivp.areas.models import Area
from ivp.core.errors import AccessDenied, NotFoundError, ValidationFailed

from . import selectors, services
from .access import plan_can_change
from .constants import PlanStatus
from .forms import (
    ActionForm,
    EditorForm,
    IndicatorForm,
    IndicatorValueForm,
    ItemForm,
    PartnerForm,
    PlanBasicsForm,
    PlanCreateForm,
    PlanStatusForm,
    PortfolioHolderForm,
    SafetyFieldForm,
    ThemeForm,
)
from .models import (
    Action,
    Indicator,
    Partner,
    Plan,
    PlanItem,
    PlanRevision,
    PortfolioHolder,
    SafetyField,
    Theme,
)
from .overview import plan_overview, snapshot_diff
from .serialization import number, plan_to_dict

KEPT_INPUT = gettext_lazy(
    "Your input is kept in the form below and nothing was overwritten. Compare it with what is saved "
    "now; if you save again, your input replaces theirs."
)


# -- access ----------------------------------------------------------------------------------


def _visible_plan(request: HttpRequest, plan_id: int) -> Plan:
    """The plan, or 404 when it does not exist or the user may not see it (a private draft)."""
    try:
        return selectors.plan_get(plan=plan_id, user=request.user)
    except NotFoundError as exc:
        raise Http404(_("No such plan.")) from exc


def _changeable_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = _visible_plan(request, plan_id)
    if not plan_can_change(user=request.user, plan=plan):
        raise AccessDenied(_("You may not change the plan %(title)s.") % {"title": plan.title})
    return plan


def _detail(plan: Plan) -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan.pk})


def _municipality_names(codes: list[str]) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


# -- running a service from a form ------------------------------------------------------------


@dataclass
class Conflict:
    message: str
    rows: list[tuple[str, str, str]]  # label, saved now, your input


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return str(number(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return "; ".join(str(v) for v in items) or "—"
    return str(value)


def _conflict(form: EditorForm, message: str, current: dict[str, Any], version: int | None) -> Conflict:
    """What is saved now next to the user's input; the form is set to the current version so
    that saving again is a deliberate choice to replace the other person's changes."""
    rows = []
    for name, field in form.fields.items():
        if name in {"version", "position"} or name not in current:
            continue
        theirs, yours = _shown(current[name]), _shown(form.cleaned_data.get(name))
        if theirs != yours:
            rows.append((str(field.label), theirs, yours))
    if version is not None and isinstance(form.data, QueryDict):
        data = form.data.copy()
        data["version"] = str(version)
        form.data = data
    return Conflict(message=f"{message} {KEPT_INPUT}", rows=rows)


def _run(form: EditorForm, save: Callable[[], Any]) -> bool:
    """Call the service; put its problems next to the fields they are about. EditConflict passes."""
    try:
        save()
    except services.ItemInvalid as exc:
        for field, problems in exc.by_field.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return False
    except ValidationFailed as exc:
        for problem in exc.problems:
            form.add_error(None, problem)
        return False
    return True


def _form_page(
    request: HttpRequest, form: EditorForm, *, title: str, back: str, template: str = "plans/form_page.html",
    **context: Any,
) -> HttpResponse:  # fmt: skip
    """A page with one editor form; `back` is where Cancel goes."""
    form.mark_invalid()
    return render(request, template, {"form": form, "title": title, "back": back, **context})


# -- the list and a new plan -------------------------------------------------------------------


@login_required
@require_GET
def plan_list_view(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list(user=request.user)
    municipality = None
    code = request.GET.get("municipality", "").strip().upper()
    if code:
        municipality = Area.objects.filter(code=code).first()
        if municipality is None:
            raise Http404(code)
        plans = plans.filter(plan_municipalities__area=municipality)
    can_create = bool(organisations_changeable_by(user=request.user))
    context = {
        "plans": plans,
        "municipality": municipality,
        "can_create": can_create,
    }
    return render(request, "plans/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request: HttpRequest) -> HttpResponse:
    organisations = organisations_changeable_by(user=request.user)
    if not organisations:
        raise AccessDenied(_("You may not create plans: your account is read-only."))
    form = PlanCreateForm(request.POST or None, organisations=organisations)
    created: list[Plan] = []

    def save() -> None:
        data = form.cleaned_data
        areas = list(data["municipalities"])
        if not areas and data["organisation"].area_id and data["organisation"].kind == "municipality":
            areas = [data["organisation"].area]
        created.append(
            services.plan_create(
                actor=request.user, organisation=data["organisation"], title=data["title"],
                start_year=data["start_year"], end_year=data["end_year"], municipalities=areas,
                with_catalogue=data["with_catalogue"],
            )
        )  # fmt: skip

    if request.method == "POST" and form.is_valid() and _run(form, save):
        messages.success(request, _("Plan %(title)s was created as a draft.") % {"title": created[0].title})
        return redirect("plans:detail", plan_id=created[0].pk)
    intro = _(
        "A new plan starts as a draft that only the members of its organisations can see. "
        "You fill in the rest on the plan's page."
    )
    return _form_page(request, form, title=_("New plan"), back=reverse("plans:list"), intro=intro,
                      submit=_("Create plan"))  # fmt: skip


# -- the overview ------------------------------------------------------------------------------


def _edit_urls(plan: Plan) -> dict[tuple[str, str], str]:
    urls: dict[tuple[str, str], str] = {}

    def add(kind: str, slug: str, key: str, pk: int) -> None:
        urls[(kind, key)] = reverse(
            "plans:item-edit", kwargs={"plan_id": plan.pk, "kind": slug, "item_id": pk}
        )

    for field in plan.fields.all():
        add("field", "fields", field.code, field.pk)
    for theme in plan.themes.all():
        add("theme", "themes", theme.code, theme.pk)
    for partner in plan.partners.all():
        add("partner", "partners", partner.name, partner.pk)
    for holder in plan.portfolio_holders.all():
        add("holder", "holders", holder.name, holder.pk)
    for indicator in plan.indicators.all():
        add("indicator", "indicators", indicator.code, indicator.pk)
        urls[("values", indicator.code)] = reverse(
            "plans:indicator-values", kwargs={"plan_id": plan.pk, "item_id": indicator.pk}
        )
    for position, action in enumerate(plan.actions.all()):  # the order of plan_to_dict
        add("action", "actions", str(position), action.pk)
    return urls


def _doc_names(doc: dict[str, Any]) -> dict[str, str]:
    codes = list(doc.get("plan", {}).get("municipalities", []))
    for field in doc.get("fields", []):
        codes.extend(t["municipality"] for t in field.get("themes", []) if "municipality" in t)
    codes.extend(i["municipality"] for i in doc.get("indicators", []) if "municipality" in i)
    return _municipality_names(codes)


def _report_links(plan: Plan) -> list[dict[str, str]]:
    """Links to the pages of the reports app (ivp.reports), when it is installed."""
    links = []
    pages = (("reports:annual-latest", _("Annual report")), ("reports:glance", _("Plan at a glance")))
    for name, label in pages:
        try:
            links.append({"url": reverse(name, kwargs={"plan_id": plan.pk}), "label": label})
        except NoReverseMatch:
            continue
    return links


@login_required
@require_GET
def plan_detail_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    can_change = plan_can_change(user=request.user, plan=plan)
    doc = plan_to_dict(plan)
    urls = _edit_urls(plan)
    overview = plan_overview(
        doc,
        names=_doc_names(doc),
        edit=lambda kind, key: urls.get((kind, key)) if can_change else None,
        values_url=lambda kind, key: urls.get(("values", key)),
    )
    context = {"plan": plan, "doc": overview, "can_change": can_change, "report_links": _report_links(plan)}
    return render(request, "plans/plan_detail.html", context)


# -- the plan itself: basics and status --------------------------------------------------------


def _conflict_or_saved(
    request: HttpRequest,
    form: EditorForm,
    save: Callable[[], Any],
    current: Callable[[], tuple[dict[str, Any], int]],
) -> tuple[bool, Conflict | None]:
    try:
        return _run(form, save), None
    except services.EditConflict as exc:
        values, version = current()
        return False, _conflict(form, str(exc), values, version)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _changeable_plan(request, plan_id)
    form = PlanBasicsForm(request.POST or None, initial=PlanBasicsForm.initial_from(plan))
    conflict = None
    if request.method == "POST" and form.is_valid():

        def save() -> None:
            services.item_update(actor=request.user, item=plan, data=form.to_data(),
                                 expected_version=form.cleaned_data["version"])  # fmt: skip

        def current() -> tuple[dict[str, Any], int]:
            fresh = Plan.objects.get(pk=plan.pk)
            return PlanBasicsForm.initial_from(fresh), fresh.version

        saved, conflict = _conflict_or_saved(request, form, save, current)
        if saved:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:detail", plan_id=plan.pk)
    title = _("Edit plan %(title)s") % {"title": plan.title}
    return _form_page(request, form, title=title, back=_detail(plan), plan=plan, conflict=conflict,
                      crumb=_("Edit plan"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan_status_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _changeable_plan(request, plan_id)
    initial = {"version": plan.version, "status": plan.status, "adopted_on": plan.adopted_on,
               "adopted_by": plan.adopted_by}  # fmt: skip
    form = PlanStatusForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> None:
            services.plan_status_set(
                actor=request.user, plan=plan, status=PlanStatus(data["status"]),
                expected_version=data["version"], adopted_on=data["adopted_on"],
                adopted_by=data["adopted_by"],
            )  # fmt: skip

        def current() -> tuple[dict[str, Any], int]:
            fresh = Plan.objects.get(pk=plan.pk)
            values = {"status": fresh.status, "adopted_on": fresh.adopted_on, "adopted_by": fresh.adopted_by}
            return values, fresh.version

        saved, conflict = _conflict_or_saved(request, form, save, current)
        if saved:
            messages.success(request, _("The status of the plan was changed."))
            return redirect("plans:detail", plan_id=plan.pk)
    intro = _(
        "Adopt the plan with the date and the body that adopted it (usually the council), mark it "
        "superseded when a new plan replaces it, or set it back to draft. A draft is only visible to "
        "the members of the plan's organisations; an adopted plan is visible to every signed-in user."
    )
    title = _("Status of %(title)s") % {"title": plan.title}
    return _form_page(request, form, title=title, back=_detail(plan), plan=plan, conflict=conflict,
                      crumb=_("Status"), intro=intro)  # fmt: skip


# -- items: safety fields, themes, partners, portfolio holders, indicators, actions -----------


@dataclass(frozen=True)
class Kind:
    model: type[PlanItem]
    form: type[ItemForm]
    noun: Promise
    new_title: Promise
    section: str  # the section of the overview page


KINDS: dict[str, Kind] = {
    "fields": Kind(SafetyField, SafetyFieldForm, gettext_lazy("safety field"),
                   gettext_lazy("New safety field"), "fields"),
    "themes": Kind(Theme, ThemeForm, gettext_lazy("theme"), gettext_lazy("New theme"), "fields"),
    "partners": Kind(Partner, PartnerForm, gettext_lazy("partner"), gettext_lazy("New partner"), "partners"),
    "holders": Kind(PortfolioHolder, PortfolioHolderForm, gettext_lazy("portfolio holder"),
                    gettext_lazy("New portfolio holder"), "holders"),
    "indicators": Kind(Indicator, IndicatorForm, gettext_lazy("indicator"), gettext_lazy("New indicator"),
                       "indicators"),
    "actions": Kind(Action, ActionForm, gettext_lazy("action"), gettext_lazy("New action"), "actions"),
}  # fmt: skip


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404(slug)
    return KINDS[slug]


def _item(plan: Plan, kind: Kind, item_id: int) -> PlanItem:
    item = kind.model._default_manager.filter(pk=item_id, **{"plan": plan}).first()
    if item is None:
        raise Http404(str(item_id))
    return item


def _back(plan: Plan, kind: Kind) -> str:
    return _detail(plan) + f"#{kind.section}"


@login_required
@require_http_methods(["GET", "POST"])
def item_create_view(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    plan = _changeable_plan(request, plan_id)
    spec = _kind(kind)
    initial: dict[str, Any] = {"position": spec.model._default_manager.filter(**{"plan": plan}).count()}
    if spec.model is Theme and request.GET.get("field"):
        initial["field"] = SafetyField.objects.filter(plan=plan, code=request.GET["field"]).first()
    if spec.model is Action and request.GET.get("year", "").isdigit():
        initial["year"] = int(request.GET["year"])
    form = spec.form(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        created: list[models.Model] = []

        def save() -> None:
            created.append(
                services.item_create(actor=request.user, plan=plan, model=spec.model, data=form.to_data())
            )

        if _run(form, save):
            messages.success(request, _("“%(item)s” was added.") % {"item": created[0]})
            return redirect(_back(plan, spec))
    return _form_page(request, form, title=str(spec.new_title), back=_back(plan, spec), plan=plan)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit_view(request: HttpRequest, plan_id: int, kind: str, item_id: int) -> HttpResponse:
    plan = _changeable_plan(request, plan_id)
    spec = _kind(kind)
    item = _item(plan, spec, item_id)
    form = spec.form(request.POST or None, plan=plan, initial=spec.form.initial_from(item))
    conflict = None
    if request.method == "POST" and form.is_valid():

        def save() -> None:
            version = form.cleaned_data.get("version")
            services.item_update(
                actor=request.user, item=item, data=form.to_data(), expected_version=version or 0
            )

        def current() -> tuple[dict[str, Any], int]:
            fresh = spec.model._default_manager.filter(pk=item.pk).first()
            if fresh is None:
                return {}, 0
            return spec.form.initial_from(fresh), fresh.version

        saved, conflict = _conflict_or_saved(request, form, save, current)
        if saved:
            messages.success(request, _("“%(item)s” was saved.") % {"item": item})
            return redirect(_back(plan, spec))
    title = capfirst(_("Edit %(kind)s %(item)s") % {"kind": spec.noun, "item": item})
    delete_url = reverse("plans:item-delete", kwargs={"plan_id": plan.pk, "kind": kind, "item_id": item.pk})
    delete_label = _("Delete this %(kind)s") % {"kind": spec.noun}
    return _form_page(request, form, title=title, back=_back(plan, spec), plan=plan, conflict=conflict,
                      delete_url=delete_url, delete_label=delete_label)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def item_delete_view(request: HttpRequest, plan_id: int, kind: str, item_id: int) -> HttpResponse:
    plan = _changeable_plan(request, plan_id)
    spec = _kind(kind)
    item = _item(plan, spec, item_id)
    problems: list[str] = []
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            services.item_delete(actor=request.user, item=item, expected_version=int(version or 0))
        except (services.EditConflict, ValidationFailed) as exc:
            problems = exc.problems if isinstance(exc, ValidationFailed) else [str(exc)]
        else:
            messages.success(request, _("“%(item)s” was deleted.") % {"item": item})
            return redirect(_back(plan, spec))
    context = {"plan": plan, "spec": spec, "item": item, "problems": problems, "back": _back(plan, spec)}
    return render(request, "plans/item_confirm_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_values_view(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    """The values entered for an indicator (all of them, as history) and a form to add one."""
    plan = _visible_plan(request, plan_id)
    indicator = _item(plan, KINDS["indicators"], item_id)
    assert isinstance(indicator, Indicator)
    can_change = plan_can_change(user=request.user, plan=plan) and not indicator.is_linked
    if request.method == "POST" and not can_change:
        raise AccessDenied(_("You may not change the plan %(title)s.") % {"title": plan.title})
    form = IndicatorValueForm(request.POST or None, initial={"year": dt.date.today().year - 1})
    if request.method == "POST" and form.is_valid():

        def save() -> None:
            services.indicator_value_add(actor=request.user, indicator=indicator, **form.cleaned_data)

        if _run(form, save):
            messages.success(request, _("The value was added."))
            return redirect("plans:indicator-values", plan_id=plan.pk, item_id=indicator.pk)
    values = indicator.values.select_related("entered_by").order_by("-year", "-entered_at", "-pk")
    latest: dict[int, int] = {}
    for value in values:
        latest.setdefault(value.year, value.pk)
    context = {"plan": plan, "indicator": indicator, "values": values, "counting": set(latest.values()),
               "can_change": can_change}  # fmt: skip
    return _form_page(request, form, title="", back=_detail(plan) + "#indicators",
                      template="plans/indicator_values.html", **context)  # fmt: skip


# -- history -----------------------------------------------------------------------------------


def _change_rows(revision: PlanRevision) -> list[tuple[str, str, str]]:
    """A revision's changes as (what, old, new), with the field's name as a reader knows it."""
    try:
        model: type[models.Model] | None = apps.get_model("plans", revision.object_type)
    except LookupError:
        model = None
    rows = []
    for name, (old, new) in revision.changes.items():
        if name == "deleted":
            label = _("deleted")
        elif name.startswith("value "):
            label = _("value %(year)s") % {"year": name.removeprefix("value ")}
        else:
            label = name
            if model is not None:
                try:
                    label = str(getattr(model._meta.get_field(name), "verbose_name", name))
                except FieldDoesNotExist:
                    label = name
        rows.append((label, _shown(old), _shown(new)))
    return rows


@login_required
@require_GET
def plan_history_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    revisions = plan.revisions.select_related("user").order_by("-number")
    page = Paginator(revisions, 50).get_page(request.GET.get("page"))
    rows = [(revision, _change_rows(revision)) for revision in page.object_list]
    return render(request, "plans/plan_history.html", {"plan": plan, "page": page, "rows": rows})


@login_required
@require_GET
def plan_revision_view(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """An earlier version of the plan, read-only, with what changed since the version before it."""
    plan = _visible_plan(request, plan_id)
    revision = plan.revisions.select_related("user").filter(number=number).first()
    if revision is None:
        raise Http404(str(number))
    previous = plan.revisions.filter(number__lt=number).order_by("-number").first()
    doc = revision.snapshot
    context = {
        "plan": plan,
        "revision": revision,
        "previous": previous,
        "changes": _change_rows(revision),
        "diff": snapshot_diff(previous.snapshot if previous else None, doc),
        "doc": plan_overview(doc, names=_doc_names(doc)),
        "can_change": False,
    }
    return render(request, "plans/plan_revision.html", context)
