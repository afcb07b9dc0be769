"""`ivp plan list | export | import`: the happy paths and the errors (exit code 2, message on stderr)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from ivp.cli import main
from ivp.plans.models import Plan

pytestmark = pytest.mark.django_db

MAASGOUW = Path(settings.DATA_DIR) / "ivp" / "plans" / "maasgouw-2024-2027.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `ivp ARGV…`; messages are Dutch (the site language)."""
    with translation.override("nl"):
        code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_then_list_shows_the_plan_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "import", str(MAASGOUW))
    plan = Plan.objects.get()
    assert code == 0 and err == ""
    assert out.strip() == (
        f"Plan {plan.pk} “Integraal Veiligheidsplan Maasgouw 2024-2027” (2024-2027) geïmporteerd uit {MAASGOUW}."
    )
    code, out, _err = run(capsys, "plan", "list")
    assert code == 0
    assert "Integraal Veiligheidsplan Maasgouw 2024-2027" in out and "GM1641" in out and "2024-2027" in out
    code, out, _err = run(capsys, "plan", "list", "--format", "json")
    (row,) = json.loads(out)
    assert row["id"] == plan.pk and row["municipalities"] == "GM1641" and row["status"] == "adopted"
    assert row["indicators"] == plan.indicators.count()
    code, out, _err = run(capsys, "plan", "list", "--format", "csv")
    (csv_row,) = list(csv.DictReader(io.StringIO(out)))
    assert (
        csv_row["title"] == "Integraal Veiligheidsplan Maasgouw 2024-2027" and csv_row["start_year"] == "2024"
    )


def test_list_without_plans_says_how_to_import_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "plan", "list")
    assert code == 0 and "ivp plan import" in out


def test_export_writes_the_same_file_to_a_path_and_to_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "plan", "import", str(MAASGOUW))
    plan = Plan.objects.get()
    target = tmp_path / "export.yaml"
    code, out, err = run(capsys, "plan", "export", str(plan.pk), "-o", str(target))
    assert code == 0 and out == "" and str(target) in err
    assert target.read_text(encoding="utf-8") == MAASGOUW.read_text(encoding="utf-8")
    code, out, _err = run(capsys, "plan", "export", str(plan.pk), "-o", "-")
    assert code == 0 and out == MAASGOUW.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.part")), "no temporary file is left behind"


def test_import_with_replace_replaces_the_same_plan(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "plan", "import", str(MAASGOUW))
    plan = Plan.objects.get()
    code, out, _err = run(capsys, "plan", "import", str(MAASGOUW), "--replace")
    assert code == 0 and out.startswith(
        f"Plan {plan.pk} “Integraal Veiligheidsplan Maasgouw 2024-2027” (2024-2027) vervangen door de inhoud van "
    )
    assert Plan.objects.count() == 1


def test_import_of_a_malformed_file_exits_2_with_every_problem_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = MAASGOUW.read_text(encoding="utf-8")
    text = text.replace("organisation: Gemeente Maasgouw", "organisation: Gemeente Nergens")
    text = text.replace("crime_code: 1.1.1", "crime_code: 1.1.9")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "plan", "import", str(bad))
    assert code == 2 and out == ""
    assert err.startswith("ivp: 2 problem(s) in the input; nothing was stored:")
    assert (
        f"{bad}, row 5, field 'plan.organisation': geen organisatie met de naam \"Gemeente Nergens\"." in err
    )
    assert "field 'indicators[0].link.crime_code': geen politie-misdrijfsoort \"1.1.9\"" in err
    assert not Plan.objects.exists()


def test_import_of_a_missing_file_and_export_of_an_unknown_plan_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "plan", "import", str(tmp_path / "nothing.yaml"))
    assert code == 2 and "nothing.yaml" in err and "No such file" in err
    code, _out, err = run(capsys, "plan", "export", "999999")
    assert code == 2 and err.strip() == "ivp: Geen plan '999999'. Zie `ivp plan list`."


def test_a_newer_format_version_is_refused_in_dutch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: ivp-plan\nformat_version: 7\n", encoding="utf-8")
    code, _out, err = run(capsys, "plan", "import", str(bad))
    assert code == 2 and "formaatversie 7" in err


def test_import_of_a_file_over_2_mb_is_refused_unread(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"format: ivp-plan\n# " + b"x" * (3 * 1024 * 1024) + b"\n")
    code, _out, err = run(capsys, "plan", "import", str(huge))
    assert code == 2 and "groter dan 2 MB" in err
    assert not Plan.objects.exists()
