from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ivp.core.tests.test_cli import run
from ivp.reports.constants import SectionKind
from ivp.reports.services import report_section_save

from .factories import YEAR, report_world

pytestmark = pytest.mark.django_db


def _pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    return re.sub(r"\s+", " ", text)


def test_report_annual_writes_a_pdf_with_every_section_priority_and_indicator_status(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    world = report_world()
    report_section_save(actor=world.editor, plan=world.plan, year=YEAR, kind=SectionKind.CONCLUSION,
                        text="Op twee van de drie indicatoren liggen we op koers.", expected_version=0)  # fmt: skip
    out_file = tmp_path / "jaarrapportage.pdf"
    code, out, err = run(
        capsys, "report", "annual", str(world.plan.pk), "--year", str(YEAR), "-o", str(out_file)
    )
    assert code == 0, err
    assert "jaarrapportage.pdf" in out
    text = _pdf_text(out_file)
    for heading in ("1. Inleiding", "2. Voortgang per prioriteit", "3. Indicatoren", "4. Uitvoeringsplan 2025",
                    "5. Partners", "6. Conclusie", "7. Bronnen en peildata"):  # fmt: skip
        assert heading in text, heading
    assert "Prioriteit 1.3 Objectieve veiligheid" in text and "Prioriteit 5.2 Ondermijning" in text
    for row in (
        "I1 Ervaren buurtoverlast",
        "I2 Woninginbraken (eigen registratie)",
        "I3 Signalen ondermijning",
    ):
        assert row in text
    for status in ("op koers", "niet op koers", "geen doel"):
        assert status in text
    assert "18,2%" in text and "Doelpad: rechte lijn van de nulmeting (2023: 40)" in text
    assert "Inbraakpreventie-avond in Maasbracht" in text and "Politie basisteam Maasland" in text
    assert "Op twee van de drie indicatoren liggen we op koers." in text


def test_report_annual_writes_html_and_refuses_other_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    world = report_world()
    out_file = tmp_path / "jaarrapportage.html"
    code, _out, err = run(
        capsys, "report", "annual", world.plan.title, "--year", str(YEAR), "-o", str(out_file)
    )
    assert code == 0, err
    html = out_file.read_text(encoding="utf-8")
    assert "<style>" in html and "<svg" in html and "Jaarrapportage 2025" in html
    code, _out, err = run(capsys, "report", "annual", str(world.plan.pk), "--year", str(YEAR), "-o", "x.docx")
    assert code == 2 and ".pdf" in err
    code, _out, err = run(capsys, "report", "annual", "999999", "--year", str(YEAR))
    assert code == 2 and "999999" in err


def test_report_annual_writes_a_final_edition_as_it_was_finalised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, settings: Any
) -> None:
    from ivp.plans.services import indicator_value_add
    from ivp.reports.services import annual_report_finalise, explanation_save

    settings.VAR_DIR = tmp_path
    world = report_world()
    explanation_save(actor=world.editor, plan=world.plan, year=YEAR, indicator=world.off_track,
                     text="Inbraakgolf.", expected_version=0)  # fmt: skip
    annual_report_finalise(actor=world.editor, plan=world.plan, year=YEAR, expected_version=1)
    indicator_value_add(
        actor=world.editor, indicator=world.on_track, year=YEAR, value="25", source="Correctie"
    )
    out_file = tmp_path / "editie-1.pdf"
    code, out, err = run(capsys, "report", "annual", str(world.plan.pk), "--year", str(YEAR), "--edition", "1",
                         "-o", str(out_file))  # fmt: skip
    assert code == 0, err
    assert "definitief, editie 1" in out
    text = _pdf_text(out_file)
    assert "18,2%" in text and "17,3%" not in text and "Inbraakgolf." in text
