from __future__ import annotations

from decimal import Decimal

from django import template

from ivp.funding.exports import eur

register = template.Library()


@register.filter(name="eur")
def eur_filter(value: Decimal | None) -> str:
    """An amount in euros with two decimals and grouped thousands ("1.234,50" in Dutch)."""
    return eur(value)


@register.filter
def at(values: list[object], index: int) -> object:
    return values[index]
