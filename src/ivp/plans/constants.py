"""Choices and the standard catalogue of the integral safety plan (Kernbeleid Veiligheid)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PLAN_FORMAT_VERSION = 1
"""Version of the plan file format (docs/plan-format.md); raised on incompatible changes."""


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


class PartnerKind(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class IndicatorSource(models.TextChoices):
    POLICE = "police", _("Police (statistics)")
    SURVEY = "survey", _("Survey")
    OWN = "own", _("Own registration")
    PARTNER = "partner", _("Partner")


class IndicatorUnit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percentage")
    MARK = "mark", _("Report mark")
    CASES = "cases", _("Cases")
    PER_1000 = "per_1000", _("Per 1,000 inhabitants")


class TargetComparator(models.TextChoices):
    AT_MOST = "at_most", _("at most (≤)")
    AT_LEAST = "at_least", _("at least (≥)")
    REDUCE_BY_PCT = "reduce_by_pct", _("reduce by %")


class Direction(models.TextChoices):
    DOWN = "down", _("lower is better")
    UP = "up", _("higher is better")
    NONE = "none", _("no preferred direction")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class ChangeKind(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    IMPORT = "import", _("imported")
    STATUS = "status", _("status changed")


# The five safety fields of the VNG method Kernbeleid Veiligheid with their usual themes.
# A new plan starts from this catalogue; fields and themes can be renamed and added per plan.
KBV_CATALOGUE: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "1",
        "Veilige woon- en leefomgeving",
        [
            ("1.1", "Sociale kwaliteit"),
            ("1.2", "Fysieke kwaliteit"),
            ("1.3", "Objectieve veiligheid, woninginbraak en vermogenscriminaliteit"),
            ("1.4", "Subjectieve veiligheid"),
        ],
    ),
    (
        "2",
        "Bedrijvigheid en veiligheid",
        [
            ("2.1", "Veilig winkelgebied"),
            ("2.2", "Veilige bedrijventerreinen"),
            ("2.3", "Uitgaan"),
            ("2.4", "Evenementen"),
            ("2.5", "Veilig toerisme en recreatie"),
        ],
    ),
    (
        "3",
        "Jeugd en veiligheid",
        [
            ("3.1", "Jeugdoverlast"),
            ("3.2", "Jeugdcriminaliteit"),
            ("3.3", "Alcohol en drugs"),
            ("3.4", "Veilig in en om de school"),
        ],
    ),
    (
        "4",
        "Fysieke veiligheid",
        [
            ("4.1", "Verkeersveiligheid"),
            ("4.2", "Brandveiligheid"),
            ("4.3", "Externe veiligheid"),
            ("4.4", "Rampenbestrijding en crisisbeheersing"),
        ],
    ),
    (
        "5",
        "Integriteit en veiligheid",
        [
            ("5.1", "Polarisatie en radicalisering"),
            ("5.2", "Ondermijning en georganiseerde criminaliteit"),
            ("5.3", "Digitale veiligheid en cybercrime"),
            ("5.4", "Zorg en veiligheid"),
            ("5.5", "Bestuurlijke integriteit"),
        ],
    ),
]
