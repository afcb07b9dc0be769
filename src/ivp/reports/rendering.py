"""One template, two outputs: the context of a report page, and the report as PDF or as a
standalone HTML file (the print layout, with its style sheet inlined)."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ivp.core.pdf import render_pdf
from ivp.plans.monitoring import TOLERANCE, format_number

from .charts import indicator_chart
from .selectors import ReportView

ANNUAL_TEMPLATE = "reports/annual_report.html"
GLANCE_TEMPLATE = "reports/glance.html"
PDF_CSS = "ivp/pdf.css"


def annual_context(view: ReportView, **extra: Any) -> dict[str, Any]:
    content = view.content
    charts = {}
    for indicator in content["indicators"]:
        spec = indicator_chart(indicator)
        if spec is not None:
            charts[indicator["code"]] = spec
    indicators = [{**i, "chart": charts.get(i["code"])} for i in content["indicators"]]
    by_code = {i["code"]: i for i in indicators}
    priorities = [
        {**p, "indicators": [by_code[c] for c in p["indicator_codes"] if c in by_code]}
        for p in content["priorities"]
    ]
    return {
        "view": view,
        "plan": view.plan,
        "year": view.year,
        "content": content,
        "indicators": indicators,
        "priorities": priorities,
        "report_info": content.get("report") or {},
        "tolerance_pct": format_number(TOLERANCE * 100),
        **extra,
    }


def annual_pdf(view: ReportView) -> bytes:
    return render_pdf(ANNUAL_TEMPLATE, annual_context(view))


def standalone_html(template_name: str, context: dict[str, Any]) -> str:
    """The print layout as one HTML file: charts as inline SVG, the style sheet inlined."""
    html = str(render_to_string(template_name, {**context, "for_pdf": True}))
    found = finders.find(PDF_CSS)
    path = found[0] if isinstance(found, list) else found
    if path:
        with open(path, encoding="utf-8") as handle:
            css = handle.read()
        start = html.find('<link rel="stylesheet"')
        end = html.find(">", start)
        if start != -1 and PDF_CSS in html[start:end]:
            html = html[:start] + f"<style>{css}</style>" + html[end + 1 :]
    return html


def annual_html(view: ReportView) -> str:
    return standalone_html(ANNUAL_TEMPLATE, annual_context(view))
