"""Run the benchmarks: `python -m benchmarks [--quick] [--buurt]` (or `python3 dev.py bench`).

Full run (default): the municipal cube, 342 municipalities x 59 crime types x 144 months
(2.9 million rows): the load, and the comparison query through ivp, as one plain DuckDB
statement and in SQLite. `--buurt` adds the buurt cube (~124 million rows: a 5.9 GB CSV, about
15 GB of scratch space and several minutes). `--quick` is a smoke run of seconds on a small cube.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, MUNICIPALITY, POLICE_UNIT, RESULTS_DIR, machine, write_json

# Targets of the issue (see docs/performance.md).
TARGETS = {
    "load_vs_pandas": 1.0,  # rows/s at least those of pandas read_csv + to_parquet
    "load_vs_copy": 0.7,  # and at least 0.7x those of a plain DuckDB COPY
    "query_median_s": 0.050,
    "query_vs_plain": 1.0,  # faster than the plain statement
    "query_vs_sqlite": 50.0,
    "buurt_query_median_s": 0.300,
    "buurt_query_vs_plain": 6.0,
    "buurt_query_peak_mb": 1024.0,
}


def run_case(name: str, work: Path, params: dict[str, Any]) -> dict[str, Any]:
    """One case in a process of its own (its own peak memory); returns its result."""
    out = work / f"result-{name}.json"
    print(f"  {name} ...", end=" ", flush=True)
    started = dt.datetime.now()
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.cases", name, str(work), json.dumps(params), str(out)],
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"benchmark case {name} failed ({completed.returncode})")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    seconds = (dt.datetime.now() - started).total_seconds()
    shown = result.get("median_s")
    print(f"median {shown:.4f} s" if shown is not None else "done", f"({seconds:.0f} s)", flush=True)
    return result


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 3)


def evaluate(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The measured figures against the issue's targets."""
    rows: list[dict[str, Any]] = []

    def add(name: str, measured: float | None, target: float, *, higher_is_better: bool, unit: str) -> None:
        met = None if measured is None else (measured >= target if higher_is_better else measured <= target)
        rows.append({"measure": name, "value": measured, "target": target, "unit": unit,
                     "direction": ">=" if higher_is_better else "<=", "met": met})  # fmt: skip

    load, pandas, copy = results.get("load_ivp"), results.get("load_pandas"), results.get("load_copy")
    if load and pandas and copy:
        add("load: ivp rows/s / pandas rows/s", ratio(load["rows_per_s"], pandas["rows_per_s"]),
            TARGETS["load_vs_pandas"], higher_is_better=True, unit="x")  # fmt: skip
        add("load: ivp rows/s / DuckDB COPY rows/s", ratio(load["rows_per_s"], copy["rows_per_s"]),
            TARGETS["load_vs_copy"], higher_is_better=True, unit="x")  # fmt: skip
    query, plain, sqlite = results.get("query_ivp"), results.get("query_plain"), results.get("query_sqlite")
    if query:
        add(
            "query: ivp median",
            query["median_s"],
            TARGETS["query_median_s"],
            higher_is_better=False,
            unit="s",
        )
    if query and plain:
        add("query: plain DuckDB median / ivp median", ratio(plain["median_s"], query["median_s"]),
            TARGETS["query_vs_plain"], higher_is_better=True, unit="x")  # fmt: skip
    if query and sqlite:
        add("query: SQLite median / ivp median", ratio(sqlite["median_s"], query["median_s"]),
            TARGETS["query_vs_sqlite"], higher_is_better=True, unit="x")  # fmt: skip
    buurt, buurt_plain = results.get("query_buurt_ivp"), results.get("query_buurt_plain")
    if buurt:
        add("buurt query: ivp median", buurt["median_s"], TARGETS["buurt_query_median_s"],
            higher_is_better=False, unit="s")  # fmt: skip
        add("buurt query: ivp peak memory (process)", buurt["peak_rss_mb"], TARGETS["buurt_query_peak_mb"],
            higher_is_better=False, unit="MB")  # fmt: skip
    if buurt and buurt_plain:
        add("buurt query: plain DuckDB median / ivp median",
            ratio(buurt_plain["median_s"], buurt["median_s"]),
            TARGETS["buurt_query_vs_plain"], higher_is_better=True, unit="x")  # fmt: skip
    return rows


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"# Benchmark {report['started_at']} ({report['mode']})",
        "",
        f"{m['cpu']}, {m['cpu_usable']} of {m['cpu_count']} CPUs usable, {m['ram_gb']} GB RAM; "
        f"Python {m['versions']['python']}, DuckDB {m['versions']['duckdb']}, "
        f"pandas {m['versions']['pandas']}, pyarrow {m['versions']['pyarrow']}, "
        f"SQLite {m['versions']['sqlite']}; ivp {m['ivp_commit']}.",
        f"Cube: {report['params']['cube']}.",
        "",
        "| case | median | CPU (median) | runs | rows | rows/s | peak MB | load avg (1 min) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in report["results"].items():
        if "median_s" not in r:
            continue
        rows = r.get("rows") or r.get("result_rows")
        per_s = r.get("rows_per_s")
        cpu = r.get("cpu_median_s")
        busy = r.get("load_average_1min")
        cells = [
            name,
            f"{r['median_s'] * 1000:,.1f} ms",
            f"{cpu * 1000:,.0f} ms" if cpu else "",
            str(r["runs"]),
            str(rows) if rows is not None else "",
            f"{per_s:,}" if per_s else "",
            f"{r['peak_rss_mb']:,.0f}",
            f"{busy[0]:.1f} → {busy[1]:.1f}" if busy else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        for variant, v in r.get("variants", {}).items():
            lines.append(
                f"| &nbsp; {name}, plan {variant} | {v['median_s'] * 1000:,.1f} ms | | {v['runs']} | | | | |"
            )
    lines += ["", "| target | measured | target | met |", "|---|---:|---:|---|"]
    for t in report["targets"]:
        value = "n/a" if t["value"] is None else f"{t['value']:g} {t['unit']}"
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        lines.append(f"| {t['measure']} | {value} | {t['direction']} {t['target']:g} {t['unit']} | {met} |")
    for name in ("prepare", "prepare_buurt", "load_buurt_ivp"):
        if name in report["results"]:
            extra = {k: v for k, v in report["results"][name].items() if k not in {"all_s", "case"}}
            lines += ["", f"`{name}`: `{json.dumps(extra, default=str)}`"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of seconds on a small cube")
    parser.add_argument("--buurt", action="store_true", help="also the buurt cube (~124 M rows; slow, big)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder var/bench/work-*")
    args = parser.parse_args()
    mode = ("quick" if args.quick else "full") + ("+buurt" if args.buurt else "")
    years = {"first_year": 2023, "last_year": 2023} if args.quick else {"first_year": 2012, "last_year": 2023}
    repeat = {"load": 2, "query": 5, "sqlite": 1, "buurt_query": 3} if args.quick else \
        {"load": 5, "query": 30, "sqlite": 3, "buurt_query": 15}  # fmt: skip
    started = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    work = BENCH_DIR / f"work-{stamp}"
    work.mkdir(parents=True)
    os.environ.setdefault("IVP_DUCKDB_MEMORY_LIMIT", "6GB")  # ivp's loads; other processes share the machine
    print(f"Benchmarks ({mode}); scratch folder {work}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    try:
        results["prepare"] = run_case("prepare", work, years)
        rows = results["prepare"]["rows"]
        results["load_pandas"] = run_case("load_pandas", work, {"repeat": repeat["load"], "rows": rows})
        results["load_copy"] = run_case("load_copy", work, {"repeat": repeat["load"], "rows": rows})
        results["load_ivp"] = run_case("load_ivp", work, {"repeat": repeat["load"]})
        query = {**years, "repeat": repeat["query"]}
        results["query_ivp"] = run_case("query_ivp", work, query)
        results["query_plain"] = run_case("query_plain", work, query)
        results["query_sqlite"] = run_case("query_sqlite", work, {**years, "repeat": repeat["sqlite"]})
        if args.buurt:
            buurt_years = years if not args.quick else {"first_year": 2023, "last_year": 2023}
            few = ["GM0363", "GM0362", "GM0384", "GM0415", "GM0437", "GM0451"] if args.quick else None
            results["prepare_buurt"] = run_case("prepare_buurt", work, {**buurt_years, "municipalities": few})
            results["load_buurt_ivp"] = run_case("load_buurt_ivp", work, {})
            (work / "cube_buurt.csv").unlink(missing_ok=True)  # 5.9 GB, no longer needed
            buurt_query = {**buurt_years, "repeat": repeat["buurt_query"]}
            results["query_buurt_ivp"] = run_case("query_buurt_ivp", work, buurt_query)
            results["query_buurt_plain"] = run_case(
                "query_buurt_plain", work, {**buurt_query, "memory_limit": "6GB"}
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "mode": mode,
        "machine": machine(),
        "params": {
            "cube": f"{results['prepare']['rows']:,} rows ({years['first_year']}-{years['last_year']}); "
            f"question: {MUNICIPALITY} vs {POLICE_UNIT} vs NL01, all crime types, monthly, per 1,000",
            "repeat": repeat,
            **years,
        },
        "targets": evaluate(results),
        "results": results,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    write_json(RESULTS_DIR / f"{stamp}.json", report)
    text = markdown(report)
    (RESULTS_DIR / f"{stamp}.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"Written: {RESULTS_DIR / stamp}.json and .md")


if __name__ == "__main__":
    main()
