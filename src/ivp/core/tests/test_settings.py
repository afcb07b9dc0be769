from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from ivp.accounts.services import demo_accounts_create
from ivp.core.errors import IvpError


def _import_settings(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IVP_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", f"import {module} as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.IVP_DEMO_ACCOUNTS)"],
        env={**clean, **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_embedded_default_is_sqlite_with_demo_accounts() -> None:
    result = _import_settings("ivp.conf.dev")
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_database_url_selects_postgresql_without_demo_accounts() -> None:
    result = _import_settings("ivp.conf.dev", DATABASE_URL="postgres://u@db.example/ivp")
    assert result.stdout.split() == ["django.db.backends.postgresql", "True", "False"]


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _import_settings("ivp.conf.production", DATABASE_URL="postgres://u@db/ivp")
    assert result.returncode != 0 and "IVP_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_database_url() -> None:
    result = _import_settings("ivp.conf.production", IVP_SECRET_KEY="x" * 40)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_production_never_allows_demo_accounts() -> None:
    result = _import_settings(
        "ivp.conf.production", IVP_SECRET_KEY="x" * 40, DATABASE_URL="postgres://u@db/ivp"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "False"]


@pytest.mark.django_db
@override_settings(IVP_DEMO_ACCOUNTS=False)
def test_demo_accounts_are_refused_when_the_settings_do_not_allow_them() -> None:
    with pytest.raises(IvpError):
        demo_accounts_create()
