from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .audit import audit_entries, audit_scope_for


@require_GET
def audit_view(request: HttpRequest) -> HttpResponse:
    """Who changed what and when; administrators only (403 for everyone else)."""
    scope = audit_scope_for(user=request.user)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    entries, has_next = audit_entries(scope=scope, page=min(page, 10_000))
    context = {
        "entries": entries,
        "page": page,
        "has_next": has_next,
        "everything": scope.allows_everything(),
    }
    return render(request, "ops/audit.html", context)
