"""Fixed rules of the funding calculation (stated on every page and in every export)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
RATE_DECIMALS = 4  # a rate per inhabitant such as 0.0725 EUR
RATE_MAX = Decimal("100")

ROUNDING_RULE = _(
    "Each member's contribution is its population in the reference year times the rate per "
    "inhabitant, rounded half up to whole cents (0.005 becomes 0.01); the total is the sum of "
    "the rounded contributions, so the parts add up exactly to the total."
)

# The budget lines a new funding scheme starts with (names can be changed, lines added/removed).
DEFAULT_BUDGET_LINES = (
    _("Coordination"),
    _("Communication and administration"),
    _("Intelligence"),
    _("Projects"),
)
