from __future__ import annotations

from typing import Any

import pytest

from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.plans.monitoring import Status
from ivp.plans.services import EditConflict, indicator_value_add
from ivp.reports.constants import ReportStatus, SectionKind
from ivp.reports.models import AnnualReport, ReportEdition
from ivp.reports.selectors import report_view
from ivp.reports.services import (
    annual_report_finalise,
    annual_report_reopen,
    explanation_save,
    report_section_save,
)

from .factories import YEAR, report_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_store(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def test_finalising_is_refused_while_an_off_track_indicator_has_no_explanation() -> None:
    world = report_world()
    statuses = {i["code"]: i["status"] for i in report_view(plan=world.plan, year=YEAR).content["indicators"]}
    assert statuses == {"I1": Status.ON_TRACK, "I2": Status.OFF_TRACK, "I3": Status.NO_TARGET}
    with pytest.raises(ValidationFailed, match="I2 Woninginbraken") as refused:
        annual_report_finalise(actor=world.editor, plan=world.plan, year=YEAR, expected_version=1)
    assert "I1" not in str(refused.value)
    assert not ReportEdition.objects.exists()
    assert not AnnualReport.objects.filter(status=ReportStatus.FINAL).exists()


def test_after_explaining_the_report_is_finalised_and_its_figures_are_frozen() -> None:
    world = report_world()
    explanation_save(actor=world.editor, plan=world.plan, year=YEAR, indicator=world.off_track,
                     text="Een inbraakgolf in het voorjaar; extra preventie in Q4.", expected_version=0)  # fmt: skip
    report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.INTRODUCTION,
                        text="Het jaar in het kort.", expected_version=0)  # fmt: skip
    edition = annual_report_finalise(actor=world.editor, plan=world.plan, year=YEAR, expected_version=1)
    assert edition.number == 1
    # A later value and a later text do not change the council's version.
    indicator_value_add(
        actor=world.editor, indicator=world.off_track, year=YEAR, value="25", source="Correctie"
    )
    view = report_view(plan=world.plan, year=YEAR)
    assert view.is_frozen and view.edition == edition
    frozen = {i["code"]: i for i in view.content["indicators"]}
    assert frozen["I2"]["reading"]["value"] == "40" and frozen["I2"]["status"] == Status.OFF_TRACK
    assert frozen["I2"]["explanation"].startswith("Een inbraakgolf")
    assert view.content["narratives"]["introduction"]["text"] == "Het jaar in het kort."
    with pytest.raises(ValidationFailed, match="2025"):
        report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.CONCLUSION,
                            text="Later", expected_version=0)  # fmt: skip


def test_reopening_makes_a_new_draft_and_keeps_the_final_edition() -> None:
    world = report_world()
    explanation_save(actor=world.editor, plan=world.plan, year=YEAR, indicator=world.off_track, text="Uitleg",
                     expected_version=0)  # fmt: skip
    first = annual_report_finalise(actor=world.editor, plan=world.plan, year=YEAR, expected_version=1)
    annual_report_reopen(actor=world.editor, plan=world.plan, year=YEAR, expected_version=2)
    indicator_value_add(
        actor=world.editor, indicator=world.off_track, year=YEAR, value="30", source="Correctie"
    )
    draft = report_view(plan=world.plan, year=YEAR)
    assert not draft.is_frozen and draft.is_draft
    assert {i["code"]: i["reading"]["value"] for i in draft.content["indicators"]}["I2"] == "30"
    second = annual_report_finalise(actor=world.editor, plan=world.plan, year=YEAR, expected_version=3)
    assert second.number == 2
    first.refresh_from_db()
    old = report_view(plan=world.plan, year=YEAR, edition=1)
    assert {i["code"]: i["reading"]["value"] for i in old.content["indicators"]}["I2"] == "40"
    assert first.content == old.content


def test_a_stale_text_is_refused_and_nothing_is_overwritten() -> None:
    world = report_world()
    priority = world.priorities[0]
    saved = report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.PRIORITY,
                                theme=priority, text="Eerste versie", expected_version=0)  # fmt: skip
    report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.PRIORITY, theme=priority,
                        text="Tweede versie", expected_version=saved.version)  # fmt: skip
    with pytest.raises(EditConflict):
        report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.PRIORITY,
                            theme=priority, text="Oude versie", expected_version=saved.version)  # fmt: skip
    with pytest.raises(EditConflict):
        report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.PRIORITY,
                            theme=priority, text="Ook nieuw", expected_version=0)  # fmt: skip
    content = report_view(plan=world.plan, year=YEAR).content
    assert content["priorities"][0]["narrative"] == "Tweede versie"


def test_viewers_and_outsiders_cannot_write_or_finalise() -> None:
    world = report_world()
    for user in (world.viewer, world.outsider):
        with pytest.raises(AccessDenied):
            report_section_save(actor=user, plan=world.plan, year=YEAR, kind=SectionKind.INTRODUCTION, text="x",
                                expected_version=0)  # fmt: skip
        with pytest.raises(AccessDenied):
            annual_report_finalise(actor=user, plan=world.plan, year=YEAR, expected_version=1)
    assert not AnnualReport.objects.exists()


def test_a_year_outside_the_plan_period_has_no_report() -> None:
    world = report_world()
    with pytest.raises(Exception, match="2030"):
        report_section_save(actor=world.editor, plan=world.plan, year=2030, kind=SectionKind.INTRODUCTION, text="x",
                            expected_version=0)  # fmt: skip
