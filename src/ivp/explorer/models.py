from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import SAVED_VIEW_NAME_MAX


class SavedView(models.Model):
    """A user's named explorer view: the query string that reopens it. Only its owner sees it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=SAVED_VIEW_NAME_MAX)
    query = models.TextField(_("query string"), help_text="The explorer's state, as in its URL.")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_unique_owner_name"),
            models.CheckConstraint(condition=~models.Q(name=""), name="savedview_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name
