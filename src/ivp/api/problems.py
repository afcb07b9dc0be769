"""One error shape for the whole API: RFC 7807 problem details (`application/problem+json`).

Every error under /api/ has `type`, `title`, `status`, `detail` and `instance`; a validation
error adds `invalid_params` [{name, reason}] (the Dutch API design rules' extension). DRF errors
go through `exception_handler`; Django's own 400/403/404/500 pages (a URL that matches nothing,
the read-only middleware, an uncaught exception) are replaced for /api/ paths by the handlers at
the bottom, which `ivp.conf.urls` installs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from ivp.core import views as core_views
from ivp.core.errors import IvpError, NotFoundError, ValidationFailed
from ivp.plans.services import EditConflict, ItemInvalid
from ivp.stats.periods import PeriodError

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"
TYPE_PREFIX = "urn:ivp:problem:"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The item was changed by someone else."
    default_code = "edit-conflict"


class TooManyRows(exceptions.APIException):
    status_code = 400
    default_code = "too-many-rows"


def _titles() -> dict[int, str]:
    return {
        400: _("Invalid request"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Edit conflict"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def problem(
    *,
    status: int,
    detail: str,
    instance: str,
    code: str | None = None,
    invalid_params: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The problem document for an error (see the module docstring)."""
    title = _titles().get(status) or HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{code}" if code else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if invalid_params is not None:
        body["invalid_params"] = invalid_params
    return body


def _flatten(detail: Any, name: str = "") -> Iterator[dict[str, str]]:
    """DRF's nested error detail as [{name: "field.sub", reason}]."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{name}.{key}" if name else str(key))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            yield from _flatten(value, f"{name}.{index}" if isinstance(value, dict | list) and name else name)
    else:
        yield {"name": name or "non_field_errors", "reason": str(detail)}


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """Our domain errors and Django's as the DRF exception with the right status."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, EditConflict):
        return Conflict(str(exc))
    if isinstance(exc, ItemInvalid):  # the services name the (model) field of each problem
        return exceptions.ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): problems
                for name, problems in exc.by_field.items()
            }
        )
    if isinstance(exc, ValidationFailed):
        return exceptions.ValidationError({"non_field_errors": exc.problems})
    if isinstance(exc, NotFoundError | Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, IvpError | PeriodError):
        return exceptions.ValidationError({"non_field_errors": [str(exc)]})
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error as a problem document. Unknown exceptions return
    None, so Django's 500 handler (below) answers them."""
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None
    request = context["request"]
    headers: dict[str, str] = {}
    if auth_header := getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    invalid_params = None
    if isinstance(api_exc, exceptions.ValidationError):
        invalid_params = list(_flatten(api_exc.detail))
        detail = " ".join(
            p["reason"] if p["name"] == "non_field_errors" else f"{p['name']}: {p['reason']}"
            for p in invalid_params
        )
        code: str | None = "validation"
    else:
        detail = str(api_exc.detail)
        code = api_exc.default_code if isinstance(api_exc, Conflict | TooManyRows) else None
    body = problem(
        status=api_exc.status_code,
        detail=detail,
        instance=request.path,
        code=code,
        invalid_params=invalid_params,
    )
    return Response(body, status=api_exc.status_code, headers=headers, content_type=CONTENT_TYPE)


# --- Django's handlers, API-aware -----------------------------------------------------------


def _problem_response(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    body = problem(status=status, detail=detail, instance=request.path)
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _problem_response(request, 400, _("The request could not be understood."))
    from django.views.defaults import bad_request as default

    return default(request, exception or Exception())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        detail = str(exception) if exception and str(exception) else _("You may not do this.")
        return _problem_response(request, 403, detail)
    return core_views.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _problem_response(request, 404, _("There is nothing at this address."))
    return core_views.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _problem_response(
            request, 500, _("Something went wrong on the server. It has been logged; please try again later.")
        )
    from django.views.defaults import server_error as default

    return default(request)
