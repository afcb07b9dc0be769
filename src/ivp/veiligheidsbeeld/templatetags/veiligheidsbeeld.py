"""Formatting for the veiligheidsbeeld templates: counts, rates and changes with their status."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ivp.veiligheidsbeeld.figures import EMPTY, SUPPRESSED, Figure
from ivp.veiligheidsbeeld.findings import format_count, format_pct, format_rate
from ivp.veiligheidsbeeld.selectors import Change

register = template.Library()
NO_VALUE = mark_safe('<span class="ivp-vb-flag">&ndash;</span>')


def _status(figure: Figure) -> SafeString | None:
    if figure.status == SUPPRESSED:
        return format_html('<span class="ivp-vb-flag">{}</span>', _("withheld"))
    if figure.count is None:
        return format_html('<span class="ivp-vb-flag" title="{}">&ndash;</span>', _("no data"))
    return None


@register.filter
def vb_count(figure: Figure) -> SafeString | str:
    """A count, or why there is none."""
    return _status(figure) or format_count(figure.count)


@register.filter
def vb_rate(figure: Figure) -> SafeString | str:
    """The rate per 1,000 inhabitants with one decimal, or why there is none."""
    flag = _status(figure)
    if flag:
        return flag
    rate = figure.per_1000
    return NO_VALUE if rate is None else format_rate(rate)


@register.filter
def vb_change(change: Change) -> SafeString | str:
    """The % change, marked when it is statistically significant (see the methodology)."""
    pct = change.change_pct
    if pct is None:
        return NO_VALUE
    if change.significant:
        return format_html(
            '{}<span class="ivp-vb-significant" aria-hidden="true">*</span>'
            '<span class="ivp-visually-hidden"> ({})</span>',
            format_pct(pct),
            _("statistically significant"),
        )
    return format_pct(pct)


@register.filter
def vb_current(change: Change | None) -> Figure:
    """The current figure of a change (an empty figure when there is none)."""
    return change.current if change is not None else EMPTY


@register.filter
def vb_pct(value: float | None) -> str:
    return format_pct(value)


@register.filter
def vb_number(value: float | int | None) -> str:
    if isinstance(value, float):
        return format_rate(value)
    return format_count(value)


@register.filter
def vb_get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def vb_trend(picture: Any, key: str) -> list[Figure]:
    """The total's figures per trend period of an area (the municipality's code or a comparator key)."""
    return list(picture.trend.get((key, "0.0.0"), []))
