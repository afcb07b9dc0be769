"""Choices of the yearly council report (jaarrapportage)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

CONTENT_FORMAT = 1
"""Version of the report content (the snapshot kept by a final edition)."""


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class SectionKind(models.TextChoices):
    """The sections of the report that carry an editable narrative, in the report's order."""

    INTRODUCTION = "introduction", _("Introduction")
    PRIORITY = "priority", _("Priority")
    INDICATORS = "indicators", _("Indicators")
    UITVOERINGSPLAN = "uitvoeringsplan", _("Implementation plan")
    PARTNERS = "partners", _("Partners")
    CONCLUSION = "conclusion", _("Conclusion")


PLAIN_SECTIONS = [k for k in SectionKind if k != SectionKind.PRIORITY]
"""Sections with one narrative each (a priority section has one per priority)."""
