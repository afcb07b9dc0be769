from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from ivp.plans.monitoring import format_value, plan_monitoring
from ivp.reports.models import ReportEdition

from .factories import YEAR, report_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_store(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(user)
    return client


def test_the_report_page_shows_the_same_values_and_statuses_as_monitoring() -> None:
    world = report_world()
    page = _client(world.viewer).get(reverse("reports:annual", args=[world.plan.pk, YEAR]))
    assert page.status_code == 200
    html = page.content.decode()
    for item in plan_monitoring(plan=world.plan, year=YEAR):
        row = re.search(rf'<tr [^>]*data-indicator="{item.indicator.code}">(.*?)</tr>', html, re.S)
        assert row is not None, item.indicator.code
        current = re.search(r'ivp-current">([^<]*)', row.group(1))
        assert current is not None
        assert current.group(1).strip() == format_value(item.reading.value, item.indicator.unit)
        assert f"ivp-status--{item.status}" in row.group(1)
    assert "18,2%" in html
    assert reverse("reports:annual-pdf", args=[world.plan.pk, YEAR]) in html
    assert reverse("reports:annual-edit", args=[world.plan.pk, YEAR]) not in html  # a viewer edits nothing


def test_the_pdf_download_is_the_same_report() -> None:
    world = report_world()
    response = _client(world.viewer).get(reverse("reports:annual-pdf", args=[world.plan.pk, YEAR]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "I2 Woninginbraken" in text and "18,2%" in text


def test_an_editor_explains_and_finalises_and_a_viewer_may_not(settings: Any) -> None:
    world = report_world()
    plan, year = world.plan.pk, YEAR
    viewer = _client(world.viewer)
    assert (
        viewer.post(reverse("reports:annual-finalise", args=[plan, year]), {"version": 1}).status_code == 403
    )
    editor = _client(world.editor)
    edit = editor.get(reverse("reports:annual-edit", args=[plan, year]))
    assert edit.status_code == 200 and "I2 Woninginbraken" in edit.content.decode()
    refused = editor.post(reverse("reports:annual-finalise", args=[plan, year]), {"version": 1})
    assert refused.status_code == 400 and "I2 Woninginbraken" in refused.content.decode()
    prefix = f"explanation-{world.off_track.pk}"
    saved = editor.post(reverse("reports:annual-explanation", args=[plan, year, world.off_track.pk]),
                        {f"{prefix}-version": 0, f"{prefix}-text": "Inbraakgolf in het voorjaar."})  # fmt: skip
    assert saved.status_code == 302
    stale = editor.post(reverse("reports:annual-explanation", args=[plan, year, world.off_track.pk]),
                        {f"{prefix}-version": 0, f"{prefix}-text": "Andere tekst"})  # fmt: skip
    assert stale.status_code == 409 and "Andere tekst" in stale.content.decode()
    prefix = "section-introduction"
    saved = editor.post(reverse("reports:annual-section", args=[plan, year]),
                        {"prefix": prefix, f"{prefix}-kind": "introduction", f"{prefix}-version": 0,
                         f"{prefix}-text": "Een rustig jaar."})  # fmt: skip
    assert saved.status_code == 302
    final = editor.post(reverse("reports:annual-finalise", args=[plan, year]), {"version": 1})
    assert final.status_code == 302 and ReportEdition.objects.count() == 1
    page = viewer.get(reverse("reports:annual", args=[plan, year])).content.decode()
    assert "Een rustig jaar." in page and "Inbraakgolf in het voorjaar." in page and "editie 1" in page


def test_the_plan_at_a_glance_fits_one_a4_page() -> None:
    world = report_world()
    client = _client(world.viewer)
    page = client.get(reverse("reports:glance", args=[world.plan.pk]) + f"?year={YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Minder woninginbraken in de kernen" in html and "niet op koers" in html
    pdf = client.get(reverse("reports:glance-pdf", args=[world.plan.pk]) + f"?year={YEAR}")
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert "Weerbare ondernemers" in reader.pages[0].extract_text()


def test_outsiders_do_not_see_a_draft_plans_report_and_years_outside_the_plan_are_not_found() -> None:
    world = report_world()
    assert (
        _client(world.outsider).get(reverse("reports:annual", args=[world.plan.pk, YEAR])).status_code == 403
    )
    assert _client(world.viewer).get(reverse("reports:annual", args=[world.plan.pk, 2031])).status_code == 404


def test_an_indicator_chart_states_its_values_in_words_and_has_one_legend() -> None:
    from ivp.core.charts import spec_to_svg
    from ivp.reports.charts import indicator_chart
    from ivp.reports.selectors import report_view

    world = report_world()
    with translation.override("nl"):
        content = report_view(plan=world.plan, year=YEAR).content
        spec = indicator_chart(next(i for i in content["indicators"] if i["code"] == "I1"))
    assert spec is not None
    assert spec["description"] == "Ervaren buurtoverlast per jaar: 2023: 20%; 2025: 18,2%. Doel 2027: ≤ 16%."
    assert spec_to_svg(spec).count(">Waarde<") == 1  # colour and dash share one legend
