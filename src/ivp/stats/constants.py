from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    """The code lists. Politie and CBS crime codes are different classifications: never mixed."""

    POLITIE = "politie", _("Police crime types (SoortMisdrijf)")
    CBS = "cbs", _("CBS crime types (83648NED)")
    OVERLAST = "overlast", _("Police nuisance types (Overlast)")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunMode(models.TextChoices):
    FILE = "file", _("File")
    LIVE = "live", _("Live API")
