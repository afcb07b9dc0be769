from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ivp.core.errors import IvpError, ValidationFailed

from . import selectors, services
from .charts import explorer_chart, explorer_map_spec, series_count
from .constants import (
    BOUNDARIES_YEAR,
    MAX_AREAS,
    MAX_CHART_SERIES,
    MAX_CRIME_TYPES,
    MAX_ROWS,
    ChartKind,
    CsvDialect,
    Measure,
)
from .downloads import csv_dialect_default, result_csv, result_xlsx
from .forms import (
    CLASSIFICATIONS,
    GRAIN_CHOICES,
    ExplorerForm,
    SavedViewForm,
    SavedViewRenameForm,
    split_texts,
)


def _page_url(request: HttpRequest, query: str) -> str:
    return request.build_absolute_uri(f"{reverse('explorer:explorer')}?{query}")


def _context(request: HttpRequest, form: ExplorerForm) -> dict[str, Any]:
    """Everything the form needs, whether or not there is a result. What was chosen is kept,
    also when part of it is wrong: known areas stay ticked, unknown ones stay in the text box."""
    data = request.GET
    chosen_areas, unknown_areas = selectors.areas_found(texts=split_texts(data.getlist("area")))
    chosen_crimes = set(split_texts(data.getlist("crime")))
    trees = [(c, selectors.crime_type_tree(classification=c)) for c in CLASSIFICATIONS]
    names = {"politie": _("Police crime types"), "cbs": _("CBS crime types")}
    first, last = selectors.default_years()
    return {
        "form": form,
        "errors": form.error_list() if form.is_bound else [],
        "chosen_areas": chosen_areas,
        "unknown_areas": ", ".join(unknown_areas),
        "area_options": selectors.area_options(),
        "crime_trees": [(names[c], c, tree) for c, tree in trees],
        "chosen_crimes": chosen_crimes,
        "open_keys": selectors.tree_open_keys(trees=[t for _c, t in trees], chosen=chosen_crimes),
        "value_from": data.get("from", str(first)),
        "value_to": data.get("to", str(last)),
        "value_grain": data.get("grain", "year"),
        "value_measure": data.get("measure", Measure.COUNT),
        "value_chart": data.get("chart", ChartKind.LINE),
        "grain_choices": GRAIN_CHOICES,
        "measure_choices": Measure.choices,
        "chart_choices": ChartKind.choices,
        "limits": {
            "areas": MAX_AREAS,
            "crimes": MAX_CRIME_TYPES,
            "rows": MAX_ROWS,
            "series": MAX_CHART_SERIES,
        },
        "saved_views": selectors.saved_view_list(user=request.user),
        "boundaries_year": BOUNDARIES_YEAR,
    }


@require_GET
def explorer_view(request: HttpRequest) -> HttpResponse:
    form = ExplorerForm(request.GET or None)
    context = _context(request, form) if not form.is_bound or not form.is_valid() else None
    if form.selection is None:
        assert context is not None
        return render(request, "explorer/explorer.html", context, status=400 if form.is_bound else 200)
    query = form.selection.query_string()
    if request.META.get("QUERY_STRING", "") != query:  # one canonical URL per view
        return redirect(f"{reverse('explorer:explorer')}?{query}")
    context = _context(request, form)
    try:
        result = selectors.explorer_result(selection=form.selection)
        map_result = selectors.explorer_map(selection=form.selection)
    except (IvpError, ValueError) as exc:
        context["errors"] = [("", "", str(exc))]
        return render(request, "explorer/explorer.html", context, status=400)
    context |= {
        "result": result,
        "table": result.table(),
        "first_label": form.selection.periods[0].label(),
        "last_label": form.selection.periods[-1].label(),
        "query": query,
        "page_url": _page_url(request, query),
        "chart": explorer_chart(result),
        "series_count": series_count(result),
        "map": map_result,
        "map_spec": explorer_map_spec(map_result, boundaries_url=reverse("explorer:boundaries")),
        "save_form": SavedViewForm(initial={"query": query}),
        "csv_links": _csv_links(query),
    }
    return render(request, "explorer/explorer.html", context)


def _csv_dialect(request: HttpRequest) -> CsvDialect | None:
    """`?dialect=` of a CSV download, or the interface language's; None when unknown."""
    text = request.GET.get("dialect", "")
    if not text:
        return csv_dialect_default()
    return CsvDialect(text) if text in CsvDialect.values else None


