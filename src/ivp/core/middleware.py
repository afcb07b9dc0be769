"""The interface language: Dutch for everyone, English only when the user chooses it.

Django's `LocaleMiddleware` follows the browser's `Accept-Language` header, so a coordinator
whose browser happened to be set to English got English pages. ivp is Dutch first: a page is in
the language the user chose with the language switch in the header (`/i18n/setlang/`, which
stores the choice in the language cookie), and otherwise in `LANGUAGE_CODE` (Dutch). The
browser's preference is not a choice.

The REST API under `/api/` keeps Django's rule: an API client has no language switch, and
`docs/api.md` documents `Accept-Language` as the way it asks for English problem details.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


def chosen_language(request: HttpRequest) -> str:
    """The language the user chose (the language cookie), or the site language."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return str(settings.LANGUAGE_CODE)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's middleware, without `Accept-Language` outside the API (see the module)."""

    def process_request(self, request: HttpRequest) -> None:
        if _is_api(request):
            super().process_request(request)
            return
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if _is_api(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))  # the language depends on the cookie only
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
