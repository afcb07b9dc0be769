from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import IngestRun
from .selectors import store_status


@require_GET
def data_status(request: HttpRequest) -> HttpResponse:
    """What statistics are loaded, from where and of when, and the most recent loads."""
    status = store_status()
    runs = IngestRun.objects.all()[:20]
    return render(request, "stats/status.html", {"status": status, "runs": runs})


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(IngestRun, pk=pk)
    return render(request, "stats/run_detail.html", {"run": run})
