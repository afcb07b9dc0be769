"""Writes of the explorer: a user's saved views (personal bookmarks, only the owner's own)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ivp.core.errors import AccessDenied, ValidationFailed

from .constants import SAVED_VIEW_NAME_MAX, SAVED_VIEWS_PER_USER
from .models import SavedView


def _signed_in(actor: Any) -> Any:
    if not getattr(actor, "is_authenticated", False):
        raise AccessDenied(_("Log in to save views."))
    return actor


@transaction.atomic
def saved_view_create(*, actor: Any, name: str, query: str) -> SavedView:
    """Save the explorer's query string under a name of the actor's own choosing."""
    user = _signed_in(actor)
    name = " ".join(name.split())
    query = query.strip().lstrip("?")
    problems = []
    if not name:
        problems.append(_("Give the view a name."))
    elif len(name) > SAVED_VIEW_NAME_MAX:
        problems.append(_("A name has at most %(max)d characters.") % {"max": SAVED_VIEW_NAME_MAX})
    elif SavedView.objects.filter(owner=user, name=name).exists():
        problems.append(_("You already have a view named '%(name)s'.") % {"name": name})
    if not query:
        problems.append(_("There is nothing to save: choose areas and crime types first."))
    if SavedView.objects.filter(owner=user).count() >= SAVED_VIEWS_PER_USER:
        problems.append(_("You have %(max)d saved views; delete one first.") % {"max": SAVED_VIEWS_PER_USER})
    if problems:
        raise ValidationFailed(problems)
    return SavedView.objects.create(owner=user, name=name, query=query)


def saved_view_delete(*, actor: Any, saved_view: SavedView) -> None:
    """Delete a saved view; only its owner may."""
    user = _signed_in(actor)
    if saved_view.owner_id != user.pk:
        raise AccessDenied(_("This view is not yours."))
    saved_view.delete()
