from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ivp.bulletins.selectors import Comparison
from ivp.veiligheidsbeeld.figures import SUPPRESSED, Figure

register = template.Library()
NONE = "\u2013"  # an en dash: no figure
MINUS = "\u2212"


@register.filter
def bl_count(figure: Figure) -> str:
    if figure.status == SUPPRESSED:
        return _("withheld")
    if figure.count is None:
        return NONE
    return number_format(figure.count, force_grouping=True)


@register.filter
def bl_rate(figure: Figure) -> str:
    rate = figure.per_1000
    return NONE if rate is None else number_format(rate, decimal_pos=1, force_grouping=True)


@register.filter
def bl_change(comparison: Comparison) -> str:
    pct = comparison.change_pct
    if pct is None:
        return NONE
    sign = "+" if pct > 0 else (MINUS if pct < 0 else "")
    return f"{sign}{number_format(abs(pct), decimal_pos=1)}%"
