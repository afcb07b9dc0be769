from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    NETWORK = "network", _("Safety network")
    POLICE = "police", _("Police")
    PUBLIC_PROSECUTOR = "public_prosecutor", _("Public Prosecution Service (OM)")
    RIEC = "riec", _("RIEC")
    SAFETY_REGION = "safety_region", _("Safety region")
    OTHER = "other", _("Other partner")


class Role(models.TextChoices):
    """A user's role within one organisation. Only VIEWER is read-only."""

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


CHANGING_ROLES = frozenset({Role.EDITOR, Role.NETWORK_COORDINATOR, Role.ADMINISTRATOR})
