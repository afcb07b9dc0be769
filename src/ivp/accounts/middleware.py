"""A second line of defence: a signed-in user without any changing role cannot send a change.

Services check each change against the organisation it belongs to (see access.py); this
middleware refuses every unsafe request (POST, PUT, PATCH, DELETE) from read-only users before
any view runs, except signing out and choosing the interface language, and the few URLs that
change nothing of an organisation's data (`PERSONAL_FOR_VIEWERS`, listed one by one) or that a
signed token authorises (`TOKEN_AUTHORISED`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from ivp.core.errors import AccessDenied

from .access import can_change_anything

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Not an organisation's data, so not a change in the sense of the roles: a user's own saved
# explorer views (personal bookmarks; the views find only the user's own, the services check the
# owner again).
PERSONAL_FOR_VIEWERS = frozenset({
    "explorer:saved-view-create", "explorer:saved-view-rename", "explorer:saved-view-delete",
})  # fmt: skip
# Authorised by a signed token, not by who is signed in: a bulletin recipient's unsubscribe link.
TOKEN_AUTHORISED = frozenset({"bulletins:unsubscribe"})
ALLOWED_FOR_VIEWERS = (
    frozenset({"accounts:logout", "accounts:login", "set_language"}) | PERSONAL_FOR_VIEWERS | TOKEN_AUTHORISED
)
# A user's own API token (made, replaced or revoked on the account page): not an organisation's
# data either; the views act on the signed-in user's token only.
OWN_TOKEN_FOR_VIEWERS = frozenset({"accounts:token-create", "accounts:token-revoke"})
ALLOWED_FOR_VIEWERS |= OWN_TOKEN_FOR_VIEWERS


class ReadOnlyViewerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and request.user.is_authenticated:
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = ""
            if view_name not in ALLOWED_FOR_VIEWERS and not can_change_anything(user=request.user):
                raise AccessDenied(_("Your account may read but not change anything."))
        return self.get_response(request)
