#!/usr/bin/env python3
"""Task runner for ivp. Standard library only, so it runs on a fresh machine.

python3 dev.py start     set up (venv, install, migrate, bundled data, demo account) and serve
python3 dev.py setup     the same without starting the server
python3 dev.py test      the whole test suite with its quality gates (what CI runs)
python3 dev.py lint      ruff (lint + format check) and mypy only
python3 dev.py messages  update the Dutch translation file and compile it
python3 dev.py bench     benchmarks of the statistics store (--quick: seconds; --buurt: the 124 M row cube)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ivp-install-stamp"
DEFAULT_TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
CHROMIUM = Path(os.environ.get("IVP_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m" if sys.stdout.isatty() else f"==> {message}", flush=True)


def loud(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n{message}\n{bar}\n", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> int:
    cmd = [str(a) for a in args]
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(f"dev.py: command failed ({result.returncode}): {' '.join(cmd)}")
    return result.returncode


def ensure_venv() -> None:
    """Create .venv and install ivp with its dev extras; reinstall only when pyproject changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("ivp needs Python 3.11 or newer.")
    if not PY.exists():
        say(f"Creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    say("Installing ivp and its dependencies into .venv")
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(digest)


def app_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "ivp.conf.dev")
    env.update(extra)
    return env


def ivp(*args: str, env: dict[str, str] | None = None, check: bool = True) -> int:
    return run(BIN / "ivp", *args, env=env or app_env(), check=check)


def cmd_setup(_: argparse.Namespace) -> None:
    ensure_venv()
    say("Preparing the database and loading the bundled data")
    ivp("setup")


def cmd_start(args: argparse.Namespace) -> None:
    cmd_setup(args)
    address = f"127.0.0.1:{args.port}"
    login = (
        "Log in with the local demo account: user 'demo' (editor) or 'raadslid' (viewer), password 'demo'."
        if "DATABASE_URL" not in os.environ
        else "DATABASE_URL is set, so no demo account was made: "
        "create a user with `.venv/bin/ivp manage createsuperuser`."
    )
    print(f"\nivp runs at http://{address}/\n{login}\nStop with Ctrl+C.\n", flush=True)
    run(PY, "manage.py", "runserver", address, env=app_env(), check=False)


def apt_install(package: str) -> bool:
    """Install a Debian package when we may (root, apt-get present). Returns success."""
    if shutil.which("apt-get") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    say(f"Installing the system package '{package}' with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    if (
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package], **quiet).returncode
        == 0
    ):  # type: ignore[call-overload]
        return True
    subprocess.run(["apt-get", "update"], **quiet)  # type: ignore[call-overload]
    return (
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package], **quiet).returncode
        == 0
    )  # type: ignore[call-overload]


def ensure_chromium() -> bool:
    if CHROMIUM.exists():
        return True
    if apt_install("chromium") and CHROMIUM.exists():
        return True
    if IN_CI:
        sys.exit(
            f"dev.py: chromium is required under CI but {CHROMIUM} is missing and could not be installed."
        )
    loud(
        f"BROWSER TESTS WILL BE SKIPPED: {CHROMIUM} is missing and could not be installed here.\n"
        "Install Debian's 'chromium' package (or set IVP_CHROMIUM) to run them."
    )
    return False


def ensure_gettext() -> bool:
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return True
    return apt_install("gettext") and shutil.which("xgettext") is not None


def postgres_url() -> str | None:
    """The PostgreSQL URL to test against, if a server answers there."""
    url = os.environ.get("IVP_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
    if url.lower() in {"", "0", "off", "none"}:
        return None
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=2):
            return url
    except OSError:
        return None


def cmd_lint(_: argparse.Namespace, results: dict[str, bool] | None = None) -> bool:
    ensure_venv()
    results = {} if results is None else results
    gates = {
        "ruff lint": [BIN / "ruff", "check", "."],
        "ruff format": [BIN / "ruff", "format", "--check", "."],
        "mypy": [BIN / "mypy", "src"],
    }
    for name, cmd in gates.items():
        say(name)
        results[name] = run(*cmd, check=False) == 0
    return all(results.values())


def cmd_messages(_: argparse.Namespace) -> None:
    ensure_venv()
    if not ensure_gettext():
        sys.exit("dev.py: updating translations needs GNU gettext (xgettext, msgmerge).")
    run(PY, "-m", "ivp.core.i18n_check", "update", env=app_env())


