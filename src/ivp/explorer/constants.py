"""What the explorer offers and its limits (stated on the page, never applied silently)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    COUNT = "count", _("Number registered")
    PER_1000 = "per_1000", _("Per 1,000 inhabitants")
    PCT_CHANGE = "pct_change", _("% change on a year earlier")
    SHARE = "share", _("Share of the total (%)")
    PP_CHANGE = "pp_change", _("Change in share on a year earlier (percentage points)")


class ChartKind(models.TextChoices):
    LINE = "line", _("Line chart")
    BAR = "bar", _("Bar chart")


class CsvDialect(models.TextChoices):
    """The CSV download's variant (`?dialect=`); without one, the interface language's: Dutch
    Excel reads `;`-separated files with decimal commas, and misreads `1.30` with a comma."""

    EXCEL_NL = "excel-nl", _("for Excel in Dutch: semicolons, decimal comma")
    PLAIN = "plain", _("for programs: commas, decimal point")


# Decimals shown (and downloaded) per measure.
DECIMALS: dict[str, int] = {
    Measure.COUNT: 0,
    Measure.PER_1000: 2,
    Measure.PCT_CHANGE: 1,
    Measure.SHARE: 2,
    Measure.PP_CHANGE: 2,
}
# Measures compared with the same period a year earlier.
YEAR_ON_YEAR = frozenset({Measure.PCT_CHANGE, Measure.PP_CHANGE})

MAX_AREAS = 25
MAX_CRIME_TYPES = 15
MAX_ROWS = 3000  # area x crime type x period rows in the table (and the downloads)
MAX_CHART_SERIES = 12  # lines or bar groups; more series are shown in the table only
SAVED_VIEW_NAME_MAX = 100
SAVED_VIEWS_PER_USER = 200

# The bundled municipal boundaries (see data/SOURCES.md, section 5).
BOUNDARIES_FILE = "minvws_nl_covid19_data_dashboard/nl-vr-gm.topo.json"
BOUNDARIES_OBJECT = "gm_features"
BOUNDARIES_YEAR = 2023  # the municipal division of 1 January 2023 (the same 342 as in 2024)
