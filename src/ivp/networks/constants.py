"""Choices of the network's governance and priority-setting round, and their defaults."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Every year")


class RoundStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting inputs")
    SELECTED = "selected", _("Concept priorities selected")
    CONSULTING = "consulting", _("Consultation in the districts")
    FINAL = "final", _("Final strategy adopted")


class InputSource(models.TextChoices):
    PLAN = "plan", _("Plan in ivp")
    UPLOAD = "upload", _("Uploaded file")
    FORM = "form", _("Form")
    PARTNER = "partner", _("Partner input")


class Position(models.TextChoices):
    SUPPORT = "support", _("Support")
    SUPPORT_WITH_REMARKS = "support_with_remarks", _("Support with remarks")
    REJECT = "reject", _("Reject")


SCORE_MIN, SCORE_MAX = 0, 5

# The five criteria of workflows.md §3 (code, Dutch text as the steering group uses it).
DEFAULT_CRITERIA: list[tuple[str, str]] = [
    ("majority", "Is het een prioriteit voor een meerderheid van de partners?"),
    ("beyond_regular", "Vraagt het meer dan de reguliere aanpak?"),
    ("regional_value", "Voegt een gezamenlijke regionale aanpak iets toe aan de lokale?"),
    ("concrete_products", "Zijn er op regionale schaal concrete producten te maken?"),
    ("urgency", "Is het urgent?"),
]

# Words in a plan theme's name that map it onto a catalogue theme when its code does not match
# (e.g. "Veiligheidsgevoel in de kernen" -> 1.4). First match in this order wins.
CATALOGUE_KEYWORDS: dict[str, list[str]] = {
    "5.2": ["ondermijn", "georganiseerd", "drugscriminaliteit", "drugslab"],
    "5.3": ["digita", "cyber", "online"],
    "5.4": ["zorg", "sociaal domein", "verward", "personen met"],
    "5.1": ["polaris", "radicalis", "onrust", "extremis"],
    "5.5": ["integriteit"],
    "3.2": ["jeugdcrimi", "jongeren", "jeugd"],
    "3.3": ["alcohol", "drugs"],
    "1.4": ["veiligheidsgevoel", "subjectie", "gevoel"],
    "1.3": ["inbraak", "vermogens", "objectie"],
    "1.1": ["sociale kwaliteit", "leefbaarheid", "overlast", "buren"],
    "4.1": ["verkeer"],
    "4.2": ["brand"],
    "4.4": ["crisis", "ramp"],
    "2.3": ["uitgaan", "horeca"],
    "2.4": ["evenement"],
    "2.5": ["toeris", "recreat"],
    "2.1": ["winkel"],
    "2.2": ["bedrijventerrein"],
}
