"""Benchmarks of the veiligheidsbeeld (issue 4): page server time, one PDF, a batch of all 342.

    python -m benchmarks.reports [--runs N] [--limit N] [--municipality GM1641] [--period 2023]

Runs in a scratch installation of its own (var/bench/reports: database, bundled statistics and
the demonstration cube, made with `ivp setup` on first use). Each measurement is set against a
baseline measured in the same run: the plain `figures` call that the page makes (the page
cannot be faster than its main read). The batch writes every municipality's PDF unless
`--limit N` is given: then it writes the first N and extrapolates to 342, and says so.
Results: benchmarks/results/reports-<timestamp>.md. Targets: page <= 300 ms, PDF <= 3 s,
batch of 342 <= 10 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, RESULTS_DIR, ROOT, machine, timings

WORK = BENCH_DIR / "reports"
WORKERS = 2  # the batch's processes (the machine has 2 cores)
TARGETS = {"page_s": 0.300, "page_other_s": 0.300, "pdf_s": 3.0, "batch_s": 600.0}


def _prepare() -> None:
    os.environ["IVP_VAR_DIR"] = str(WORK)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ivp.conf.dev"
    if not (WORK / "stats").exists():
        WORK.mkdir(parents=True, exist_ok=True)
        print(f"Preparing {WORK} (ivp setup with the demonstration cube)…", flush=True)
        subprocess.run(
            [sys.executable, "-m", "ivp.cli", "setup"], cwd=ROOT, check=True, env=os.environ.copy()
        )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # a scratch database of an older ivp


def _median(seconds: list[float]) -> float:
    return statistics.median(seconds)


def run(*, runs: int, limit: int | None, code: str, period_text: str) -> dict[str, Any]:
    _prepare()
    from django.test import Client
    from django.utils import translation

    from ivp.areas.selectors import area_get, area_regions, municipality_list
    from ivp.stats.models import CrimeType
    from ivp.stats.periods import Grain, Period
    from ivp.stats.selectors import figures
    from ivp.veiligheidsbeeld.periods import report_period_parse
    from ivp.veiligheidsbeeld.report import veiligheidsbeeld_pdf
    from ivp.veiligheidsbeeld.selectors import crime_source_for, veiligheidsbeeld_get
    from ivp.veiligheidsbeeld.services import veiligheidsbeeld_batch_write

    translation.activate("nl")
    period = report_period_parse(period_text)
    area = area_get(code_or_name=code)
    picture = veiligheidsbeeld_get(area_code=area.code, period=period)  # warm caches
    assert picture.peer_group is not None
    source = crime_source_for(area_code=area.code, month=period.months()[0])
    areas = [
        area.code,
        *[r.code for r in area_regions(area=area) if r.kind != "group"],
        *picture.peer_group.codes,
    ]
    codes = list(CrimeType.objects.filter(classification="politie").values_list("code", flat=True))
    first, last = Period(period.year - 6, Grain.MONTH, 1), period.months()[-1]

    def baseline() -> None:
        figures(area_codes=areas, crime_codes=codes, first=first, last=last, grain=Grain.MONTH,
                per_1000=True, source_key=source)  # fmt: skip

    client = Client(HTTP_ACCEPT_LANGUAGE="nl", HTTP_HOST="localhost")
    url = f"/veiligheidsbeeld/{area.code}/?period={period.code}"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200

    def pdf() -> None:
        veiligheidsbeeld_pdf(veiligheidsbeeld_get(area_code=area.code, period=period))

    baseline()
    page()
    result: dict[str, Any] = {
        "municipality": f"{area.name} ({area.code})",
        "period": period.code,
        "source": source,
    }
    result["baseline_s"] = _median(timings(baseline, runs))
    result["page_s"] = _median(timings(page, runs))
    # The same page for other municipalities, one run each: what the per-process caches (the
    # source probe, the significance tests) remember of the first municipality does not help them.
    others = [m.code for m in municipality_list() if m.code != area.code][:runs]
    for other in others[:1]:
        client.get(f"/veiligheidsbeeld/{other}/?period={period.code}")  # the first request of a process

    def other_pages() -> list[float]:
        seconds = []
        for other in others:
            started = time.perf_counter()
            assert client.get(f"/veiligheidsbeeld/{other}/?period={period.code}").status_code == 200
            seconds.append(time.perf_counter() - started)
        return seconds

    result["page_other_s"] = _median(other_pages())
    result["selector_s"] = _median(
        timings(lambda: veiligheidsbeeld_get(area_code=area.code, period=period), runs)
    )
    result["pdf_s"] = _median(timings(pdf, max(3, runs // 4)))
    total = municipality_list().count()
    with tempfile.TemporaryDirectory(prefix="vb-batch-", dir=WORK) as folder:
        started = time.perf_counter()
        batch = veiligheidsbeeld_batch_write(
            region_code="NL01", period=period, folder=Path(folder), limit=limit, workers=WORKERS
        )
        seconds = time.perf_counter() - started
    written = len(batch.paths)
    result |= {
        "batch_written": written,
        "batch_measured_s": seconds,
        "batch_s": seconds * total / written,
        "batch_extrapolated": written < total,
        "municipalities": total,
    }
    return result


def _report(result: dict[str, Any], info: dict[str, Any], runs: int) -> str:
    def ok(key: str) -> str:
        return "yes" if result[key] <= TARGETS[key] else "**no**"

    base = result["baseline_s"]
    batch_note = (
        f"extrapolated from {result['batch_written']} of {result['municipalities']} "
        f"({result['batch_measured_s']:.1f} s measured)"
        if result["batch_extrapolated"]
        else f"all {result['batch_written']} written"
    )
    lines = [
        f"# Reports benchmark {info['when']}",
        "",
        f"Veiligheidsbeeld of {result['municipality']}, period {result['period']}, "
        f"source `{result['source']}`; "
        f"{runs} runs per measurement (median). Machine: {info['machine']['cpu']} "
        f"({info['machine']['cpu_usable']} usable cores), commit {info['machine']['ivp_commit']}.",
        "",
        "| Measurement | Median | x baseline | Target | Met |",
        "|---|---|---|---|---|",
        f"| Baseline: the page's `figures` call (all areas x 59 types x months) | {base * 1000:.0f} ms "
        "| 1.0 | | |",
        f"| `veiligheidsbeeld_get` (all figures, tests, findings) | {result['selector_s'] * 1000:.0f} ms "
        f"| {result['selector_s'] / base:.1f} | | |",
        f"| Page, server time (Django test client) | {result['page_s'] * 1000:.0f} ms "
        f"| {result['page_s'] / base:.1f} | ≤ 300 ms | {ok('page_s')} |",
        f"| Page, another municipality each run | {result['page_other_s'] * 1000:.0f} ms "
        f"| {result['page_other_s'] / base:.1f} | ≤ 300 ms | {ok('page_other_s')} |",
        f"| One PDF (figures + WeasyPrint + 3 charts) | {result['pdf_s']:.2f} s "
        f"| {result['pdf_s'] / base:.0f} "
        f"| ≤ 3 s | {ok('pdf_s')} |",
        f"| Batch of {result['municipalities']} PDFs ({batch_note}) | {result['batch_s'] / 60:.1f} min | "
        f"| ≤ 10 min | {ok('batch_s')} |",
        "",
        "The machine is shared: other processes running at the same time inflate the times "
        f"(load average at the start: {info['load']}; at the end: {info['load_end']}). "
        f"The batch uses {WORKERS} worker processes.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.reports", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--runs", type=int, default=10, help="runs per measurement (default 10)")
    parser.add_argument(
        "--limit", type=int, help="batch: only the first N municipalities, extrapolated to all"
    )
    parser.add_argument("--municipality", default="GM1641")
    parser.add_argument("--period", default="2023")
    args = parser.parse_args(argv)
    info: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    result = run(runs=args.runs, limit=args.limit, code=args.municipality, period_text=args.period)
    info["load_end"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    info["machine"] = machine()
    text = _report(result, info, args.runs)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"reports-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"Written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
