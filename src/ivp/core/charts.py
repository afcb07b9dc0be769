"""Charts: one Vega-Lite specification serves the page and the PDF.

On a page the spec is embedded as JSON and drawn by vega-embed (vendored); in a PDF the same
spec is rendered to SVG offline by vl-convert (imported lazily). Every chart carries a text
alternative (`description`), and pages show the figures as a table beside it.

Colours: `PALETTE` keeps a contrast of at least 3:1 against white for every series (WCAG 2.1
1.4.11 non-text contrast), and series are also told apart by their stroke dash.
"""

from __future__ import annotations

import copy
import json
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

# Dark government blue first; each colour >= 3:1 against white.
PALETTE = ["#154273", "#b3400e", "#1d7a3a", "#7a3e9d", "#8a6d00", "#0f6e84", "#a4235a", "#4b4b4b"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3], [10, 2], [3, 6]]

BASE_CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans, Arial, sans-serif",
    "range": {"category": PALETTE},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "columns": 3},
    "view": {"stroke": None},
}


def chart_spec(spec: dict[str, Any], *, description: str) -> dict[str, Any]:
    """Complete a Vega-Lite spec with ivp's schema, config and text alternative."""
    full = {"$schema": VEGA_LITE_SCHEMA, "description": description, **copy.deepcopy(spec)}
    config = copy.deepcopy(BASE_CONFIG)
    config.update(full.get("config", {}))
    full["config"] = config
    return full


def spec_to_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to an SVG document, offline."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(vl_spec=spec))


def spec_json(spec: dict[str, Any]) -> str:
    """The spec as JSON, safe to put inside a <script type="application/json"> element."""
    return json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")
