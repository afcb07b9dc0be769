"""What the benchmark cases share: the scratch installation, timing, memory and the machine."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "benchmarks" / "results"
# The comparison question: one municipality vs its police unit vs the Netherlands.
MUNICIPALITY, POLICE_UNIT = "GM0363", "RE05"  # Amsterdam, eenheid Amsterdam
DERIVED_MUNICIPALITIES = "derived/gemeenten_2024_regio_indeling.csv"


def django_setup(work: Path) -> None:
    """Point ivp at the scratch installation in `work` (its own database and store)."""
    os.environ["IVP_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ivp.conf.test"
    import django

    django.setup()


def cpu_seconds() -> float:
    """CPU time of this process so far (every thread: DuckDB's, NumPy's, Python's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timings(action: Callable[[], object], repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock seconds of `repeat` runs of `action` (and their CPU seconds into `cpu`)."""
    found = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        action()
        found.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(cpu_seconds() - started_cpu)
    return found


def summary(seconds: list[float], rows: int | None = None, cpu: list[float] | None = None) -> dict[str, Any]:
    median = statistics.median(seconds)
    result: dict[str, Any] = {
        "runs": len(seconds),
        "median_s": round(median, 6),
        "min_s": round(min(seconds), 6),
        "max_s": round(max(seconds), 6),
        "all_s": [round(s, 6) for s in seconds],
    }
    if cpu:
        result["cpu_median_s"] = round(statistics.median(cpu), 6)
        result["cpu_all_s"] = [round(c, 6) for c in cpu]
    if rows is not None:
        result["rows"] = rows
        result["rows_per_s"] = round(rows / median)
    return result


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _read(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict[str, Any]:
    import duckdb

    versions = {"python": platform.python_version(), "duckdb": duckdb.__version__}
    for name in ("pandas", "pyarrow", "django"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            versions[name] = None
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    memory_kb = _read("/proc/meminfo", "MemTotal").split(" ")[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "cpu": _read("/proc/cpuinfo", "model name") or platform.processor(),
        "cpu_count": os.cpu_count(),
        "cpu_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb.isdigit() else None,
        "versions": versions,
        "ivp_commit": commit + ("+uncommitted" if dirty else ""),
        "duckdb_memory_limit": os.environ.get("IVP_DUCKDB_MEMORY_LIMIT") or "default (80 % of RAM)",
    }


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
