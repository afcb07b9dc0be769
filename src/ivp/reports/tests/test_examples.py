"""The example plans (data/ivp/plans) as reports: every indicator in the report, linked ones from
the statistics (demonstration data labelled), and each plan at a glance on one A4 page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

from ivp.core.pdf import render_pdf
from ivp.plans.importing import plan_file_read, plan_import
from ivp.plans.monitoring import Status
from ivp.reports.rendering import GLANCE_TEMPLATE, annual_pdf
from ivp.reports.selectors import glance_content, report_view

pytestmark = pytest.mark.django_db

EXAMPLES = sorted((Path(django_settings.DATA_DIR) / "ivp" / "plans").glob("*.yaml"))


def _pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.fixture
def demo_store(settings: Any, tmp_path: Path) -> None:
    """Demonstration police figures (one crime type set, 2023) for the example municipalities."""
    from ivp.plans.tests.test_monitoring import _load_politie

    codes = ["1.1.1", "1.2.1", "1.2.3", "1.3.1", "1.4.4", "1.4.5", "2.2.1", "3.1.1", "3.7.4", "3.9.1"]
    areas = ["GM1641", "GM1883", "GM0888", "GM0971"]
    rows = [(c, a, f"{y}JJ00", str(10 + i)) for i, c in enumerate(codes) for a in areas for y in (2023, 2024)]
    _load_politie(settings, tmp_path, rows, source="demo_cube")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_plan_fits_one_page_at_a_glance_and_its_report_shows_every_indicator(
    path: Path, demo_store: None
) -> None:
    content, name = plan_file_read(path=path)
    plan = plan_import(content=content, name=name).plan
    year = 2024
    pages, _text = _pdf_text(
        render_pdf(
            GLANCE_TEMPLATE, {"plan": plan, "year": year, "glance": glance_content(plan=plan, year=year)}
        )
    )
    assert pages == 1
    view = report_view(plan=plan, year=year)
    indicators = view.content["indicators"]
    assert indicators and all(i["status"] in set(Status) for i in indicators)
    _pages, text = _pdf_text(annual_pdf(view))
    for indicator in indicators:
        assert " ".join(f"{indicator['code']} {indicator['name']}".split()) in text
    linked = [i for i in indicators if i["is_linked"]]
    assert linked and all(i["reading"]["value"] is not None and i["reading"]["is_demo"] for i in linked)
    assert view.content["has_demo"] and "demonstratiegegevens" in text
