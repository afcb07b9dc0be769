"""Reads on users and their memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from .access import AnyUser, _as_user
from .models import Membership


def membership_list_for(*, user: AnyUser) -> QuerySet[Membership]:
    real = _as_user(user)
    if real is None:
        return Membership.objects.none()
    return Membership.objects.filter(user=real).select_related("organisation", "organisation__area")
