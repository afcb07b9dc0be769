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


def _normal_name(name: str) -> str:
    return " ".join(name.split())


def _name_problems(*, user: Any, name: str, saved_view: SavedView | None = None) -> list[str]:
    """What is wrong with a (normalised) name for one of the user's views; `saved_view` is the
    view being renamed, which may keep its own name."""
    others = SavedView.objects.filter(owner=user, name=name)
    if saved_view is not None:
        others = others.exclude(pk=saved_view.pk)
    if not name:
        return [_("Give the view a name.")]
    if len(name) > SAVED_VIEW_NAME_MAX:
        return [_("A name has at most %(max)d characters.") % {"max": SAVED_VIEW_NAME_MAX}]
    if others.exists():
        return [_("You already have a view named '%(name)s'.") % {"name": name}]
    return []


def _own(actor: Any, saved_view: SavedView) -> Any:
    user = _signed_in(actor)
    if saved_view.owner_id != user.pk:
        raise AccessDenied(_("This view is not yours."))
    return user


@transaction.atomic
def saved_view_create(*, actor: Any, name: str, query: str) -> SavedView:
    """Save the explorer's query string under a name of the actor's own choosing. Any signed-in
    user may, viewers too: a saved view is a personal bookmark, not the organisation's data."""
    user = _signed_in(actor)
    name = _normal_name(name)
    query = query.strip().lstrip("?")
    problems = _name_problems(user=user, name=name)
    if not query:
        problems.append(_("There is nothing to save: choose areas and crime types first."))
    if SavedView.objects.filter(owner=user).count() >= SAVED_VIEWS_PER_USER:
        problems.append(_("You have %(max)d saved views; delete one first.") % {"max": SAVED_VIEWS_PER_USER})
    if problems:
        raise ValidationFailed(problems)
    return SavedView.objects.create(owner=user, name=name, query=query)


@transaction.atomic
def saved_view_rename(*, actor: Any, saved_view: SavedView, name: str) -> SavedView:
    """Give a saved view another name; only its owner may."""
    user = _own(actor, saved_view)
    name = _normal_name(name)
    problems = _name_problems(user=user, name=name, saved_view=saved_view)
    if problems:
        raise ValidationFailed(problems)
    saved_view.name = name
    saved_view.save(update_fields=["name"])
    return saved_view


def saved_view_delete(*, actor: Any, saved_view: SavedView) -> None:
    """Delete a saved view; only its owner may."""
    _own(actor, saved_view)
    saved_view.delete()
