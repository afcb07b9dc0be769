from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ivp.areas.constants import AreaKind
from ivp.areas.selectors import area_search, municipality_list, region_list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Search for a municipality; the full list, grouped by province, is below it."""
    query = request.GET.get("q", "").strip()[:100]
    results = area_search(query=query, limit=50) if query else []
    provinces = [
        (province, list(municipality_list(region=province)))
        for province in region_list(kinds=[AreaKind.PROVINCE]).order_by("name")
    ]
    regions = {
        "police_units": region_list(kinds=[AreaKind.POLICE_UNIT]),
        "safety_regions": region_list(kinds=[AreaKind.SAFETY_REGION]),
    }
    context = {"query": query, "results": results, "provinces": provinces, **regions}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "search-results":
        return render(request, "core/_search_results.html", context)
    return render(request, "core/home.html", context)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    reading = request.method in ("GET", "HEAD")  # a page refused to read, not a change refused
    return render(request, "core/403.html", {"message": message, "reading": reading}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)
