"""Importing plan files: every problem reported with path and line, nothing stored on any problem,
hostile files refused, replacing a plan keeps its identity."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.utils import translation

from ivp.accounts.models import Organisation
from ivp.core.errors import AccessDenied, DataFileError
from ivp.plans import models as plan_models
from ivp.plans.constants import ChangeKind
from ivp.plans.importing import plan_import
from ivp.plans.plan_file import MAX_FILE_BYTES, MAX_NODES
from ivp.plans.serialization import dump_yaml, plan_to_dict
from ivp.plans.tests.factories import plan_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


PLAN_TABLES = [
    plan_models.Plan,
    plan_models.PlanMunicipality,
    plan_models.SafetyField,
    plan_models.Theme,
    plan_models.Partner,
    plan_models.PortfolioHolder,
    plan_models.Indicator,
    plan_models.IndicatorValue,
    plan_models.Action,
    plan_models.PlanRevision,
]

VALID: dict[str, Any] = {
    "format": "ivp-plan",
    "format_version": 1,
    "plan": {
        "title": "Veiligheidsplan Proef",
        "organisation": "Gemeente Maasgouw",
        "municipalities": ["GM1641"],
        "period": {"start": 2024, "end": 2027},
        "status": "adopted",
        "adopted": {"on": "2024-02-01", "by": "Gemeenteraad"},
    },
    "fields": [
        {
            "code": "5",
            "name": "Integriteit en veiligheid",
            "themes": [
                {"code": "5.2", "name": "Ondermijning", "priority": True, "goals": ["Meer signalen"]},
                {"code": "5.3", "name": "Digitale veiligheid"},
            ],
        }
    ],
    "partners": [{"name": "Politie", "kind": "external", "role": "Handhaving"}],
    "portfolio_holders": [{"name": "A. Burgemeester", "office": "burgemeester", "themes": ["5.2"]}],
    "indicators": [
        {
            "code": "I1",
            "name": "Woninginbraken",
            "theme": "5.2",
            "source": {"kind": "police"},
            "unit": "count",
            "direction": "down",
            "baseline": {"value": 40, "year": 2022},
            "target": {"comparator": "at_most", "value": 30},
            "link": {"crime_code": "1.1.1"},
        },
        {
            "code": "I2",
            "name": "Rapportcijfer",
            "source": {"kind": "survey"},
            "unit": "mark",
            "direction": "up",
            "baseline": {"value": 7.2, "year": 2023},
            "values": [{"year": 2024, "value": 7.4, "source": "Panel"}],
        },
    ],
    "actions": [{"year": 2025, "theme": "5.3", "title": "Webinar", "lead_party": "OOV", "status": "done"}],
}


def plan_file(change: Any = None) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    if change is not None:
        change(data)
    return data


def as_bytes(data: dict[str, Any]) -> bytes:
    return dump_yaml(data).encode()


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in PLAN_TABLES}


def problems_of(content: bytes, **kwargs: Any) -> list[str]:
    before = row_counts()
    with pytest.raises(DataFileError) as caught:
        plan_import(content=content, name="plan.yaml", **kwargs)
    assert row_counts() == before, "a refused file must store nothing"
    return [str(p) for p in caught.value.problems]


def test_a_valid_file_creates_the_plan_and_appends_an_import_revision_without_user() -> None:
    result = plan_import(content=as_bytes(plan_file()), name="plan.yaml")
    plan = result.plan
    assert not result.replaced
    assert plan.title == "Veiligheidsplan Proef" and plan.status == "adopted"
    assert [t.code for t in plan.themes.filter(is_priority=True)] == ["5.2"]
    assert plan.indicators.get(code="I1").stats_crime_code == "1.1.1"
    assert plan.indicators.get(code="I2").values.get().value == Decimal("7.4")
    revision = plan.revisions.get()
    assert revision.kind == ChangeKind.IMPORT and revision.user is None
    assert revision.snapshot == plan_to_dict(plan)


def test_a_malformed_file_lists_every_problem_with_its_path_and_line_and_stores_nothing() -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["plan"]["colour"] = "blue"
        data["plan"]["period"]["end"] = 2040
        data["fields"][0]["themes"][1]["code"] = "5.2"
        data["partners"][0]["kind"] = "friend"
        data["portfolio_holders"][0]["themes"] = ["9.9"]
        data["indicators"][0]["link"]["crime_code"] = "9.9.9"
        data["indicators"][1]["target"] = {"comparator": "at_least", "value": "veel"}
        data["indicators"][1]["values"][0]["year"] = 1850
        data["actions"][0]["theme"] = "7.7"
        del data["actions"][0]["lead_party"]

    problems = problems_of(as_bytes(plan_file(break_it)))
    text = "\n".join(problems)
    expected = [
        "field 'plan.colour': unknown key",
        "field 'plan.period.end': a plan covers at most ten years",
        "field 'fields[0].themes[1].code': the theme code \"5.2\" is used twice (also at fields[0].themes[0].code)",
        "field 'partners[0].kind': expected one of internal, external, got \"friend\"",
        "field 'portfolio_holders[0].themes[0]': no theme with code \"9.9\" in this file",
        "field 'indicators[0].link.crime_code': no police crime type \"9.9.9\"",
        "field 'indicators[1].target.value': expected a number, got \"veel\"",
        "field 'indicators[1].values[0].year': the year 1850 is not between 2000 and 2100",
        "field 'actions[0].theme': no theme with code \"7.7\" in this file",
        "field 'actions[0].lead_party': required, but missing",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, f"not reported: {missing}\nreported:\n{text}"
    assert all(p.startswith("plan.yaml, row ") for p in problems), "every problem names its line"


def test_a_yaml_syntax_error_names_line_and_column() -> None:
    content = b"format: ivp-plan\nformat_version: 1\nplan:\n  title: [unclosed\n  organisation: x\n"
    (problem,) = problems_of(content)
    assert "Invalid YAML at line" in problem and "column" in problem


def test_an_unknown_municipality_is_named_and_a_name_gets_its_code_suggested() -> None:
    problems = problems_of(
        as_bytes(plan_file(lambda d: d["plan"].update(municipalities=["GM9999", "Maasgouw", "RE10"])))
    )
    text = "\n".join(problems)
    assert "'plan.municipalities[0]': no municipality with code \"GM9999\"" in text
    assert "'plan.municipalities[1]': \"Maasgouw\" is a name: write its code GM1641" in text
    assert "'plan.municipalities[2]': RE10 is a region, not a municipality" in text


def test_a_local_spearhead_must_be_one_of_the_plans_municipalities() -> None:
    problems = problems_of(
        as_bytes(plan_file(lambda d: d["fields"][0]["themes"][0].update(municipality="GM0957")))
    )
    assert any(
        "fields[0].themes[0].municipality" in p and "not one of the plan's municipalities" in p
        for p in problems
    )


def test_an_unknown_organisation_is_refused() -> None:
    problems = problems_of(as_bytes(plan_file(lambda d: d["plan"].update(organisation="Gemeente Nergens"))))
    assert any("plan.organisation" in p and "no organisation named" in p for p in problems)


@pytest.mark.parametrize(
    ("format_name", "version", "message"),
    [
        ("ivp-plan", 2, "format version 2 is newer than this ivp reads (up to 1)"),
        ("ivp-plan", "1", "expected a format version"),
        ("something-else", 1, "Not a plan file"),
    ],
)
def test_a_wrong_format_or_version_is_refused(format_name: str, version: Any, message: str) -> None:
    (problem,) = problems_of(
        as_bytes(plan_file(lambda d: d.update(format=format_name, format_version=version)))
    )
    assert message in problem


def test_target_consistency_is_checked() -> None:
    def contradict(data: dict[str, Any]) -> None:
        first, second = data["indicators"]
        first["direction"] = "up"  # contradicts at_most
        second["target"] = {"comparator": "reduce_by_pct", "value": 150, "year": 2031}
        del second["baseline"]["value"]
        del second["values"]

    text = "\n".join(problems_of(as_bytes(plan_file(contradict))))
    assert "'indicators[0].direction': direction up contradicts the target at_most" in text
    assert "'indicators[1].target': reduce_by_pct needs a baseline value" in text
    assert "'indicators[1].target.value': a reduction is a percentage above 0 and at most 100" in text
    assert "'indicators[1].target.year': the target year 2031 is not in the plan's period 2024-2027" in text


def test_values_outside_the_units_range_and_values_of_linked_indicators_are_refused() -> None:
    def wrong(data: dict[str, Any]) -> None:
        data["indicators"][1]["values"][0]["value"] = 12  # a report mark above 10
        data["indicators"][0]["values"] = [{"year": 2024, "value": 3, "source": "x"}]
        data["indicators"][0]["source"]["kind"] = "survey"

    text = "\n".join(problems_of(as_bytes(plan_file(wrong))))
    assert "'indicators[1].values[0].value': a value in mark lies between 1 and 10" in text
    assert "'indicators[0].values': a linked indicator takes its values from the police statistics" in text
    assert "'indicators[0].link': only a police indicator (source.kind: police) can be linked" in text


def test_yes_and_no_are_not_booleans_and_numbers_for_codes_get_a_hint() -> None:
    content = (
        as_bytes(plan_file()).replace(b"priority: true", b"priority: yes").replace(b"code: I1", b"code: 12")
    )
    text = "\n".join(problems_of(content))
    assert "'fields[0].themes[0].priority': expected true or false, got \"yes\"" in text
    assert "'indicators[0].code': expected text, got 12 (put it in quotes: '12')" in text


def test_a_null_baseline_year_is_a_problem_naming_its_path_not_a_database_error() -> None:
    def null_year(data: dict[str, Any]) -> None:
        data["indicators"][1]["baseline"]["year"] = None  # `year: ~` in the file
        data["indicators"][0]["baseline"]["year"] = None  # with a target, which needs it too

    text = "\n".join(problems_of(as_bytes(plan_file(null_year))))
    assert "'indicators[1].baseline.year': a baseline value needs its year" in text
    assert "'indicators[0].baseline.year': a baseline value needs its year" in text
    assert "'indicators[0].target': a target needs the baseline year (baseline.year)" in text


def test_a_null_baseline_value_with_reduce_by_pct_is_a_problem() -> None:
    def null_value(data: dict[str, Any]) -> None:
        data["indicators"][1]["baseline"]["value"] = None
        data["indicators"][1]["target"] = {"comparator": "reduce_by_pct", "value": 10}

    text = "\n".join(problems_of(as_bytes(plan_file(null_value))))
    assert "'indicators[1].target': reduce_by_pct needs a baseline value to reduce from" in text


def test_an_impossible_date_is_a_problem_naming_its_path() -> None:
    content = as_bytes(plan_file())
    assert b"'on': '2024-02-01'" in content
    content = content.replace(b"'on': '2024-02-01'", b"'on': 2024-13-45")
    (problem,) = problems_of(content)
    assert "'plan.adopted.on': expected a date (YYYY-MM-DD), got 2024-13-45, which is not a valid date" in (
        problem
    )


def test_an_impossible_date_where_text_belongs_is_a_problem_with_a_hint() -> None:
    content = as_bytes(plan_file(lambda d: d["plan"].update(title="TITLE")))
    content = content.replace(b"title: TITLE", b"title: 2024-13-45").replace(
        b"- Meer signalen", b"- 2023-02-30 10:00:00"
    )
    text = "\n".join(problems_of(content))
    assert "'plan.title': expected text, got 2024-13-45, which is not a valid date (put it in quotes" in text
    assert (
        "'fields[0].themes[0].goals[0]': expected text, got 2023-02-30 10:00:00, which is not a valid" in text
    )


def test_a_valid_date_where_text_belongs_gets_the_quotes_hint() -> None:
    content = as_bytes(plan_file(lambda d: d["plan"].update(title="TITLE")))
    (problem,) = problems_of(content.replace(b"title: TITLE", b"title: 2024-01-31"))
    assert "'plan.title': expected text, got 2024-01-31 (put it in quotes: '2024-01-31')" in problem


def test_a_key_given_twice_is_refused() -> None:
    content = as_bytes(plan_file()).replace(b"  status: adopted\n", b"  status: adopted\n  status: draft\n")
    (problem,) = problems_of(content)
    assert "The key “status” is given twice." in problem


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    content = ("format: ivp-plan\nformat_version: 1\n" + "\n".join(lines) + "\n").encode()
    problems = problems_of(content)
    assert "Anchors and aliases (&name, *name) are not allowed" in problems[0]


def test_a_huge_file_is_refused_unread() -> None:
    content = b"format: ivp-plan\n# " + b"x" * MAX_FILE_BYTES + b"\n"
    (problem,) = problems_of(content)
    assert "larger than 2 MB" in problem


def test_deep_nesting_is_refused() -> None:
    (problem,) = problems_of(b"plan: " + b"[" * 30 + b"]" * 30 + b"\n")
    assert "Nested deeper than 20 levels" in problem
    # far deeper: libyaml (when present) stops it even earlier, while scanning
    (problem,) = problems_of(b"plan: " + b"[" * 5000 + b"]" * 5000 + b"\n")
    assert "Nested deeper than 20 levels" in problem or "maximum nesting depth" in problem


def test_a_file_with_more_values_than_any_plan_is_refused_before_it_is_built() -> None:
    items = "".join(f"- {i}\n" for i in range(MAX_NODES + 10))
    (problem,) = problems_of(f"format: ivp-plan\nformat_version: 1\nfields:\n{items}".encode())
    assert f"More than {MAX_NODES} values" in problem


def test_python_objects_are_never_built() -> None:
    content = b"format: !!python/object/apply:os.system ['echo owned']\n"
    (problem,) = problems_of(content)
    assert "Invalid YAML" in problem and "python/object" in problem


def test_an_existing_plan_is_refused_without_replace() -> None:
    plan_import(content=as_bytes(plan_file()), name="plan.yaml")
    (problem,) = problems_of(as_bytes(plan_file()))
    assert "already has the plan “Veiligheidsplan Proef” for 2024-2027" in problem and "--replace" in problem


def test_replace_keeps_the_plan_and_items_with_the_same_code_and_makes_the_content_the_files() -> None:
    first = plan_import(content=as_bytes(plan_file()), name="plan.yaml").plan
    theme = first.themes.get(code="5.2")
    indicator = first.indicators.get(code="I2")
    value = indicator.values.get()

    def change(data: dict[str, Any]) -> None:
        data["fields"][0]["themes"][0]["name"] = "Ondermijning en georganiseerde criminaliteit"
        del data["fields"][0]["themes"][1]  # 5.3 goes
        data["actions"][0]["theme"] = "5.2"
        data["indicators"][1]["values"].append({"year": 2025, "value": 7.6, "source": "Panel"})
        data["partners"] = []

    result = plan_import(content=as_bytes(plan_file(change)), name="plan-v2.yaml", replace=True)
    plan = result.plan
    assert result.replaced and plan.pk == first.pk
    assert plan.themes.get(code="5.2").pk == theme.pk
    assert plan.themes.get(code="5.2").name == "Ondermijning en georganiseerde criminaliteit"
    assert plan.themes.get(code="5.2").version == theme.version + 1
    assert not plan.themes.filter(code="5.3").exists() and not plan.partners.exists()
    assert plan.indicators.get(code="I2").pk == indicator.pk
    assert plan.indicators.get(code="I2").values.order_by("pk").first() == value
    assert [r.kind for r in plan.revisions.order_by("number")] == [ChangeKind.IMPORT, ChangeKind.IMPORT]
    expected = plan_file(change)
    del expected["partners"]  # an empty list is left out of the file
    assert plan_to_dict(plan) == expected
    assert plan_models.Plan.objects.filter(title="Veiligheidsplan Proef").count() == 1


def test_a_user_without_a_changing_role_cannot_import() -> None:
    world = plan_world()
    before = row_counts()
    with pytest.raises(AccessDenied):
        plan_import(content=as_bytes(plan_file()), name="plan.yaml", actor=world.viewer)
    assert row_counts() == before


def test_an_editor_of_the_organisation_may_import_and_is_recorded() -> None:
    world = plan_world()
    assert Organisation.objects.get(name="Gemeente Maasgouw") == world.organisation
    plan = plan_import(content=as_bytes(plan_file()), name="plan.yaml", actor=world.editor).plan
    assert plan.revisions.get().user == world.editor


def test_an_empty_or_non_mapping_file_is_not_a_plan_file() -> None:
    assert "Not a plan file" in problems_of(b"")[0]
    assert "Not a plan file" in problems_of(yaml.safe_dump(["a", "b"]).encode())[0]
    assert "not UTF-8" in problems_of("format: ivp-plan\ntitle: café\n".encode("latin-1"))[0]
