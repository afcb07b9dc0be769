from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ivp.core.charts import chart_spec, spec_to_svg
from ivp.core.errors import IvpError
from ivp.core.pdf import html_to_pdf, render_pdf


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_html_to_pdf_renders_text_and_static_css() -> None:
    pdf = html_to_pdf(
        '<html><head><link rel="stylesheet" href="/static/ivp/pdf.css"></head>'
        "<body><h1>Jaarrapportage</h1><p>Woninginbraak gedaald</p></body></html>"
    )
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Jaarrapportage" in text
    assert "Woninginbraak gedaald" in text


def test_html_to_pdf_refuses_to_fetch_anything_outside_static() -> None:
    with pytest.raises(IvpError, match="not a static file"):
        html_to_pdf('<html><body><img src="http://127.0.0.1:9/secret.png"></body></html>')


def test_chart_spec_renders_to_svg_with_its_text_alternative() -> None:
    spec = chart_spec(
        {
            "data": {"values": [{"jaar": 2022, "aantal": 10}, {"jaar": 2023, "aantal": 7}]},
            "mark": "line",
            "encoding": {
                "x": {"field": "jaar", "type": "ordinal"},
                "y": {"field": "aantal", "type": "quantitative"},
            },
        },
        description="Woninginbraken per jaar: 10 in 2022, 7 in 2023",
    )
    svg = spec_to_svg(spec)
    assert "<svg" in svg
    assert spec["description"].startswith("Woninginbraken")


@pytest.mark.django_db
def test_one_template_renders_page_and_pdf_with_chart() -> None:
    from django.template import engines

    spec = chart_spec(
        {
            "data": {"values": [{"x": 1, "y": 2}]},
            "mark": "bar",
            "encoding": {"x": {"field": "x", "type": "ordinal"}, "y": {"field": "y", "type": "quantitative"}},
        },
        description="Een staaf",
    )
    template = engines["django"].from_string(
        "{% load ivp_charts %}<html><body><h1>T</h1>{% vega_chart spec %}</body></html>"
    )
    page = template.render({"spec": spec})
    assert 'data-vega-spec="' in page and 'aria-label="Een staaf"' in page
    pdf_html = template.render({"spec": spec, "for_pdf": True})
    assert "<svg" in pdf_html and "data-vega-spec" not in pdf_html
    assert html_to_pdf(pdf_html).startswith(b"%PDF")
    assert render_pdf  # the template-based entry point exists for reports
