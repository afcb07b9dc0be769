"""Load test: `python -m benchmarks.load [--users 50] [--seconds 60] [--workers 4]`.

Starts a production-like server on loopback only: gunicorn with `ivp.conf.production` (no
HTTPS redirect: plain HTTP on 127.0.0.1) against a scratch PostgreSQL database that the script
creates and drops (server from IVP_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test),
with the bundled reference data. Then `--users` concurrent users request a mix of pages for
`--seconds` seconds (bounded also by `--max-requests`). Every request goes to 127.0.0.1.
Prints requests, errors (any 5xx, unexpected status or connection error), throughput and
latency percentiles, and writes them to benchmarks/results/load.json. Figures: docs/security.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "load.json"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/test"
HOST = "127.0.0.1"
# (path, accepted statuses): public pages, the API and the health check; signed-out users are
# sent to the login page (302) where a page needs an account.
MIX: list[tuple[str, tuple[int, ...]]] = [
    ("/", (200,)),
    ("/?q=maas", (200,)),
    ("/areas/GM1641/", (200,)),
    ("/areas/RE02/", (200,)),
    ("/areas/groups/", (200, 302)),
    ("/data/", (200, 302)),
    ("/accounts/login/", (200,)),
    ("/healthz", (200,)),
    ("/api/v1/areas?page_size=50", (200, 401, 403)),
    ("/plans/", (200, 302)),
]
SETUP = """
import django; django.setup()
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from ivp.accounts.services import organisations_sync_from_areas
from ivp.areas.loading import reference_data_load
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
reference_data_load(data_dir=Path(settings.DATA_DIR))
organisations_sync_from_areas()
"""


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as con:
        con.execute(sql)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _user(
    port: int, stop: float, limit: threading.Semaphore, out: list[tuple[float, str, int]], seed: int
) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    i = seed
    while time.monotonic() < stop and limit.acquire(blocking=False):
        path, ok = MIX[i % len(MIX)]
        i += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Host": HOST, "Accept-Language": "nl"})
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
        except (OSError, http.client.HTTPException):
            status = -1
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
        out.append((time.perf_counter() - started, path, status if status in ok else -abs(status)))
    conn.close()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound on all requests")
    args = parser.parse_args(argv)

    server = os.environ.get("IVP_TEST_POSTGRES_URL", DEFAULT_SERVER)
    name = f"ivp_load_{os.getpid()}"
    scratch = Path(tempfile.mkdtemp(prefix="ivp-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVP_") and k != "DATABASE_URL"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "ivp.conf.production", "IVP_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _with_db(server, name), "IVP_VAR_DIR": str(scratch), "IVP_SSL_REDIRECT": "0",
        "IVP_ALLOWED_HOSTS": HOST, "IVP_DB_CONN_MAX_AGE": "60", "IVP_LOG_LEVEL": "ERROR",
    })  # fmt: skip
    _admin(server, f'CREATE DATABASE "{name}"')
    gunicorn = None
    try:
        subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=REPO, check=True)
        port = _free_port()
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "ivp.conf.wsgi:application", "--bind",
             f"{HOST}:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
             "--log-level", "warning"],
            env=env, cwd=REPO,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": HOST})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        results: list[tuple[float, str, int]] = []
        limit = threading.Semaphore(args.max_requests)
        stop = time.monotonic() + args.seconds
        started = time.monotonic()
        users = [
            threading.Thread(target=_user, args=(port, stop, limit, results, n)) for n in range(args.users)
        ]
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.monotonic() - started
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(scratch, ignore_errors=True)

    latencies = [r[0] for r in results]
    errors = [r for r in results if r[2] < 0]
    summary: dict[str, Any] = {
        "users": args.users, "seconds": round(elapsed, 1), "workers": args.workers, "threads": args.threads,
        "requests": len(results), "errors": len(errors),
        "requests_per_s": round(len(results) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 99) * 1000, 1) if latencies else None,
        "error_examples": sorted({f"{path} -> {-status}" for _l, path, status in errors})[:10],
        "when": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
    }  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 1 if errors or not results else 0


if __name__ == "__main__":
    sys.exit(main())
