"""The audit trail shared by every app: who changed what and when. Append-only.

Apps record an event with `ivp.core.audit.audit_record(...)` from the service that makes the
change (never from a signal or `save()`). Rows are never edited: the admin offers no change or
delete, no service updates them, and a database trigger refuses any UPDATE (see the migration).
Plans keep their own, richer history (`ivp.plans.models.PlanRevision`); the audit page
(`ivp.ops`) shows both side by side.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,  # an account with history is deactivated, not deleted
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for changes made by the system or the command line without a user."),
    )
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    app = models.CharField(_("part"), max_length=40, help_text=_("The app that recorded it, e.g. networks."))
    action = models.CharField(_("action"), max_length=40, help_text=_("E.g. created, changed, decided."))
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    summary = models.TextField(_("what"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text="Field: [old, new].")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.CheckConstraint(condition=~models.Q(app=""), name="auditevent_app_set"),
            models.CheckConstraint(condition=~models.Q(action=""), name="auditevent_action_set"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
