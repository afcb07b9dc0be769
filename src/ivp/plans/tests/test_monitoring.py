"""The status rule of monitoring (pure) and the values it reads (manual and from the statistics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from ivp.areas.selectors import area_get
from ivp.plans.constants import Direction, IndicatorSource, IndicatorUnit, TargetComparator
from ivp.plans.models import Indicator, PlanMunicipality, Theme
from ivp.plans.monitoring import (
    Status,
    assess,
    format_number,
    indicator_monitoring,
    plan_monitoring,
    planned_value,
    status_rule,
    target_of,
)
from ivp.plans.services import indicator_value_add, item_create

from .factories import plan_world

END = 2027


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _indicator(**overrides: Any) -> Indicator:
    """An unsaved indicator: 40 incidents in 2023, at most 30 in 2027, lower is better."""
    data: dict[str, Any] = {
        "code": "I1",
        "name": "Woninginbraken",
        "source": IndicatorSource.OWN,
        "unit": IndicatorUnit.COUNT,
        "baseline_value": Decimal(40),
        "baseline_year": 2023,
        "target_comparator": TargetComparator.AT_MOST,
        "target_value": Decimal(30),
        "target_year": 2027,
        "direction": Direction.DOWN,
    }
    return Indicator(**(data | overrides))


def _status(indicator: Indicator, year: int, value: str | None) -> Status:
    return assess(
        indicator=indicator, year=year, value=None if value is None else Decimal(value), plan_end_year=END
    ).status


# The path 40 (2023) -> 30 (2027) plans 37.5 for 2024 and 35 for 2025; the margin is 10% of 10 = 1.


def test_a_value_on_the_path_or_better_is_on_track() -> None:
    ind = _indicator()
    assert _status(ind, 2025, "35") == Status.ON_TRACK
    assert _status(ind, 2025, "20") == Status.ON_TRACK
    assert assess(indicator=ind, year=2025, value=Decimal(35), plan_end_year=END).planned == Decimal(35)


def test_a_value_behind_the_path_within_the_margin_is_on_track_and_beyond_it_off_track() -> None:
    ind = _indicator()
    assert _status(ind, 2025, "36") == Status.ON_TRACK  # limit 35 + 1
    assert _status(ind, 2025, "36.01") == Status.OFF_TRACK
    assert _status(ind, 2024, "38.5") == Status.ON_TRACK  # 37.5 + 1
    assert _status(ind, 2024, "38.6") == Status.OFF_TRACK


def test_in_and_after_the_target_year_only_the_target_counts() -> None:
    ind = _indicator()
    assert _status(ind, 2027, "30") == Status.ON_TRACK
    assert _status(ind, 2027, "30.5") == Status.OFF_TRACK  # no margin in the target year
    assert _status(ind, 2028, "31") == Status.OFF_TRACK


def test_a_value_that_already_meets_the_target_is_on_track_in_any_year() -> None:
    ind = _indicator()
    assert _status(ind, 2024, "29") == Status.ON_TRACK


def test_a_baseline_that_already_meets_the_target_must_keep_meeting_it() -> None:
    ind = _indicator(baseline_value=Decimal(25))
    assert _status(ind, 2025, "30") == Status.ON_TRACK
    assert _status(ind, 2025, "30.5") == Status.OFF_TRACK
    assert "already meets the target" in status_rule(ind, plan_end_year=END)


def test_a_year_before_the_baseline_year_has_no_status_against_the_path() -> None:
    ind = _indicator()
    result = assess(indicator=ind, year=2022, value=Decimal(50), plan_end_year=END)
    assert result.status == Status.NO_TARGET and "2023" in result.reason


def test_without_a_baseline_value_the_target_itself_counts() -> None:
    ind = _indicator(baseline_value=None)
    assert _status(ind, 2024, "30") == Status.ON_TRACK
    assert _status(ind, 2024, "31") == Status.OFF_TRACK
    assert "No baseline value" in status_rule(ind, plan_end_year=END)


def test_without_a_target_the_status_is_no_target_and_without_a_value_no_data() -> None:
    ind = _indicator(target_comparator="", target_value=None)
    assert _status(ind, 2025, "12") == Status.NO_TARGET
    assert _status(ind, 2025, None) == Status.NO_DATA
    assert _status(_indicator(), 2025, None) == Status.NO_DATA
    assert "without a target" in status_rule(ind, plan_end_year=END)


def test_at_least_means_higher_is_better() -> None:
    # Report mark 6.0 in 2023 -> at least 7.0 in 2027: path 6.5 in 2025, margin 0.1.
    ind = _indicator(unit=IndicatorUnit.MARK, baseline_value=Decimal("6.0"),
                     target_comparator=TargetComparator.AT_LEAST, target_value=Decimal("7.0"),
                     direction=Direction.UP)  # fmt: skip
    assert _status(ind, 2025, "6.5") == Status.ON_TRACK
    assert _status(ind, 2025, "6.4") == Status.ON_TRACK
    assert _status(ind, 2025, "6.39") == Status.OFF_TRACK
    assert _status(ind, 2025, "9") == Status.ON_TRACK
    assert _status(ind, 2027, "6.99") == Status.OFF_TRACK


def test_reduce_by_pct_takes_the_percentage_of_the_baseline() -> None:
    ind = _indicator(baseline_value=Decimal(200), target_comparator=TargetComparator.REDUCE_BY_PCT,
                     target_value=Decimal(10))  # fmt: skip
    target = target_of(ind, plan_end_year=END)
    assert target is not None and target.value == Decimal(180) and target.lower_is_better
    assert _status(ind, 2025, "190") == Status.ON_TRACK  # path 190, margin 2
    assert _status(ind, 2025, "192") == Status.ON_TRACK
    assert _status(ind, 2025, "192.5") == Status.OFF_TRACK
    relative_without_baseline = _indicator(baseline_value=None, target_comparator=TargetComparator.REDUCE_BY_PCT,
                                           target_value=Decimal(10))  # fmt: skip
    assert target_of(relative_without_baseline, plan_end_year=END) is None
    assert _status(relative_without_baseline, 2025, "150") == Status.NO_TARGET


def test_the_target_year_defaults_to_the_plans_last_year() -> None:
    ind = _indicator(target_year=None)
    target = target_of(ind, plan_end_year=2026)
    assert target is not None and target.year == 2026
    assert planned_value(ind, year=2026, plan_end_year=2026) == Decimal(30)


def test_the_rule_is_stated_in_dutch_with_the_indicators_own_numbers() -> None:
    with translation.override("nl"):
        rule = status_rule(_indicator(), plan_end_year=END)
        assert rule.startswith("Doelpad: rechte lijn van de nulmeting (2023: 40) naar het doel (2027: ≤ 30)")
        assert "10%" in rule and "marge van 1" in rule
        assert format_number(Decimal("1234.500")) == "1.234,5"


# --- values from the database and the statistics store ------------------------------------


def _manual(world: Any, **overrides: Any) -> Indicator:
    data = {"code": "I1", "name": "Ervaren overlast", "source": IndicatorSource.SURVEY,
            "unit": IndicatorUnit.PERCENT, "baseline_value": Decimal(20), "baseline_year": 2023,
            "target_comparator": TargetComparator.AT_MOST, "target_value": Decimal(16), "target_year": 2027,
            "direction": Direction.DOWN}  # fmt: skip
    return item_create(actor=world.editor, plan=world.plan, model=Indicator, data=data | overrides)


@pytest.mark.django_db
def test_a_manual_value_is_the_latest_entered_of_its_year_with_source_date_and_who() -> None:
    world = plan_world()
    ind = _manual(world)
    indicator_value_add(actor=world.editor, indicator=ind, year=2025, value="21", source="Bewonerspanel",
                        measured_on=dt.date(2025, 10, 1))  # fmt: skip
    indicator_value_add(actor=world.editor, indicator=ind, year=2025, value="18.2", source="Bewonerspanel (herzien)",
                        measured_on=dt.date(2025, 11, 1))  # fmt: skip
    result = indicator_monitoring(indicator=ind, year=2025)
    assert result.reading.value == Decimal("18.2")
    assert result.reading.sources[0].title == "Bewonerspanel (herzien)"
    assert result.reading.measured_on == dt.date(2025, 11, 1)
    assert result.reading.entered_by == (world.editor.get_full_name() or world.editor.username)
    assert result.status == Status.ON_TRACK  # path 18 in 2025, margin 0.4
    assert [r.year for r in result.history] == [2023, 2024, 2025]
    assert result.history[1].value is None


def _load_politie(settings: Any, tmp_path: Path, rows: list[tuple[str, str, str, str]], *,
                  source: str = "politie_47013", provisional: frozenset[int] = frozenset()) -> None:  # fmt: skip
    """Load a small export in the 47013NED shape (type, municipality, period, count; '' = suppressed)."""
    from ivp.stats.services import source_load
    from ivp.stats.sources.base import SourceInput
    from ivp.stats.store import StatsStore

    settings.VAR_DIR = tmp_path
    path = tmp_path / f"{source}.csv"
    lines = [
        '"ID";"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1";"Aangiften_2";"Internetaangiften_3"'
    ]
    lines += [
        f'{i};"{c}";"{a}";"{p}";' + (f'"{n}"' if n else "") + ";;" for i, (c, a, p, n) in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    item = SourceInput(
        name=path.name, path=path, data_date=dt.date(2025, 3, 1), provisional_years=provisional
    )
    run = source_load(source_key=source, inputs=[item], store=StatsStore(tmp_path / "stats"))
    assert run.status == "succeeded", run.message


def _linked(world: Any, **overrides: Any) -> Indicator:
    data = {"code": "P1", "name": "Woninginbraken", "source": IndicatorSource.POLICE, "unit": IndicatorUnit.COUNT,
            "baseline_value": Decimal(40), "baseline_year": 2023, "target_comparator": TargetComparator.AT_MOST,
            "target_value": Decimal(30), "target_year": 2027, "direction": Direction.DOWN,
            "stats_crime_code": "1.1.1"}  # fmt: skip
    return item_create(actor=world.editor, plan=world.plan, model=Indicator, data=data | overrides)


@pytest.mark.django_db
def test_a_linked_indicator_reads_the_statistics_and_a_suppressed_year_is_no_data_never_zero(
    settings: Any, tmp_path: Path
) -> None:
    _load_politie(settings, tmp_path, [("1.1.1", "GM1641", "2023JJ00", "40"), ("1.1.1", "GM1641", "2024JJ00", "37"),
                                       ("1.1.1", "GM1641", "2025JJ00", "")], provisional=frozenset({2024}))  # fmt: skip
    world = plan_world()
    ind = _linked(world)
    result = indicator_monitoring(indicator=ind, year=2024)
    assert result.reading.value == Decimal(37) and result.status == Status.ON_TRACK
    assert result.reading.is_provisional and not result.reading.is_demo
    assert result.reading.sources[0].table_id == "47013NED"
    assert result.reading.sources[0].data_date == "2025-03-01"
    suppressed = indicator_monitoring(indicator=ind, year=2025)
    assert suppressed.reading.value is None and suppressed.reading.is_suppressed
    assert suppressed.status == Status.NO_DATA
    assert suppressed.as_dict(plan_end_year=END)["reading"]["value"] is None


@pytest.mark.django_db
def test_a_joint_plans_rate_is_the_summed_count_over_the_summed_population(
    settings: Any, tmp_path: Path
) -> None:
    from ivp.areas.models import Population

    _load_politie(settings, tmp_path, [("1.1.1", "GM1641", "2023JJ00", "30"), ("1.1.1", "GM0889", "2023JJ00", "10")],
                  source="demo_cube")  # fmt: skip
    world = plan_world()
    PlanMunicipality.objects.create(plan=world.plan, area=area_get(code_or_name="GM0889"), position=1)
    ind = _linked(
        world, stats_per_1000=True, unit=IndicatorUnit.PER_1000, target_comparator="", target_value=None
    )
    reading = indicator_monitoring(indicator=ind, year=2023).reading
    populations = [
        Population.objects.filter(area__code=code)
        .order_by("-year")
        .values_list("inhabitants_count", flat=True)[0]
        for code in ("GM1641", "GM0889")
    ]
    assert reading.count == 40 and reading.population == sum(populations)
    assert reading.value == (Decimal(40) * 1000 / sum(populations)).quantize(Decimal("0.01"))
    assert reading.value != (
        (Decimal(30) * 1000 / populations[0] + Decimal(10) * 1000 / populations[1]) / 2
    ).quantize(Decimal("0.01"))
    assert reading.is_demo and reading.sources[0].is_demo
    local = _linked(
        world,
        code="P2",
        municipality=area_get(code_or_name="GM0889"),
        target_comparator="",
        target_value=None,
    )
    assert indicator_monitoring(indicator=local, year=2023).reading.value == Decimal(10)


@pytest.mark.django_db
def test_plan_monitoring_lists_every_indicator_with_its_status(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # an empty statistics store
    world = plan_world()
    theme = Theme.objects.get(plan=world.plan, code="1.3")
    manual = _manual(world, theme=theme)
    indicator_value_add(actor=world.editor, indicator=manual, year=2025, value="30", source="Bewonerspanel")
    _linked(world)
    result = {m.indicator.code: m for m in plan_monitoring(plan=world.plan, year=2025)}
    assert result["I1"].status == Status.OFF_TRACK
    assert result["P1"].status == Status.NO_DATA and result["P1"].reading.no_data_reason
