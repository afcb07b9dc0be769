"""Crash test: `ivp data load` and `ivp plan import` killed (SIGKILL) at random moments.

A separate installation (its own SQLite database and var/ folder) is set up once; then a load of
a generated export (about 18,000 rows) is started and killed again and again, alternating two
versions of the data. After every kill the statistics store must show either the previous data
or the new data, complete, never a mix or an error. Likewise a plan import killed at random
leaves either no plan or the whole plan (one database transaction). Figures: docs/security.md.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ivp.areas.models import Area
from ivp.stats.periods import Grain, parse_bound
from ivp.stats.selectors import figures

REPO = Path(__file__).resolve().parents[4]
KILLS = int(os.environ.get("IVP_CRASH_RUNS", "20"))
PLAN_KILLS = int(os.environ.get("IVP_CRASH_PLAN_RUNS", "8"))
HEADER = '"ID";"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1";"Aangiften_2";"Internetaangiften_3"'
CODES = ("0.0.0", "1.1.1", "1.4.1")
pytestmark = pytest.mark.django_db


def _export(path: Path, municipalities: list[str], offset: int) -> None:
    lines, n = [HEADER], 0
    for code in municipalities:
        for year in range(2016, 2024):
            for month in range(1, 13):
                for i, crime in enumerate(CODES):
                    count = (len(code) * 7 + year + month * 3 + i * 11) % 97 + offset
                    lines.append(f'{n};"{crime} ";"{code}    ";"{year}MM{month:02d}";"{count}";"{count}";"0"')
                    n += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _env(root: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IVP_") and k != "DATABASE_URL"}
    return {
        **clean, "DJANGO_SETTINGS_MODULE": "ivp.conf.dev", "DATABASE_URL": f"sqlite:///{root / 'crash.sqlite3'}",
        "IVP_VAR_DIR": str(root / "var"), "IVP_DUCKDB_THREADS": "1", "IVP_LANGUAGE": "en",
    }  # fmt: skip


SETUP = """
import django; django.setup()
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from ivp.accounts.services import organisations_sync_from_areas
from ivp.areas.loading import reference_data_load
from ivp.stats.services import classification_load
call_command("migrate", verbosity=0)
reference_data_load(data_dir=Path(settings.DATA_DIR))
organisations_sync_from_areas()
classification_load(data_dir=Path(settings.DATA_DIR))
"""


def _ivp(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ivp.cli", *args], env=env, cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _state() -> list[Any]:
    rows = figures(area_codes=["GM1641", "GM0363"], crime_codes=list(CODES), first=parse_bound("2016-01"),
                   last=parse_bound("2023-12"), grain=Grain.MONTH).rows  # fmt: skip
    return [(r.area_code, r.crime_code, r.period.code, r.count) for r in rows]


@pytest.fixture
def installation(tmp_path: Path, settings: Any) -> dict[str, Any]:
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=REPO, check=True, capture_output=True)
    settings.VAR_DIR = tmp_path / "var"  # this process reads the same store
    municipalities = list(
        Area.objects.filter(kind="municipality").order_by("code").values_list("code", flat=True)
    )
    municipalities = sorted({"GM1641", "GM0363", *municipalities[:60]})
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    _export(files[0], municipalities, 0)
    _export(files[1], municipalities, 1000)
    return {"env": env, "files": files, "db": tmp_path / "crash.sqlite3"}


def test_a_load_killed_at_random_moments_never_leaves_a_partial_store(installation: dict[str, Any]) -> None:
    env, files = installation["env"], installation["files"]
    start = time.monotonic()
    first = _ivp(env, "data", "load", "politie_47013", str(files[0]))
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    duration = time.monotonic() - start
    states = {0: _state()}
    assert states[0] and all(r[3] is not None and r[3] < 1000 for r in states[0])
    rng = random.Random(7)
    current, outcomes = 0, {"old": 0, "new": 0}
    for run in range(KILLS):
        target = 1 - current
        process = _ivp(env, "data", "load", "politie_47013", str(files[target]))
        time.sleep(rng.uniform(0.05, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        seen = _state()
        if target not in states and seen != states[current]:
            states[target] = seen  # the first complete load of this file
        assert seen in (states[current], states.get(target)), f"run {run}: a mix or a partial store"
        assert all(r[3] is not None for r in seen), f"run {run}: missing figures"
        if seen == states[current]:
            outcomes["old"] += 1
        else:
            outcomes["new"] += 1
            current = target
    print(f"\ncrash test (load): {KILLS} kills, {outcomes['old']} left the previous data, "
          f"{outcomes['new']} the new data complete; one load takes {duration:.1f} s")  # fmt: skip
    assert outcomes["old"] > 0  # some kills really interrupted a load


def _plan_rows(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as con:
        plans = con.execute("SELECT count(*) FROM plans_plan").fetchone()[0]
        themes = con.execute("SELECT count(*) FROM plans_theme").fetchone()[0]
        indicators = con.execute("SELECT count(*) FROM plans_indicator").fetchone()[0]
    return plans, themes, indicators


def test_a_plan_import_killed_at_random_moments_leaves_no_half_plan(installation: dict[str, Any]) -> None:
    env, db = installation["env"], installation["db"]
    plan_file = REPO / "data" / "ivp" / "plans" / "maasgouw-2024-2027.yaml"
    start = time.monotonic()
    full = _ivp(env, "plan", "import", str(plan_file))
    assert full.wait(timeout=120) == 0, full.stderr.read() if full.stderr else ""
    duration = time.monotonic() - start
    complete = _plan_rows(db)
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA foreign_keys = OFF")
        for table in ("plans_planrevision", "plans_indicatorvalue", "plans_indicator", "plans_action",
                      "plans_portfolioholder_themes", "plans_portfolioholder", "plans_partner", "plans_theme",
                      "plans_safetyfield", "plans_planmunicipality", "plans_plan"):  # fmt: skip
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    assert _plan_rows(db) == (0, 0, 0)
    rng = random.Random(11)
    for run in range(PLAN_KILLS):
        process = _ivp(env, "plan", "import", "--replace", str(plan_file))
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert _plan_rows(db) in ((0, 0, 0), complete), f"run {run}: a half-written plan"
