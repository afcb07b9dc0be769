from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TOTAL_CODE = "0.0.0"
TREND_YEARS = 6  # the period and the five before it (e.g. 2018-2023)
MONTHLY_CHART_YEARS = 3  # the monthly chart shows the last three years
LARGEST_CHANGES = 5  # risers and fallers each
MAX_FINDINGS = 6

# The politie classification (SoortMisdrijf) has three levels `a.b.c`; its top level is the
# first digit. The source publishes no titles for it: these are ivp's (docs/veiligheidsbeeld.md).
MAIN_GROUPS: dict[str, object] = {
    "1": _("Crimes against persons and property"),
    "2": _("Quality of life, business and environment"),
    "3": _("Integrity, traffic, drugs and fraud"),
}

# Source of the per-type figures, asked for by a crime type that only municipal sources have.
PROBE_CRIME_CODE = "1.1.1"
NUISANCE_MEASURE = "registered_nuisance"
NUISANCE_CLASSIFICATION = "overlast"


def main_group_of(code: str) -> str:
    return code.split(".", 1)[0]