def _csv_links(query: str) -> list[tuple[str, str, str]]:
    """(id, URL, text) of the CSV downloads: the interface language's variant first."""
    default = csv_dialect_default()
    url = f"{reverse('explorer:csv')}?{query}"
    links = [("download-csv", url, _("Download as CSV (%(variant)s)") % {"variant": default.label})]
    for dialect in CsvDialect:
        if dialect != default:
            text = _("Download as CSV (%(variant)s)") % {"variant": dialect.label}
            links.append((f"download-csv-{dialect.value}", f"{url}&dialect={dialect.value}", text))
    return links


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    form = ExplorerForm(request.GET or None)
    if not form.is_bound or not form.is_valid() or form.selection is None:
        return render(request, "explorer/explorer.html", _context(request, form), status=400)
    dialect = _csv_dialect(request) if kind == "csv" else None
    if kind == "csv" and dialect is None:
        problem = _("There is no CSV variant '%(dialect)s'; choose %(choices)s.") % {
            "dialect": request.GET.get("dialect", ""),
            "choices": ", ".join(CsvDialect.values),
        }
        context = _context(request, form) | {"errors": [("", "", problem)]}
        return render(request, "explorer/explorer.html", context, status=400)
    query = form.selection.query_string()
    try:
        result = selectors.explorer_result(selection=form.selection)
    except (IvpError, ValueError) as exc:
        context = _context(request, form) | {"errors": [("", "", str(exc))]}
        return render(request, "explorer/explorer.html", context, status=400)
    url = _page_url(request, query)
    name = f"ivp-verkenner-{dt.date.today():%Y%m%d}"
    if dialect is not None:
        response = HttpResponse(
            result_csv(result, url=url, dialect=dialect), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            result_xlsx(result, url=url),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@require_GET
def explorer_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@require_GET
def explorer_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


@require_GET
def boundaries(request: HttpRequest) -> FileResponse:
    """The bundled municipal boundaries (TopoJSON) for the map."""
    path = selectors.boundaries_path()
    if not path.is_file():
        raise Http404("boundaries")
    response = FileResponse(path.open("rb"), content_type="application/json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# Saved views are personal bookmarks: any signed-in user (viewers too) saves, renames and deletes
# their own, never anyone else's (ReadOnlyViewerMiddleware lets these three URLs through).


def _messages_of(request: HttpRequest, problems: Any) -> None:
    for problem in problems:
        messages.error(request, str(problem))


def _back(request: HttpRequest) -> str:
    """Back to the explorer page the form was on (never elsewhere)."""
    back = request.POST.get("next", "")
    return back if back.startswith(reverse("explorer:explorer")) else reverse("explorer:explorer")


@login_required
@require_POST
def saved_view_create_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    back = f"{reverse('explorer:explorer')}?{query}" if query else reverse("explorer:explorer")
    if not form.is_valid():
        _messages_of(request, [e for errors in form.errors.values() for e in errors])
        return redirect(back)
    try:
        view = services.saved_view_create(
            actor=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
        )
    except ValidationFailed as exc:
        _messages_of(request, exc.problems)
        return redirect(back)
    messages.success(request, _("The view '%(name)s' was saved.") % {"name": view.name})
    return redirect(f"{reverse('explorer:explorer')}?{view.query}")


@login_required
@require_POST
def saved_view_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.saved_view_get(user=request.user, pk=pk)
    if view is None:
        raise Http404("saved view")
    form = SavedViewRenameForm(request.POST)
    if not form.is_valid():
        _messages_of(request, [e for errors in form.errors.values() for e in errors])
        return redirect(_back(request))
    old_name = view.name
    try:
        services.saved_view_rename(actor=request.user, saved_view=view, name=form.cleaned_data["name"])
    except ValidationFailed as exc:
        _messages_of(request, exc.problems)
        return redirect(_back(request))
    messages.success(
        request, _("The view '%(old)s' is now called '%(name)s'.") % {"old": old_name, "name": view.name}
    )
    return redirect(_back(request))


@login_required
@require_POST
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.saved_view_get(user=request.user, pk=pk)
    if view is None:
        raise Http404("saved view")
    services.saved_view_delete(actor=request.user, saved_view=view)
    messages.success(request, _("The view '%(name)s' was deleted.") % {"name": view.name})
    return redirect(_back(request))
