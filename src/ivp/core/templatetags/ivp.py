from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: int | float | str | None) -> str:
    """A number with the active language's thousands separator (24.400 in Dutch)."""
    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True)
