"""Hooks for django-axes (login throttling): the client's address and the lock-out page.

See docs/security.md. A username is locked for one client address after
`AXES_FAILURE_LIMIT` failed attempts, for `AXES_COOLOFF_TIME`; the page says so in the
user's language and answers 429 (Too Many Requests).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind IVP_TRUSTED_PROXIES proxies the address the
    outermost trusted proxy put in X-Forwarded-For (entries further left can be forged)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "IVP_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if p.strip()]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def lockout_minutes() -> int:
    return math.ceil(float(settings.AXES_COOLOFF_TIME) * 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page shown instead of the login result while the username+address is locked."""
    context = {"minutes": lockout_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "core/locked_out.html", context, status=429)
