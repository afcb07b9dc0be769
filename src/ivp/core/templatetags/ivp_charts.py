"""`{% vega_chart spec %}`: a chart on a page (vega-embed) or in a PDF (inline SVG).

The page needs `{% include "core/_vega_scripts.html" %}` once (it loads the vendored Vega
files and draws every `[data-vega-spec]` element). The chart's `description` is its text
alternative: the figure gets `role="img"` and an `aria-label`, and a visually hidden caption.
"""

from __future__ import annotations

import itertools
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ivp.core.charts import spec_json, spec_to_svg

register = template.Library()
_counter = itertools.count(1)


@register.simple_tag(takes_context=True)
def vega_chart(context: template.Context, spec: dict[str, Any], css_class: str = "") -> SafeString:
    description = str(spec.get("description", ""))
    if context.get("for_pdf"):
        svg = spec_to_svg(spec)
        if svg.startswith("<?xml"):
            svg = svg.split("?>", 1)[1]
        return format_html(
            '<figure class="ivp-chart ivp-chart--pdf {}" role="img" aria-label="{}">{}</figure>',
            css_class,
            description,
            mark_safe(svg),  # noqa: S308 - SVG rendered by vl-convert from our own spec
        )
    chart_id = f"ivp-chart-{next(_counter)}"
    return format_html(
        '<figure class="ivp-chart {}" role="img" aria-label="{}">'
        '<div id="{}" class="ivp-chart__canvas" data-vega-spec="{}-spec"></div>'
        '<script type="application/json" id="{}-spec">{}</script>'
        '<figcaption class="ivp-visually-hidden">{}</figcaption></figure>',
        css_class,
        description,
        chart_id,
        chart_id,
        chart_id,
        mark_safe(spec_json(spec)),  # noqa: S308 - JSON with '</' escaped
        description,
    )
