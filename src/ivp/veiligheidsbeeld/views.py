from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from ivp.areas.selectors import area_by_code, group_list, municipality_list
from ivp.core.errors import NotFoundError, ValidationFailed

from .periods import ReportPeriod, report_period_parse
from .report import TEMPLATE, report_context, report_filename, veiligheidsbeeld_pdf
from .selectors import latest_period, veiligheidsbeeld_get


def _period_choices(latest: ReportPeriod) -> list[ReportPeriod]:
    choices = []
    for year in range(latest.year, latest.year - 6, -1):
        choices += [ReportPeriod(year), ReportPeriod(year, 2), ReportPeriod(year, 1)]
    return [c for c in choices if c <= ReportPeriod(latest.year, 2) or c.year < latest.year]


@require_GET
def veiligheidsbeeld_index(request: HttpRequest) -> HttpResponse:
    """Choose a municipality (and a period); the choice opens its page."""
    code = request.GET.get("area", "").strip()
    if code:
        query = {"period": request.GET["period"]} if request.GET.get("period") else {}
        url = reverse("veiligheidsbeeld:page", args=[code.upper()])
        return redirect(f"{url}?{urlencode(query)}" if query else url)
    latest = latest_period()
    context = {
        "municipalities": municipality_list(),
        "period_choices": _period_choices(latest),
        "latest": latest,
    }
    return render(request, "veiligheidsbeeld/index.html", context)


@require_GET
def veiligheidsbeeld_page(request: HttpRequest, code: str) -> HttpResponse:
    """The veiligheidsbeeld of a municipality for `?period=` (a year or a half year), also as
    a PDF (`?format=pdf`); `?group=` adds a user-defined group to the comparisons."""
    area = area_by_code(code=code)
    if area is None or not area.is_municipality:
        raise Http404(code)
    latest = latest_period()
    text = request.GET.get("period", "").strip()
    group_code = request.GET.get("group", "").strip() or None
    try:
        period = report_period_parse(text) if text else latest
        picture = veiligheidsbeeld_get(area_code=area.code, period=period, group_code=group_code)
    except (ValidationFailed, NotFoundError) as error:
        raise Http404(str(error)) from error
    if request.GET.get("format") == "pdf":
        response = HttpResponse(veiligheidsbeeld_pdf(picture), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report_filename(picture, "pdf")}"'
        return response
    query = {"period": period.code, "format": "pdf"} | ({"group": group_code} if group_code else {})
    context = report_context(picture) | {
        "period_choices": _period_choices(latest),
        "group_choices": group_list(),
        "group_code": group_code or "",
        "pdf_url": f"{request.path}?{urlencode(query)}",
    }
    return render(request, TEMPLATE, context)
