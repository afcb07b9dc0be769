"""The example plans: they round-trip exactly, `ivp setup` loads them once, and the plan format
documentation covers every key the exporter writes and the importer reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from ivp.plans.constants import PLAN_FORMAT_VERSION
from ivp.plans.importing import EXAMPLES_DIR, example_plans_load, plan_import
from ivp.plans.models import Plan
from ivp.plans.plan_schema import SCHEMA
from ivp.plans.selectors import plan_municipality_codes, plan_priorities
from ivp.plans.serialization import dump_yaml, plan_to_dict

pytestmark = pytest.mark.django_db

EXAMPLES = sorted((Path(settings.DATA_DIR) / EXAMPLES_DIR).glob("*.yaml"))
DOC = Path(__file__).resolve().parents[4] / "docs" / "plan-format.md"


def export(plan: Plan) -> str:
    return dump_yaml(plan_to_dict(plan))


def test_there_are_a_municipal_and_a_joint_example() -> None:
    assert [p.name for p in EXAMPLES] == ["maasgouw-2024-2027.yaml", "westelijke-mijnstreek-2024-2027.yaml"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_export_import_export_of_an_example_gives_an_identical_file(path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    first = export(plan_import(content=original.encode(), name=path.name).plan)
    assert first == original, "the example file is exactly what the exporter writes"
    # into an existing plan (replace) ...
    replaced = plan_import(content=first.encode(), name="export.yaml", replace=True).plan
    assert export(replaced) == first
    # ... and as a new plan after the old one is gone (themes first: Theme.field is PROTECT)
    replaced.themes.all().delete()
    replaced.delete()
    assert export(plan_import(content=first.encode(), name="export.yaml").plan) == first


def test_the_maasgouw_example_has_three_priorities_twenty_indicators_and_an_implementation_plan() -> None:
    (load, _joint) = example_plans_load(data_dir=Path(settings.DATA_DIR))
    plan = load.plan
    assert plan_municipality_codes(plan=plan) == ["GM1641"]
    assert plan.status == "adopted" and plan.adopted_on is not None
    priorities = plan_priorities(plan=plan)
    assert [t.name for t in priorities] == [
        "Ondermijning en georganiseerde criminaliteit",
        "Digitale veiligheid en cybercrime",
        "Zorg en veiligheid",
    ]
    for theme in priorities:
        assert theme.problem and theme.approach_basis and theme.approach_focus and theme.goals
        assert theme.council_input_on and theme.council_input
    assert 18 <= plan.indicators.count() <= 25
    assert plan.indicators.exclude(stats_crime_code="").count() >= 5
    assert plan.indicators.filter(source="survey", target_comparator__gt="").exists()
    assert {v.year for i in plan.indicators.all() for v in i.values.all()} == {2024, 2025}
    assert plan.actions.filter(year=2025).count() >= 8
    assert set(plan.partners.values_list("kind", flat=True)) == {"internal", "external"}
    assert plan.portfolio_holders.count() == 3


def test_the_joint_example_has_shared_priorities_and_a_local_spearhead_per_municipality() -> None:
    (_maasgouw, load) = example_plans_load(data_dir=Path(settings.DATA_DIR))
    plan = load.plan
    codes = plan_municipality_codes(plan=plan)
    assert sorted(codes) == ["GM0888", "GM0971", "GM1883"] and plan.is_joint
    priorities = plan_priorities(plan=plan)
    shared = [t for t in priorities if t.municipality is None]
    local = {t.municipality.code for t in priorities if t.municipality is not None}
    assert len(shared) == 3 and local == set(codes)
    assert plan.indicators.filter(municipality__isnull=False).values("municipality").distinct().count() == 3


def test_example_plans_load_is_idempotent() -> None:
    first = example_plans_load(data_dir=Path(settings.DATA_DIR))
    revisions = {load.plan.pk: load.plan.revisions.count() for load in first}
    second = example_plans_load(data_dir=Path(settings.DATA_DIR))
    assert [x.created for x in first] == [True, True] and [x.created for x in second] == [False, False]
    assert Plan.objects.count() == 2
    assert {load.plan.pk: load.plan.revisions.count() for load in second} == revisions


def _key_paths(data: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | _key_paths(value, path)
    elif isinstance(data, list):
        for item in data:
            paths |= _key_paths(item, f"{prefix}[]")
    return paths


def _documented() -> str:
    assert DOC.is_file(), "docs/plan-format.md is missing"
    return DOC.read_text(encoding="utf-8")


def test_every_key_the_exporter_writes_for_the_examples_is_documented() -> None:
    doc = _documented()
    written: set[str] = set()
    for load in example_plans_load(data_dir=Path(settings.DATA_DIR)):
        written |= _key_paths(plan_to_dict(load.plan))
    assert len(written) > 60
    missing = sorted(p for p in written if f"`{p}`" not in doc)
    assert not missing, f"docs/plan-format.md does not document: {', '.join(missing)}"


def test_every_key_the_importer_accepts_is_documented_and_the_version_is_current() -> None:
    doc = _documented()
    accepted = {
        f"{pattern}.{key}" if pattern else key for pattern, (req, opt) in SCHEMA.items() for key in req + opt
    }
    missing = sorted(p for p in accepted if f"`{p}`" not in doc)
    assert not missing, f"docs/plan-format.md does not document: {', '.join(missing)}"
    assert re.search(rf"format_version: {PLAN_FORMAT_VERSION}\b", doc)
