"""Who may call the API: signed-in users; unsafe methods only for users with a changing role.

This mirrors `ivp.accounts.middleware.ReadOnlyViewerMiddleware` for requests authenticated by
token (the middleware runs before DRF authenticates a token, so it sees them as anonymous). The
services check every change against the organisation it belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from rest_framework.views import APIView

from ivp.accounts.access import can_change_anything


class SignedInReadOnlyForViewers(BasePermission):
    message = _("Your account may read but not change anything.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_change_anything(user=user)