def cmd_test(args: argparse.Namespace) -> None:
    started = time.monotonic()
    ensure_venv()
    results: dict[str, bool] = {}
    cmd_lint(args, results)

    say("migrations are complete (makemigrations --check)")
    results["migrations"] = (
        run(
            PY,
            "manage.py",
            "makemigrations",
            "--check",
            "--dry-run",
            env=app_env(DJANGO_SETTINGS_MODULE="ivp.conf.test"),
            check=False,
        )
        == 0
    )

    say("Dutch translations are complete and compiled")
    have_gettext = ensure_gettext()
    if not have_gettext and IN_CI:
        sys.exit(
            "dev.py: GNU gettext is required under CI for the translation gate but could not be installed."
        )
    if not have_gettext:
        loud("TRANSLATION EXTRACTION SKIPPED: GNU gettext is missing; only the .po/.mo files are checked.")
    results["translations"] = (
        run(
            PY,
            "-m",
            "ivp.core.i18n_check",
            "check" if have_gettext else "check-files",
            env=app_env(),
            check=False,
        )
        == 0
    )

    browser = ensure_chromium()
    pytest_env = app_env(DJANGO_SETTINGS_MODULE="ivp.conf.test", IVP_BROWSER_TESTS="1" if browser else "0")
    pytest_env.pop("DATABASE_URL", None)
    pytest_args = list(args.pytest_args)

    say("pytest on SQLite")
    results["pytest (SQLite)"] = run(PY, "-m", "pytest", *pytest_args, env=pytest_env, check=False) == 0

    pg = postgres_url()
    if pg:
        say(f"pytest on PostgreSQL ({urlparse(pg).hostname}:{urlparse(pg).port or 5432})")
        pg_env = dict(pytest_env, DATABASE_URL=pg)
        results["pytest (PostgreSQL)"] = run(PY, "-m", "pytest", *pytest_args, env=pg_env, check=False) == 0
    else:
        loud(
            "POSTGRESQL NOT REACHABLE: the PostgreSQL run was skipped.\n"
            f"Set IVP_TEST_POSTGRES_URL (default {DEFAULT_TEST_POSTGRES_URL}) to run it."
        )

    print("\nQuality gates:")
    for name, ok in results.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    print(f"  (took {time.monotonic() - started:.0f} s)")
    if not all(results.values()):
        sys.exit(1)


def cmd_bench(args: argparse.Namespace) -> None:
    """The benchmarks (not part of the tests); results in benchmarks/results/ (docs/performance.md)."""
    ensure_venv()
    probe = subprocess.run([str(PY), "-c", "import pandas, pyarrow"], cwd=ROOT, capture_output=True)
    if probe.returncode != 0:
        say("Installing the benchmark extras (pandas)")
        run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev,bench]")
    chosen = {"--quick": args.quick, "--buurt": args.buurt, "--keep": args.keep}
    flags = [flag for flag, on in chosen.items() if on]
    env = app_env()
    env.pop("DATABASE_URL", None)  # the benchmarks use a scratch SQLite database under var/bench
    sys.exit(run(PY, "-m", "benchmarks", *flags, env=env, check=False))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create .venv, install, migrate, load bundled data").set_defaults(
        func=cmd_setup
    )
    start = sub.add_parser("start", help="setup, then serve on http://127.0.0.1:8000")
    start.add_argument("--port", default="8000")
    start.set_defaults(func=cmd_start)
    test = sub.add_parser("test", help="the whole test suite with its quality gates")
    test.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest")
    test.set_defaults(func=cmd_test)
    sub.add_parser("lint", help="ruff and mypy").set_defaults(
        func=lambda a: sys.exit(0 if cmd_lint(a) else 1)
    )
    sub.add_parser("messages", help="update and compile the Dutch translations").set_defaults(
        func=cmd_messages
    )
    bench = sub.add_parser("bench", help="benchmarks of the statistics store (not part of the tests)")
    bench.add_argument("--quick", action="store_true", help="a smoke run of seconds on a small cube")
    bench.add_argument("--buurt", action="store_true", help="also the buurt-level cube (~124 M rows; slow)")
    bench.add_argument("--keep", action="store_true", help="keep the scratch folder under var/bench")
    bench.set_defaults(func=cmd_bench)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
