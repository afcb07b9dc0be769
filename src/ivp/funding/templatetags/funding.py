from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from ivp.funding.exports import eur

register = template.Library()


@register.filter(name="eur")
def eur_filter(value: Decimal | None) -> str:
    """An amount in euros with two decimals and grouped thousands ("1.234,50" in Dutch)."""
    return eur(value)


@register.filter
def rate(value: Decimal | None) -> str:
    """A rate per inhabitant with the decimals it has, at least two ("0,0725", "0,07")."""
    if value is None:
        return ""
    decimals = max(2, -int(value.normalize().as_tuple().exponent))
    return number_format(value, decimal_pos=decimals, force_grouping=True)
